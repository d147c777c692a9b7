package dev.multillm.benchmarks;

import dev.multillm.benchmarks.clients.BenchClient;
import dev.multillm.benchmarks.clients.JdkFloorClient;
import dev.multillm.benchmarks.clients.MultillmClient;
import dev.multillm.openai.OpenAiChatProvider;
import dev.multillm.proxy.ProxyServer;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The proxy under load: {@link Plan#proxyClients()} concurrent streaming clients (the floor
 * client, so that the proxy is what costs) through a {@link ProxyServer} in front of the local
 * server, against the same load sent to the local server directly. Two phases, both bounded in
 * count and time: all streams held open at once (threads and live heap at the peak), then a
 * closed loop for {@link Plan#proxySeconds()} (streams and chunks per second, time to first
 * token).
 *
 * <p>Thread-safety: not thread-safe; driven by one thread.
 */
final class ProxyLoad {
    private static final String KEY = "sk-proxy-bench";
    /** The model the floor client asks for, served by the proxy under that name. */
    private static final String MODEL = "gpt-4o-mini";

    private final LocalServer server;
    private final Plan plan;
    private final Results results;
    private final Scenarios.Log log;

    ProxyLoad(LocalServer server, Plan plan, Results results, Scenarios.Log log) {
        this.server = server;
        this.plan = plan;
        this.results = results;
        this.log = log;
    }

    void run() throws Exception {
        held();
        loop("direct", server.baseUrl());
        OpenAiChatProvider upstream = MultillmClient.openAi(server.baseUrl());
        try (ProxyServer proxy = ProxyServer.builder().port(0).clientKey(KEY).model(MODEL, upstream)
                .maxConcurrentStreams(Math.max(1024, 2 * plan.proxyClients())).build().start()) {
            loop("proxy", proxy.baseUrl());
            loop("proxy", proxy.baseUrl()); // the first pass warms the proxy; the second is kept
        } finally {
            upstream.close();
        }
    }

