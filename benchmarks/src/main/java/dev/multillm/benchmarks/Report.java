package dev.multillm.benchmarks;

import dev.multillm.benchmarks.Results.Metric;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Renders a run as the Markdown of {@code BENCHMARKS.md}: the machine, versions, date and
 * command; one table of absolute figures with ratios to the floor; the targets, met or
 * missed with the measured figure; failover, breaker, proxy and JMH figures; and every round's
 * value of the noisiest figures.
 *
 * <p>Thread-safety: not thread-safe; used once by one thread.
 */
final class Report {
    private static final List<String> MULTILLM = List.of("multillm-openai", "multillm-groq", "multillm-chain");
    private static final List<String> FLOORS = List.of("jdk-default", "jdk-direct");
    private static final List<String> PEERS = List.of("openai-java", "langchain4j");
    private static final String FLOOR = "floor";

    private final Plan plan;
    private final Results results;
    private final Instant started;
    private final Duration took;
    private final StringBuilder md = new StringBuilder();

    Report(Plan plan, Results results, Instant started, Duration took) {
        this.plan = plan;
        this.results = results;
        this.started = started;
        this.took = took;
    }

    String markdown() {
        header();
        mainTable();
        targets();
        failover();
        proxy();
        micro();
        rounds();
        notes();
        findings();
        return md.toString();
    }

