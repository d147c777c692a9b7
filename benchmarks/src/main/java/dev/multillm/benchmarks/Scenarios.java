package dev.multillm.benchmarks;

import dev.multillm.benchmarks.Results.Metric;
import dev.multillm.benchmarks.clients.BenchClient;
import dev.multillm.benchmarks.clients.JdkFloorClient;
import dev.multillm.benchmarks.clients.LangChain4jClient;
import dev.multillm.benchmarks.clients.MultillmClient;
import dev.multillm.benchmarks.clients.OpenAiJavaClient;
import dev.multillm.fallback.BreakerSettings;
import dev.multillm.fallback.BreakerState;
import dev.multillm.fallback.FallbackChatProvider;
import dev.multillm.fallback.Route;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The load scenarios, run against one {@link LocalServer} with every client in the same process,
 * interleaved round by round (A B C D …, the starting client rotating each round) so that the
 * machine's noise hits them alike.
 *
 * <p>Thread-safety: not thread-safe; driven by one thread.
 */
public final class Scenarios {

    /**
     * A client under test and how to make a fresh one for a base URL.
     *
     * @param name    the name in the report
     * @param kind    {@code multillm}, {@code floor} or {@code peer}
     * @param factory makes a client for a base URL
     *
     * <p>Thread-safety: immutable record.
     */
    public record Spec(String name, String kind, Function<URI, BenchClient> factory) {
    }

    /** The clients of the main table, in the order of the first round. */
    public static List<Spec> specs() {
        return List.of(
                new Spec("multillm-openai", "multillm",
                        base -> new MultillmClient("multillm-openai", MultillmClient.openAi(base))),
                new Spec("jdk-default", "floor", base -> new JdkFloorClient("jdk-default", base, false)),
                new Spec("openai-java", "peer", OpenAiJavaClient::new),
                new Spec("multillm-groq", "multillm",
                        base -> new MultillmClient("multillm-groq", MultillmClient.groq(base))),
                new Spec("jdk-direct", "floor", base -> new JdkFloorClient("jdk-direct", base, true)),
                new Spec("langchain4j", "peer", LangChain4jClient::new),
                new Spec("multillm-chain", "multillm", base -> new MultillmClient("multillm-chain",
                        MultillmClient.chain(base, base, BreakerSettings.defaults()))));
    }

    /** Calls and streams in one block of {@link #untilCompiled}. */
    private static final int WARM_BLOCK_CALLS = 1000;
    private static final int WARM_BLOCK_STREAMS = 10;
    /** JIT time in one block below which the compiler counts as idle. */
    private static final long IDLE_JIT_MILLIS = 5;

    private final LocalServer server;
    private final Plan plan;
    private final Results results;
    private final List<Spec> specs;
    private final Log log;
    private java.util.Set<String> only = java.util.Set.of();

    /**
     * Where progress lines go.
     *
     * <p>Thread-safety: called from the harness's main thread only.
     */
    public interface Log {
        void line(String text);
    }

    public Scenarios(LocalServer server, Plan plan, Results results, List<Spec> specs, Log log) {
        this.server = server;
        this.plan = plan;
        this.results = results;
        this.specs = specs;
        this.log = log;
    }

    /**
     * Limits the run to some scenarios ({@code seq}, {@code loop}, {@code stream}, {@code conc},
     * {@code failover}, {@code breaker}, {@code proxy}); empty for all.
     */
    public void only(java.util.Set<String> scenarios) {
        this.only = java.util.Set.copyOf(scenarios);
    }

    /** Whether {@code scenario} is to run. */
    public boolean enabled(String scenario) {
        return only.isEmpty() || only.contains(scenario);
    }