    /** Every client's stream held open at once behind the gate: threads and live heap at the peak. */
    private void held() throws Exception {
        int n = plan.proxyClients();
        server.closeGate();
        Meter.liveHeap();
        Meter.NewThreads newThreads = new Meter.NewThreads();
        OpenAiChatProvider upstream = MultillmClient.openAi(server.baseUrl("gate"));
        ProxyServer proxy = ProxyServer.builder().port(0).clientKey(KEY).model(MODEL, upstream)
                .maxConcurrentStreams(Math.max(1024, 2 * n)).build().start();
        JdkFloorClient load = new JdkFloorClient("proxy-load", proxy.baseUrl(), true, KEY);
        int completed = 0;
        try {
            load.call(); // not counted: starts the proxy's and the client's machinery
            long heapBefore = Meter.liveHeap();
            BenchClient.OpenStream[] streams = new BenchClient.OpenStream[n];
            long t0 = System.nanoTime();
            try {
                for (int i = 0; i < n; i++) {
                    streams[i] = load.open();
                }
                for (int i = 0; i < n; i++) {
                    streams[i].awaitFirst();
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (server.parked() < n && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                int peakThreads = newThreads.sample();
                long heapPeak = Meter.liveHeap();
                results.put("proxy.held.streams", server.parked());
                results.put("proxy.held.threads", peakThreads);
                results.put("proxy.held.heap_kb", (heapPeak - heapBefore) / 1024.0 / n);
            } finally {
                server.openGate();
                newThreads.close();
            }
            for (int i = 0; i < n; i++) {
                try {
                    if (streams[i] != null && streams[i].finish() == server.config().gatedChunks()) {
                        completed++;
                    }
                } catch (Exception e) {
                    streams[i].cancel();
                    failure("held", e);
                }
            }
            results.put("proxy.held.completed", completed);
            results.put("proxy.held.seconds", (System.nanoTime() - t0) / 1e9);
        } finally {
            server.closeGate();
            proxy.close();
            upstream.close();
        }
        log.line(String.format("  proxy, %d streams held: completed %d, +%.0f threads, %.1f KB/stream", n,
                completed, results.get("proxy.held.threads"), results.get("proxy.held.heap_kb")));
        Meter.liveHeap();
    }

    /** A closed loop of streams at {@code baseUrl}: every client starts its next stream when one ends. */
    private void loop(String label, URI baseUrl) throws Exception {
        int n = plan.proxyClients();
        JdkFloorClient load = new JdkFloorClient("proxy-load", baseUrl, true, KEY);
        load.call();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong chunks = new AtomicLong();
        AtomicLong streams = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicInteger ttftCount = new AtomicInteger();
        AtomicLongArray ttft = new AtomicLongArray(1 << 20);
        CountDownLatch finished = new CountDownLatch(n);
        Meter.settle();
        long serverRequestsBefore = server.requests();
        Meter.Window window = Meter.start(server.threadId(), false);
        for (int i = 0; i < n; i++) {
            next(load, stop, chunks, streams, failed, ttft, ttftCount, finished);
        }
        Thread.sleep((long) (plan.proxySeconds() * 1000));
        long chunksAtStop = chunks.get();
        long streamsAtStop = streams.get();
        Meter.Usage usage = window.stop();
        stop.set(true);
        if (!finished.await(120, TimeUnit.SECONDS)) {
            results.note("proxy scenario (" + label + "): streams did not all end within 120 s of the stop");
        }
        int samples = Math.min(ttftCount.get(), ttft.length());
        long[] firsts = new long[samples];
        for (int i = 0; i < samples; i++) {
            firsts[i] = ttft.get(i);
        }
        double seconds = usage.wallNanos() / 1e9;
        results.put("proxy." + label + ".chunks_s", chunksAtStop / seconds);
        results.put("proxy." + label + ".streams_s", streamsAtStop / seconds);
        results.put("proxy." + label + ".ttft_p50_ms", Results.percentile(firsts, 50) / 1e6);
        results.put("proxy." + label + ".ttft_p99_ms", Results.percentile(firsts, 99) / 1e6);
        results.put("proxy." + label + ".cpu_us_chunk", usage.clientCpuNanos() / 1e3 / Math.max(1, chunksAtStop));
        results.put("proxy." + label + ".server_share", 100.0 * usage.serverCpuNanos()
                / Math.max(1, usage.serverCpuNanos() + usage.clientCpuNanos()));
        results.put("proxy." + label + ".failed", failed.get());
        results.put("proxy." + label + ".upstream_requests", server.requests() - serverRequestsBefore);
        log.line(String.format("  %-6s %d clients: %8.0f chunks/s  %6.1f streams/s  TTFT p50 %.1f ms p99 %.1f ms"
                        + "  failed %d", label, n, chunksAtStop / seconds, streamsAtStop / seconds,
                Results.percentile(firsts, 50) / 1e6, Results.percentile(firsts, 99) / 1e6, failed.get()));
    }

    private final java.util.Set<String> reasons = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Notes the first few distinct reasons streams failed. */
    private void failure(String phase, Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String reason = phase + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (reasons.size() < 5 && reasons.add(reason)) {
            results.note("proxy scenario, a stream failed (" + reason + ")");
        }
    }

    private void next(JdkFloorClient load, AtomicBoolean stop, AtomicLong chunks, AtomicLong streams,
                      AtomicLong failed, AtomicLongArray ttft, AtomicInteger ttftCount, CountDownLatch finished) {
        if (stop.get()) {
            finished.countDown();
            return;
        }
        long t0 = System.nanoTime();
        AtomicBoolean first = new AtomicBoolean();
        load.streamAsync(text -> {
            if (!first.get()) {
                first.set(true);
                int i = ttftCount.getAndIncrement();
                if (i < ttft.length()) {
                    ttft.set(i, System.nanoTime() - t0);
                }
            }
            chunks.incrementAndGet();
        }).whenComplete((count, failure) -> {
            if (failure != null) {
                failed.incrementAndGet();
                failure("loop", failure);
            } else {
                streams.incrementAndGet();
            }
            next(load, stop, chunks, streams, failed, ttft, ttftCount, finished);
        });
    }
}