    /**
     * What profiling the runs found and what was changed in the library because of it: prose kept
     * in {@code findings.md} beside the harness, so that a new run reproduces the whole page.
     */
    private void findings() {
        try (java.io.InputStream in = Report.class.getResourceAsStream("/findings.md")) {
            if (in != null) {
                md.append('\n').append(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read findings.md", e);
        }
    }

    // ---- figures ----

    /** The median over rounds; for {@link #FLOOR}, the better of the two plain JDK clients. */
    private double value(String client, Metric metric) {
        if (FLOOR.equals(client)) {
            double a = results.median(FLOORS.get(0), metric);
            double b = results.median(FLOORS.get(1), metric);
            if (Double.isNaN(a)) {
                return b;
            }
            if (Double.isNaN(b)) {
                return a;
            }
            return metric.higherIsBetter ? Math.max(a, b) : Math.min(a, b);
        }
        return results.median(client, metric);
    }

    /**
     * The ratio to the floor: the median over rounds of each round's ratio to that round's floor
     * (the better JDK client of the same round), so that a round the machine made slow for every
     * client does not move the ratio.
     */
    private double ratio(String client, Metric metric) {
        return ratioTo(client, metric, FLOORS);
    }

    /**
     * The median over rounds of {@code client}'s value over the best of {@code baselines} in the
     * same round; the ratio of the medians when the clients do not have the same rounds.
     */
    private double ratioTo(String client, Metric metric, java.util.List<String> baselines) {
        java.util.List<Double> mine = results.rounds(client, metric);
        java.util.List<java.util.List<Double>> theirs = baselines.stream().map(b -> results.rounds(b, metric))
                .filter(list -> !list.isEmpty()).toList();
        boolean paired = !FLOOR.equals(client) && !mine.isEmpty() && !theirs.isEmpty()
                && theirs.stream().allMatch(list -> list.size() == mine.size());
        if (paired) {
            Results perRound = new Results();
            for (int r = 0; r < mine.size(); r++) {
                int round = r;
                java.util.stream.DoubleStream values = theirs.stream().mapToDouble(list -> list.get(round))
                        .filter(v -> !Double.isNaN(v));
                double best = (metric.higherIsBetter ? values.max() : values.min()).orElse(Double.NaN);
                perRound.add(client, metric, best == 0 || Double.isNaN(best) ? Double.NaN : mine.get(r) / best);
            }
            return perRound.median(client, metric);
        }
        double base = baselines.equals(FLOORS) ? value(FLOOR, metric)
                : baselines.stream().mapToDouble(b -> value(b, metric)).filter(v -> !Double.isNaN(v))
                        .reduce(metric.higherIsBetter ? Math::max : Math::min).orElse(Double.NaN);
        double v = value(client, metric);
        return base == 0 || Double.isNaN(base) || Double.isNaN(v) ? Double.NaN : v / base;
    }

    private static String num(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "—";
        }
        if (Math.abs(v) >= 10_000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    private static String times(double r) {
        return Double.isNaN(r) ? "—" : String.format(Locale.ROOT, "%.2f×", r);
    }

    // ---- sections ----

    private void header() {
        Properties versions = new Properties();
        try (InputStream in = Report.class.getResourceAsStream("/bench.properties")) {
            if (in != null) {
                versions.load(in);
            }
        } catch (IOException ignored) {
            // versions unknown
        }
        String date = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(started);
        md.append("# Benchmarks\n\n");
        md.append("multillm measured side by side with the plain JDK HTTP client (the floor) and the libraries a Java "
                + "user would pick instead, all in one JVM against one local OpenAI-compatible server on loopback. "
                + "Produced by the `benchmarks` module; the figures below are from one run on the machine named "
                + "here, and only large ratios mean anything on a shared 2-core machine.\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| date | ").append(date).append(" (run took ").append(took.toSeconds()).append(" s) |\n");
        md.append("| command | `").append(System.getProperty("bench.command", "bin/bench")).append("` |\n");
        md.append("| machine | ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs (")
                .append(cpuModel()).append("), ")
                .append(Meter.OS.getTotalMemorySize() / (1024 * 1024 * 1024)).append(" GiB memory, ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(" |\n");
        md.append("| java | ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(" (")
                .append(System.getProperty("java.vm.vendor")).append("), heap ")
                .append(Runtime.getRuntime().maxMemory() / (1024 * 1024)).append(" MiB, ")
                .append(gcName()).append(" |\n");
        md.append("| versions | multillm ").append(versions.getProperty("multillm.version", "?"))
                .append(", openai-java ").append(versions.getProperty("openai-java.version", "?"))
                .append(" (OkHttp ").append(jarVersion("okhttp3.OkHttpClient", "okhttp")).append(")")
                .append(", langchain4j-open-ai ").append(versions.getProperty("langchain4j.version", "?"))
                .append(", Jetty ").append(versions.getProperty("jetty.version", "?"))
                .append(" (proxy), JMH ").append(versions.getProperty("jmh.version", "?")).append(" |\n");
        md.append("| plan | ").append(plan.name()).append(": ").append(plan.rounds())
                .append(" interleaved rounds (figures are medians of rounds) after each client's warm-up (")
                .append(plan.warmCalls()).append(" calls, ").append(plan.warmStreams()).append(" streams, the loops, then")
                .append(" blocks of 1,000 calls and 10 streams until one passes with the JIT idle, at most ")
                .append(plan.maxWarmBlocks()).append("); per client and round ")
                .append(plan.calls()).append(" sequential calls, ").append(plan.loopSeconds())
                .append(" s with ").append(plan.inFlight()).append(" calls in flight, ").append(plan.streams())
                .append(" streams of ").append(plan.server().streamChunks()).append(" chunks; ")
                .append(plan.concurrent()).append(" concurrent streams of ").append(plan.server().gatedChunks())
                .append(" chunks (").append(plan.concurrencyRounds()).append(" round); ")
                .append(plan.proxyClients()).append(" proxy clients |\n\n");
    }

    private void mainTable() {
        List<String> columns = new ArrayList<>(MULTILLM);
        columns.addAll(FLOORS);
        columns.add(FLOOR);
        columns.addAll(PEERS);
        md.append("## Results\n\n");
        md.append("Each cell: the median over rounds, then the ratio to the floor: the median over rounds of each "
                + "round's ratio to the better of `jdk-default` and `jdk-direct` in that round (so that a round the "
                + "shared machine slowed for everyone does not move it). Lower is better except where the row "
                + "says ↑.\n\n");
        md.append("| metric |");
        for (String c : columns) {
            md.append(' ').append(FLOOR.equals(c) ? "**floor**" : "`" + c + "`").append(" |");
        }
        md.append("\n|---|");
        md.append("---:|".repeat(columns.size()));
        md.append('\n');
        for (Metric metric : Metric.values()) {
            if (metric == Metric.SERVER_SHARE) {
                continue;
            }
            md.append("| ").append(metric.label).append(metric.higherIsBetter ? " ↑" : "").append(" |");
            for (String c : columns) {
                double v = value(c, metric);
                md.append(' ').append(num(v, metric.decimals));
                if (!FLOOR.equals(c) && !Double.isNaN(v)) {
                    md.append(" (").append(times(ratio(c, metric))).append(')');
                }
                md.append(" |");
            }
            md.append('\n');
        }
        md.append("\nRows: **p50/p99 µs**, **CPU µs/call**, **alloc KB/call**, **new threads/call**: sequential "
                + "non-streamed calls (threads constructed while they ran, per call). **req/s @64**, "
                + "**CPU µs/req @64**: a closed loop of ").append(plan.inFlight())
                .append(" threads each making blocking calls, the same driver for every client; **req/s @64 async**: ")
                .append(plan.inFlight()).append(" calls kept in flight with the library's asynchronous API, each "
                        + "completion starting the next (LangChain4j has none). **TTFC**: time from the call to the "
                        + "first content delta the caller sees; **chunks/s**, **CPU µs/chunk**, **alloc B/chunk**: "
                        + "sequential ")
                .append(plan.server().streamChunks()).append("-chunk streams (the floor reads them with a "
                        + "`Flow.Subscriber` and hands each delta to a callback on the client's thread; multillm and "
                        + "openai-java hand them to the caller's thread through an iterator); **conns/stream**: TCP "
                        + "connections the server accepted per stream (0 means every stream reused a pooled "
                        + "connection). **1k streams**: ")
                .append(plan.concurrent()).append(" streams held open at once by a fresh client (heads sent, the "
                        + "rest held back until all are open): how many completed, threads started at the peak, "
                        + "live heap per stream after a full GC, and the scenario's duration. CPU is the process's "
                        + "CPU less the server thread's; allocation is summed over all threads but the server's.\n\n");
        int common = java.util.concurrent.ForkJoinPool.getCommonPoolParallelism();
        if (common < 2) {
            md.append("**On this machine the common ForkJoinPool's parallelism is ").append(common)
                    .append("**, so `CompletableFuture`'s default executor is a thread per task, and the JDK's "
                            + "`HttpClient.sendAsync` (which completes every exchange's future through that default "
                            + "executor) starts a new thread per request; `HttpClient.send` does not. multillm's "
                            + "blocking `chat()` and `stream()` therefore send with `send` on the caller's thread, "
                            + "and so does a fallback chain's `chat()` unless a route hedges; `chatAsync()` still "
                            + "uses `sendAsync` (the floor's async row pays the same). See **new threads/call**.\n\n");
        }
        md.append("The local server's share of the CPU (its one thread): ")
                .append(num(results.median("server (sequential)", Metric.SERVER_SHARE), 1)).append("% in the "
                        + "sequential calls, ")
                .append(num(results.median("server (in flight)", Metric.SERVER_SHARE), 1)).append("% with calls "
                        + "in flight, ")
                .append(num(results.median("server (streaming)", Metric.SERVER_SHARE), 1))
                .append("% while streaming (medians over clients and rounds).\n\n");
    }

    private record Target(String text, String figure) {
    }

    private void targets() {
        md.append("## Targets (issue 9)\n\n");
        md.append("| target | `multillm-openai` | `multillm-groq` | `multillm-chain` |\n|---|---|---|---|\n");
        row("non-streaming throughput ≥ 0.9× the floor", c -> ratioCheck(c, Metric.RPS, 0.9, true));
        row("non-streaming throughput ≥ openai-java", c -> {
            double v = value(c, Metric.RPS);
            double peer = value("openai-java", Metric.RPS);
            double r = ratioTo(c, Metric.RPS, java.util.List.of("openai-java"));
            return verdict(!Double.isNaN(r) && r >= 1.0,
                    times(r) + " of openai-java (medians " + num(v, 0) + " vs " + num(peer, 0) + " req/s)");
        });
        row("p50 latency ≤ 1.1× the floor", c -> ratioCheck(c, Metric.P50_US, 1.1, false));
        row("chunks/s ≥ 0.85× the floor", c -> ratioCheck(c, Metric.CHUNKS_S, 0.85, true));
        row("chunks/s ≥ 1.15× the faster peer", c -> {
            double r = ratioTo(c, Metric.CHUNKS_S, java.util.List.of("openai-java", "langchain4j"));
            return verdict(!Double.isNaN(r) && r >= 1.15, times(r) + " of the faster peer");
        });
        row("time to first chunk ≤ 1.1× the floor", c -> ratioCheck(c, Metric.TTFC_US, 1.1, false));
        row("allocation per chunk ≤ 2× the floor", c -> ratioCheck(c, Metric.ALLOC_B_CHUNK, 2.0, false));
        row(plan.concurrent() + " concurrent streams all complete", c -> {
            double done = value(c, Metric.CONC_DONE);
            return verdict(done == plan.concurrent(), num(done, 0) + " of " + plan.concurrent());
        });
        row("… with ≤ 64 threads started by the library", c -> {
            double t = value(c, Metric.CONC_THREADS);
            return verdict(t <= 64, "+" + num(t, 0) + " threads");
        });
        row("… and live heap per stream ≤ the floor's", c -> ratioCheck(c, Metric.CONC_HEAP_KB, 1.0, false));
        double refused = results.get("failover.refused.p50_us") - results.get("failover.direct.p50_us");
        double skipJmh = results.get("jmh.BreakerSkipBench.openFirstRoute") - results.get("jmh.BreakerSkipBench.oneRouteChain");
        double skipLoop = results.get("breaker.open.p50_us") - results.get("breaker.single.p50_us");
        String failoverFigure = verdict(refused <= 1000, "+" + num(refused, 0) + " µs at p50");
        String skipFigure = !Double.isNaN(skipJmh)
                ? verdict(skipJmh < 10_000, num(skipJmh, 0) + " ns (JMH, in memory); " + num(skipLoop, 1)
                        + " µs p50 difference on loopback")
                : verdict(skipLoop < 10, num(skipLoop, 1) + " µs p50 difference on loopback (JMH not run)");
        md.append("| failover on a refused connection adds ≤ 1 ms at p50 | n/a | n/a | ").append(failoverFigure)
                .append(" |\n");
        md.append("| skipping an open route costs < 10 µs | n/a | n/a | ").append(skipFigure).append(" |\n\n");
    }

    private interface Check {
        String apply(String client);
    }

    private void row(String target, Check check) {
        md.append("| ").append(target).append(" |");
        for (String c : MULTILLM) {
            md.append(' ').append(check.apply(c)).append(" |");
        }
        md.append('\n');
    }

    private String ratioCheck(String client, Metric metric, double bound, boolean atLeast) {
        double r = ratio(client, metric);
        if (Double.isNaN(r)) {
            return "not measured";
        }
        boolean met = atLeast ? r >= bound : r <= bound;
        return verdict(met, times(r) + " (" + num(value(client, metric), metric.decimals) + " vs "
                + num(value(FLOOR, metric), metric.decimals) + ")");
    }

    private static String verdict(boolean met, String figure) {
        return (met ? "**met**: " : "**missed**: ") + figure;
    }

    private void failover() {
        md.append("## Failover and breakers (multillm-chain)\n\n");
        md.append("Streams: time to the first content chunk, p50 / p99 µs, the three variants interleaved. The chain's "
                + "first route refuses the connection (a closed loopback port) or answers 503; its breaker is "
                + "disabled so that every call pays the failover.\n\n");
        md.append("| variant | p50 µs | p99 µs | added at p50 |\n|---|---:|---:|---:|\n");
        double direct = results.get("failover.direct.p50_us");
        String[][] rows = {{"second route called directly", "failover.direct"},
            {"first route refuses the connection", "failover.refused"},
            {"first route answers 503", "failover.503"}};
        for (String[] r : rows) {
            double p50 = results.get(r[1] + ".p50_us");
            md.append("| ").append(r[0]).append(" | ").append(num(p50, 1)).append(" | ")
                    .append(num(results.get(r[1] + ".p99_us"), 1)).append(" | ")
                    .append(r[1].equals("failover.direct") ? "—" : "+" + num(p50 - direct, 1) + " µs").append(" |\n");
        }
        md.append("\nNon-streamed calls, p50 µs, interleaved: the provider alone ")
                .append(num(results.get("breaker.direct.p50_us"), 1)).append(", a one-route chain ")
                .append(num(results.get("breaker.single.p50_us"), 1)).append(", a chain whose first route's breaker "
                        + "is open ")
                .append(num(results.get("breaker.open.p50_us"), 1)).append(". In memory (JMH, ns/op): provider ")
                .append(jmh("BreakerSkipBench.provider")).append(", one-route chain ")
                .append(jmh("BreakerSkipBench.oneRouteChain")).append(", open first route ")
                .append(jmh("BreakerSkipBench.openFirstRoute")).append(".\n\n");
    }

    private String jmh(String key) {
        double v = results.get("jmh." + key);
        if (Double.isNaN(v)) {
            return "—";
        }
        return num(v, 1) + " ± " + num(results.get("jmh." + key + ".error"), 1);
    }

    private void proxy() {
        md.append("## The proxy under load\n\n");
        if (Double.isNaN(results.get("proxy.direct.chunks_s")) && Double.isNaN(results.get("proxy.held.completed"))) {
            md.append("Not run.\n\n");
            return;
        }
        md.append(plan.proxyClients()).append(" concurrent streaming clients (the `jdk-direct` floor client, so that "
                + "the proxy is what costs) through `dev.multillm.proxy.ProxyServer` (upstream: multillm's OpenAI "
                + "provider) to the local server, against the same clients sent to the local server directly. "
                + "Closed loop of ").append(plan.proxySeconds()).append(" s; ")
                .append(plan.server().streamChunks()).append("-chunk streams. Everything shares one JVM and 2 cores: "
                        + "load generator, proxy and server.\n\n");
        md.append("| | direct | through the proxy | ratio |\n|---|---:|---:|---:|\n");
        proxyRow("chunks/s ↑", "chunks_s", 0);
        proxyRow("streams/s ↑", "streams_s", 1);
        proxyRow("time to first token p50, ms", "ttft_p50_ms", 1);
        proxyRow("time to first token p99, ms", "ttft_p99_ms", 1);
        proxyRow("CPU µs/chunk (all but the server thread)", "cpu_us_chunk", 2);
        proxyRow("failed streams", "failed", 0);
        md.append("\nHeld at once (heads sent, the rest held back): ").append(num(results.get("proxy.held.streams"), 0))
                .append(" streams open through the proxy, ").append(num(results.get("proxy.held.completed"), 0))
                .append(" of ").append(plan.proxyClients()).append(" completed; threads started at the peak +")
                .append(num(results.get("proxy.held.threads"), 0)).append(", live heap ")
                .append(num(results.get("proxy.held.heap_kb"), 1)).append(" KB per stream (proxy, its upstream "
                        + "client and the load generator together; the floor client alone held ")
                .append(num(value("jdk-direct", Metric.CONC_HEAP_KB), 1)).append(" KB per stream in the 1k-stream "
                        + "scenario).\n\n");
    }

    private void proxyRow(String label, String key, int decimals) {
        double direct = results.get("proxy.direct." + key);
        double proxy = results.get("proxy.proxy." + key);
        md.append("| ").append(label).append(" | ").append(num(direct, decimals)).append(" | ")
                .append(num(proxy, decimals)).append(" | ")
                .append(direct == 0 || Double.isNaN(direct) ? "—" : times(proxy / direct)).append(" |\n");
    }

    private void micro() {
        md.append("## Microbenchmarks (JMH)\n\n");
        if (Double.isNaN(results.get("jmh.SseDecoderBench.decode"))) {
            md.append("Not run in this report; `bin/bench jmh` runs them.\n\n");
            return;
        }
        md.append("One fork, 3 × 1 s warm-up, 5 × 1 s measured (`bin/bench jmh` for JMH's longer defaults); "
                + "± is JMH's 99.9% error.\n\n");
        md.append("| hot path | figure |\n|---|---:|\n");
        double sse = results.get("jmh.SseDecoderBench.decode");
        md.append("| SSE decoding (`SseDecoder`, 200-chunk body in 16 KiB slices) | ")
                .append(num(sse * dev.multillm.benchmarks.jmh.SseDecoderBench.BODY_BYTES / 1e6, 1))
                .append(" MB/s (").append(num(sse * dev.multillm.benchmarks.jmh.SseDecoderBench.EVENTS, 0))
                .append(" events/s) |\n");
        md.append("| chunk parsing (`ChunkDecoder` on the payload's bytes) | ")
                .append(jmh("ChunkDecoderBench.chunkDecoder")).append(" chunks/s |\n");
        md.append("| one pass of JSON-P's streaming parser (Parsson), a string per key: the old way's floor | ")
                .append(jmh("ChunkDecoderBench.parssonStreamingBaseline")).append(" chunks/s |\n");
        md.append("| the floor's hand-written `\"content\"` extraction, for scale | ")
                .append(jmh("ChunkDecoderBench.floorExtract")).append(" chunks/s |\n");
        md.append("| response parsing (`ResponseDecoder` on the body's bytes, built into a `ChatResponse`) | ")
                .append(jmh("ResponseDecoderBench.responseDecoder")).append(" bodies/s |\n");
        md.append("| the JSON-P (Parsson) tree of the same body: the old way's floor | ")
                .append(jmh("ResponseDecoderBench.parssonTreeBaseline")).append(" bodies/s |\n");
        md.append("| request encoding (`RequestEncoder`) | ").append(jmh("RequestEncoderBench.encode"))
                .append(" ops/s |\n");
        md.append("| skipping an open route (open first route − one-route chain) | ")
                .append(num(results.get("jmh.BreakerSkipBench.openFirstRoute")
                        - results.get("jmh.BreakerSkipBench.oneRouteChain"), 0)).append(" ns |\n\n");
    }

    private void rounds() {
        if (plan.rounds() < 2) {
            return;
        }
        md.append("## Every round\n\n");
        md.append("The medians above come from these rounds (spread shows the machine's noise).\n\n");
        md.append("| client | req/s @64 | p50 µs | chunks/s | TTFC µs |\n|---|---|---|---|---|\n");
        List<String> clients = new ArrayList<>(MULTILLM);
        clients.addAll(FLOORS);
        clients.addAll(PEERS);
        for (String c : clients) {
            md.append("| `").append(c).append("` | ").append(list(c, Metric.RPS, 0)).append(" | ")
                    .append(list(c, Metric.P50_US, 0)).append(" | ").append(list(c, Metric.CHUNKS_S, 0))
                    .append(" | ").append(list(c, Metric.TTFC_US, 0)).append(" |\n");
        }
        md.append('\n');
    }

    private String list(String client, Metric metric, int decimals) {
        List<String> parts = new ArrayList<>();
        for (double v : results.rounds(client, metric)) {
            parts.add(num(v, decimals));
        }
        return String.join(" / ", parts);
    }

    private void notes() {
        if (results.notes().isEmpty()) {
            return;
        }
        md.append("## Notes from the run\n\n");
        for (String note : results.notes()) {
            md.append("- ").append(note).append('\n');
        }
        md.append('\n');
    }

    // ---- machine ----

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static String gcName() {
        List<String> names = new ArrayList<>();
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            names.add(gc.getName());
        }
        return String.join(" + ", names);
    }

    private static String jarVersion(String className, String artifact) {
        try {
            CodeSource source = Class.forName(className).getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            if (location == null) {
                return "?";
            }
            String file = Path.of(location.toURI()).getFileName().toString();
            if (file.startsWith(artifact + "-") && file.endsWith(".jar")) {
                return file.substring(artifact.length() + 1, file.length() - 4);
            }
            return file;
        } catch (Exception e) {
            return "?";
        }
    }
}