    /** Runs warm-up and every interleaved round of the main table's scenarios. */
    public void runMainTable() {
        List<BenchClient> clients = new ArrayList<>();
        // Only the proxy scenario (which warms up itself): no clients, no warm-up, no rounds.
        boolean table = java.util.stream.Stream.of("seq", "loop", "stream", "conc", "failover", "breaker")
                .anyMatch(this::enabled);
        for (Spec spec : table ? specs : List.<Spec>of()) {
            clients.add(spec.factory().apply(server.baseUrl()));
        }
        try {
            for (BenchClient client : clients) {
                guarded(client.name(), "warm-up", () -> warm(client));
            }
            for (int round = 0; table && round < plan.rounds(); round++) {
                log.line("round " + (round + 1) + "/" + plan.rounds());
                List<BenchClient> order = rotate(clients, round);
                for (BenchClient client : order) {
                    if (enabled("seq")) {
                        guarded(client.name(), "sequential calls", () -> sequential(client));
                    }
                }
                for (BenchClient client : order) {
                    if (enabled("loop")) {
                        guarded(client.name(), "calls in flight", () -> throughput(client));
                    }
                }
                for (BenchClient client : order) {
                    if (enabled("stream")) {
                        guarded(client.name(), "streaming", () -> streaming(client));
                    }
                }
            }
        } finally {
            for (BenchClient client : clients) {
                client.close();
            }
        }
        for (int round = 0; enabled("conc") && round < plan.concurrencyRounds(); round++) {
            log.line("concurrent streams, round " + (round + 1) + "/" + plan.concurrencyRounds());
            for (Spec spec : rotate(specs, round)) {
                guarded(spec.name(), "concurrent streams", () -> concurrency(spec));
            }
        }
    }

