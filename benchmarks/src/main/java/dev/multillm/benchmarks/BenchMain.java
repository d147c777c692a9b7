package dev.multillm.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The harness's entry point: {@code BenchMain [full|quick|load] [--out FILE] [--rounds N]
 * [--no-jmh] [--no-proxy]}. Starts the local server, runs every scenario, then the JMH
 * microbenchmarks (short), and writes the report.
 *
 * <p>Thread-safety: a program; runs on its main thread.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Path out = null;
        Plan plan = Plan.full();
        boolean jmh = true;
        boolean proxy = true;
        java.util.Set<String> only = java.util.Set.of();
        java.util.Set<String> clients = java.util.Set.of();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "full", "all" -> plan = Plan.full();
                case "quick" -> {
                    plan = Plan.quick();
                    jmh = false;
                }
                case "load", "--no-jmh" -> jmh = false;
                case "--no-proxy" -> proxy = false;
                case "--out" -> out = Path.of(args[++i]);
                case "--only" -> only = java.util.Set.of(args[++i].split(","));
                case "--clients" -> clients = java.util.Set.of(args[++i].split(","));
                case "--rounds" -> {
                    Plan p = plan;
                    plan = new Plan(p.name(), Integer.parseInt(args[++i]), p.warmCalls(), p.warmStreams(),
                            p.warmLoopSeconds(), p.maxWarmBlocks(), p.calls(), p.inFlight(), p.loopSeconds(), p.streams(), p.server(),
                            p.concurrent(), p.concurrencyRounds(), p.failoverSamples(), p.proxyClients(),
                            p.proxySeconds());
                }
                default -> {
                    System.err.println("usage: BenchMain [full|quick|load] [--out FILE] [--rounds N] [--no-jmh]"
                            + " [--no-proxy] [--only seq,loop,stream,conc,failover,breaker,proxy]"
                            + " [--clients NAME,...]");
                    System.exit(2);
                }
            }
        }
        String report = run(plan, jmh, proxy, only, clients, System.out::println);
        if (out != null) {
            Files.writeString(out, report);
            System.out.println("wrote " + out.toAbsolutePath());
        } else {
            System.out.println(report);
        }
    }

    /** Runs {@code plan} and returns the report's Markdown. */
    public static String run(Plan plan, boolean jmh, boolean proxy, Scenarios.Log log) throws IOException {
        return run(plan, jmh, proxy, java.util.Set.of(), java.util.Set.of(), log);
    }

    /** Runs the scenarios of {@code plan} named in {@code only} (all when empty). */
    public static String run(Plan plan, boolean jmh, boolean proxy, java.util.Set<String> only,
                             java.util.Set<String> clients, Scenarios.Log log) throws IOException {
        Instant started = Instant.now();
        Results results = new Results();
        Meter.fullCollections = "quick".equals(plan.name()) ? 1 : 3;
        try (LocalServer server = LocalServer.start(plan.server())) {
            log.line("local server on " + server.baseUrl() + " (plan " + plan.name() + ")");
            java.util.List<Scenarios.Spec> specs = Scenarios.specs().stream()
                    .filter(spec -> clients.isEmpty() || clients.contains(spec.name())).toList();
            Scenarios scenarios = new Scenarios(server, plan, results, specs, log);
            scenarios.only(only);
            scenarios.runMainTable();
            log.line("failover and breakers");
            try {
                if (scenarios.enabled("failover")) {
                    scenarios.failover();
                }
            } catch (Exception e) {
                results.note("failover scenario failed: " + e);
            }
            try {
                if (scenarios.enabled("breaker")) {
                    scenarios.breakerSkip();
                }
            } catch (Exception e) {
                results.note("breaker scenario failed: " + e);
            }
            if (proxy && scenarios.enabled("proxy")) {
                log.line("proxy under load");
                try {
                    new ProxyLoad(server, plan, results, log).run();
                } catch (Exception e) {
                    results.note("proxy scenario failed: " + e);
                    log.line("  proxy FAILED: " + e);
                }
            }
        }
        if (jmh) {
            log.line("JMH microbenchmarks");
            try {
                Micro.run(results, log);
            } catch (Exception e) {
                results.note("JMH run failed: " + e);
            }
        }
        Duration took = Duration.between(started, Instant.now());
        log.line("done in " + took.toSeconds() + " s");
        return new Report(plan, results, started, took).markdown();
    }
}