    private static <T> List<T> rotate(List<T> list, int by) {
        List<T> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(list.get((i + by) % list.size()));
        }
        return out;
    }

    /** A step that may fail for one client without stopping the run. */
    private interface Step {
        void run() throws Exception;
    }

    private void guarded(String client, String scenario, Step step) {
        try {
            step.run();
        } catch (Exception | Error e) {
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            String why = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            results.note(client + ", " + scenario + ": failed (" + why + ")");
            log.line("  " + client + " " + scenario + " FAILED: " + why);
        }
    }

    // ---- warm-up ----

    private void warm(BenchClient client) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < plan.warmCalls(); i++) {
            client.call();
        }
        for (int i = 0; i < plan.warmStreams(); i++) {
            client.stream(text -> { });
        }
        loop(client, plan.warmLoopSeconds(), null, false);
        if (client.hasAsync()) {
            loop(client, plan.warmLoopSeconds(), null, true);
        }
        int blocks = untilCompiled(client);
        log.line("  warmed " + client.name() + " in " + ms(System.nanoTime() - t0) + " ms (" + blocks
                + " blocks until the JIT was idle)");
    }

    /**
     * Goes on warming {@code client} in blocks of calls and streams until a block passes with the
     * JIT compiler (nearly) idle: a client measured while its own code still runs in the
     * profiling tier, and while compiler threads take CPU, pays for code that a service's warm
     * JVM has long compiled. (Three thousand calls were not enough for the deeper libraries.)
     *
     * @return the blocks it took
     */
    private int untilCompiled(BenchClient client) throws Exception {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return 0;
        }
        int blocks = 0;
        while (blocks < plan.maxWarmBlocks()) {
            long before = jit.getTotalCompilationTime();
            for (int i = 0; i < WARM_BLOCK_CALLS; i++) {
                client.call();
            }
            for (int i = 0; i < WARM_BLOCK_STREAMS; i++) {
                client.stream(text -> { });
            }
            blocks++;
            if (jit.getTotalCompilationTime() - before <= IDLE_JIT_MILLIS) {
                break;
            }
        }
        return blocks;
    }

    // ---- sequential non-streamed calls ----

    void sequential(BenchClient client) throws Exception {
        int n = plan.calls();
        long[] latencies = new long[n];
        Meter.settle();
        long firstId = new Thread(() -> { }).getId();
        Meter.Window window = Meter.start(server.threadId(), true);
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            String text = client.call();
            latencies[i] = System.nanoTime() - t0;
            if (text == null || text.isEmpty()) {
                throw new IllegalStateException("empty answer");
            }
        }
        Meter.Usage usage = window.stop();
        long threadsCreated = new Thread(() -> { }).getId() - firstId - 2; // less the sampler and this probe
        String name = client.name();
        results.add(name, Metric.THREADS_CALL, Math.max(0, threadsCreated) / (double) n);
        results.add(name, Metric.P50_US, Results.percentile(latencies, 50) / 1e3);
        results.add(name, Metric.P99_US, Results.percentile(latencies, 99) / 1e3);
        results.add(name, Metric.CPU_US_CALL, usage.clientCpuNanos() / 1e3 / n);
        results.add(name, Metric.ALLOC_KB_CALL, usage.clientAlloc() / 1024.0 / n);
        results.add("server (sequential)", Metric.SERVER_SHARE, share(usage));
        log.line(String.format("  %-16s sequential   p50 %7.1f µs  p99 %7.1f µs  cpu %6.1f µs/call",
                name, results.rounds(name, Metric.P50_US).get(results.rounds(name, Metric.P50_US).size() - 1),
                Results.percentile(latencies, 99) / 1e3, usage.clientCpuNanos() / 1e3 / n));
    }

    private static double share(Meter.Usage usage) {
        long all = usage.clientCpuNanos() + usage.serverCpuNanos();
        return all == 0 ? Double.NaN : 100.0 * usage.serverCpuNanos() / all;
    }

    // ---- calls in flight ----

    void throughput(BenchClient client) throws Exception {
        String name = client.name();
        Meter.settle();
        long[] measured = new long[1];
        long acceptedBefore = server.accepted();
        Meter.Usage usage = loop(client, plan.loopSeconds(), measured, false);
        double connsPerCall = (double) (server.accepted() - acceptedBefore) / Math.max(1, measured[0]);
        double rps = measured[0] / (usage.wallNanos() / 1e9);
        results.add(name, Metric.RPS, rps);
        double cpuPerRequest = usage.clientCpuNanos() / 1e3 / Math.max(1, measured[0]);
        results.add(name, Metric.CPU_US_REQ, cpuPerRequest);
        results.add("server (in flight)", Metric.SERVER_SHARE, share(usage));
        String async = "";
        if (client.hasAsync()) {
            Meter.settle();
            Meter.Usage asyncUsage = loop(client, plan.loopSeconds(), measured, true);
            double asyncRps = measured[0] / (asyncUsage.wallNanos() / 1e9);
            results.add(name, Metric.RPS_ASYNC, asyncRps);
            async = String.format("  async %8.0f req/s  cpu %6.1f µs/req", asyncRps,
                    asyncUsage.clientCpuNanos() / 1e3 / Math.max(1, measured[0]));
        }
        log.line(String.format("  %-16s in flight    %8.0f req/s  cpu %6.1f µs/req  %.3f new conns/call%s", name,
                rps, cpuPerRequest, connsPerCall, async));
    }

    /**
     * Keeps {@link Plan#inFlight()} calls in flight, on as many threads making blocking calls or
     * (with {@code async}) with the library's asynchronous API, each completion starting the next
     * call; a ramp of 0.3 s, then {@code seconds} measured.
     */
    private Meter.Usage loop(BenchClient client, double seconds, long[] measured, boolean async) throws Exception {
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        int inFlight = plan.inFlight();
        CountDownLatch finished = new CountDownLatch(inFlight);
        if (async) {
            for (int k = 0; k < inFlight; k++) {
                launch(client, done, failed, stop, finished);
            }
        } else {
            for (int k = 0; k < inFlight; k++) {
                Thread t = new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            try {
                                client.call();
                                done.incrementAndGet();
                            } catch (Exception e) {
                                failed.incrementAndGet();
                            }
                        }
                    } finally {
                        finished.countDown();
                    }
                }, "bench-caller-" + k);
                t.setDaemon(true);
                t.start();
            }
        }
        Thread.sleep(Math.min(300, (long) (seconds * 1000)));
        long before = done.get();
        Meter.Window window = Meter.start(server.threadId(), false);
        Thread.sleep((long) (seconds * 1000));
        long after = done.get();
        Meter.Usage usage = window.stop();
        stop.set(true);
        if (!finished.await(60, TimeUnit.SECONDS)) {
            results.note(client.name() + ": calls in flight did not all finish within 60 s");
        }
        if (failed.get() > 0) {
            results.note(client.name() + ": " + failed.get() + " failed calls in the in-flight loop"
                    + (async ? " (async)" : ""));
        }
        if (measured != null) {
            measured[0] = after - before;
        }
        return usage;
    }

    private static void launch(BenchClient client, AtomicLong done, AtomicLong failed, AtomicBoolean stop,
                               CountDownLatch finished) {
        CompletableFuture<String> call;
        try {
            call = client.callAsync();
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            finished.countDown();
            return;
        }
        call.whenComplete((text, failure) -> {
            if (failure != null) {
                failed.incrementAndGet();
            } else {
                done.incrementAndGet();
            }
            if (stop.get()) {
                finished.countDown();
            } else {
                launch(client, done, failed, stop, finished);
            }
        });
    }

    // ---- sequential streams ----

    void streaming(BenchClient client) throws Exception {
        int n = plan.streams();
        int expected = server.config().streamChunks();
        long[] ttfc = new long[n];
        long chunks = 0;
        long streamingNanos = 0;
        Meter.settle();
        long acceptedBefore = server.accepted();
        Meter.Window window = Meter.start(server.threadId(), true);
        for (int i = 0; i < n; i++) {
            AtomicLong first = new AtomicLong();
            long t0 = System.nanoTime();
            int count = client.stream(text -> {
                if (first.get() == 0) {
                    first.set(System.nanoTime());
                }
            });
            long t1 = System.nanoTime();
            if (count != expected) {
                throw new IllegalStateException("stream had " + count + " content chunks, expected " + expected);
            }
            ttfc[i] = first.get() - t0;
            streamingNanos += t1 - t0;
            chunks += count;
        }
        Meter.Usage usage = window.stop();
        long connections = server.accepted() - acceptedBefore;
        String name = client.name();
        double chunksPerSecond = chunks / (streamingNanos / 1e9);
        results.add(name, Metric.TTFC_US, Results.percentile(ttfc, 50) / 1e3);
        results.add(name, Metric.CHUNKS_S, chunksPerSecond);
        results.add(name, Metric.CPU_US_CHUNK, usage.clientCpuNanos() / 1e3 / chunks);
        results.add(name, Metric.ALLOC_B_CHUNK, (double) usage.clientAlloc() / chunks);
        results.add(name, Metric.CONNS_STREAM, (double) connections / n);
        results.add("server (streaming)", Metric.SERVER_SHARE, share(usage));
        log.line(String.format("  %-16s streaming    TTFC %7.1f µs  %8.0f chunks/s  %6.0f B/chunk  %.2f conns/stream",
                name, Results.percentile(ttfc, 50) / 1e3, chunksPerSecond, (double) usage.clientAlloc() / chunks,
                (double) connections / n));
    }

    // ---- many streams at once ----

    void concurrency(Spec spec) throws Exception {
        int n = plan.concurrent();
        int expected = server.config().gatedChunks();
        server.closeGate();
        Meter.settledHeap();
        Meter.NewThreads newThreads = new Meter.NewThreads();
        BenchClient client = spec.factory().apply(server.baseUrl("gate"));
        long heapBefore = Meter.liveHeap();
        long t0 = System.nanoTime();
        BenchClient.OpenStream[] streams = new BenchClient.OpenStream[n];
        int opened = 0;
        int completed = 0;
        long heapPeak;
        int peakThreads;
        try {
            for (int i = 0; i < n; i++) {
                streams[i] = client.open();
                opened++;
            }
            for (int i = 0; i < n; i++) {
                streams[i].awaitFirst();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.parked() < n && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (server.parked() < n) {
                results.note(spec.name() + ": only " + server.parked() + " of " + n
                        + " streams were held open at once");
            }
            peakThreads = newThreads.sample();
            heapPeak = Meter.liveHeap();
            if (Boolean.getBoolean("bench.histogram")) {
                log.line(Meter.histogram(20));
            }
        } finally {
            server.openGate();
            newThreads.close();
        }
        for (int i = 0; i < opened; i++) {
            try {
                if (streams[i].finish() == expected) {
                    completed++;
                }
            } catch (Exception e) {
                streams[i].cancel();
            }
            streams[i] = null;
        }
        long elapsed = System.nanoTime() - t0;
        client.close();
        server.closeGate();
        // Whatever an earlier client still held when "before" was read and let go of since, the
        // heap after this one is closed and gone shows: the lower of the two is the baseline.
        heapBefore = Math.min(heapBefore, Meter.settledHeap());
        String name = spec.name();
        results.add(name, Metric.CONC_DONE, completed);
        results.add(name, Metric.CONC_THREADS, peakThreads);
        results.add(name, Metric.CONC_HEAP_KB, (heapPeak - heapBefore) / 1024.0 / n);
        results.add(name, Metric.CONC_SECONDS, elapsed / 1e9);
        log.line(String.format("  %-16s %d streams  done %d  +%d threads  %.1f KB/stream  %.2f s", name, n,
                completed, peakThreads, (heapPeak - heapBefore) / 1024.0 / n, elapsed / 1e9));
        Meter.liveHeap();
    }

    // ---- failover and breakers (multillm only) ----

    /** A loopback port with no listener: connecting to it is refused at once. */
    static int refusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Failover cost: the time to the first chunk of a stream whose first route refuses the
     * connection, or answers 503, against calling the second route directly; all interleaved.
     */
    public void failover() throws Exception {
        URI refused = URI.create("http://127.0.0.1:" + refusedPort() + "/v1");
        MultillmClient direct = new MultillmClient("direct", MultillmClient.groq(server.baseUrl()));
        MultillmClient viaRefused = new MultillmClient("refused", MultillmClient.chain(refused, server.baseUrl(),
                BreakerSettings.disabled()));
        MultillmClient via503 = new MultillmClient("503", MultillmClient.chain(server.baseUrl("503"),
                server.baseUrl(), BreakerSettings.disabled()));
        MultillmClient[] variants = {direct, viaRefused, via503};
        try {
            for (int i = 0; i < Math.max(5, plan.warmStreams()); i++) {
                for (MultillmClient c : variants) {
                    c.stream(text -> { });
                }
            }
            int n = plan.failoverSamples();
            long[][] all = new long[3][plan.rounds() * n];
            int k = 0;
            for (int round = 0; round < plan.rounds(); round++) {
                Meter.settle();
                for (int i = 0; i < n; i++, k++) {
                    for (int v = 0; v < variants.length; v++) {
                        int which = (v + i) % variants.length;
                        AtomicLong first = new AtomicLong();
                        long t0 = System.nanoTime();
                        variants[which].stream(text -> {
                            if (first.get() == 0) {
                                first.set(System.nanoTime());
                            }
                        });
                        all[which][k] = first.get() - t0;
                    }
                }
            }
            String[] keys = {"failover.direct", "failover.refused", "failover.503"};
            for (int v = 0; v < 3; v++) {
                results.put(keys[v] + ".p50_us", Results.percentile(all[v], 50) / 1e3);
                results.put(keys[v] + ".p99_us", Results.percentile(all[v], 99) / 1e3);
            }
            log.line(String.format("  failover TTFC p50: direct %.1f µs, refused first %.1f µs, 503 first %.1f µs",
                    results.get("failover.direct.p50_us"), results.get("failover.refused.p50_us"),
                    results.get("failover.503.p50_us")));
        } finally {
            for (MultillmClient c : variants) {
                c.close();
            }
        }
    }

    /**
     * An open breaker's cost: non-streamed calls through a chain whose first route's breaker is
     * open, against a one-route chain and the provider alone; all interleaved.
     */
    public void breakerSkip() throws Exception {
        MultillmClient direct = new MultillmClient("direct", MultillmClient.groq(server.baseUrl()));
        MultillmClient single = new MultillmClient("single", FallbackChatProvider.builder()
                .route(Route.of(MultillmClient.groq(server.baseUrl()), "llama-3.3-70b-versatile"))
                .closeProvidersOnClose(true).build());
        FallbackChatProvider open = MultillmClient.chain(server.baseUrl("503"), server.baseUrl(),
                BreakerSettings.defaults().withFailureThreshold(1).withOpenDelay(Duration.ofHours(1)));
        MultillmClient skipping = new MultillmClient("open", open);
        MultillmClient[] variants = {direct, single, skipping};
        try {
            skipping.call(); // the first route answers 503 once: its breaker opens
            if (open.health().get(0).breaker() != BreakerState.OPEN) {
                results.note("breaker scenario: the first route's breaker did not open (" + open.health().get(0)
                        + ")");
            }
            for (int i = 0; i < plan.warmCalls(); i++) {
                for (MultillmClient c : variants) {
                    c.call();
                }
            }
            int n = plan.calls();
            long[][] all = new long[3][plan.rounds() * n];
            int k = 0;
            for (int round = 0; round < plan.rounds(); round++) {
                Meter.settle();
                for (int i = 0; i < n; i++, k++) {
                    for (int v = 0; v < variants.length; v++) {
                        int which = (v + i) % variants.length;
                        long t0 = System.nanoTime();
                        variants[which].call();
                        all[which][k] = System.nanoTime() - t0;
                    }
                }
            }
            String[] keys = {"breaker.direct", "breaker.single", "breaker.open"};
            for (int v = 0; v < 3; v++) {
                results.put(keys[v] + ".p50_us", Results.percentile(all[v], 50) / 1e3);
            }
            log.line(String.format("  breaker p50: provider %.1f µs, 1-route chain %.1f µs, open first route %.1f µs",
                    results.get("breaker.direct.p50_us"), results.get("breaker.single.p50_us"),
                    results.get("breaker.open.p50_us")));
        } finally {
            for (MultillmClient c : variants) {
                c.close();
            }
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
