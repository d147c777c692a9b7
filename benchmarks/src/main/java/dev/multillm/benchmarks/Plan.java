package dev.multillm.benchmarks;

/**
 * How much of each scenario to run.
 *
 * @param name              {@code full} or {@code quick}
 * @param rounds            interleaved rounds; figures are the median of the rounds
 * @param warmCalls         non-streamed calls per client before the first round
 * @param warmStreams       streams per client before the first round
 * @param warmLoopSeconds   seconds of the in-flight loop per client before the first round
 * @param maxWarmBlocks     after that, at most this many blocks of 1,000 calls and 10 streams
 *                          per client, until one passes with the JIT compiler idle
 * @param calls             sequential non-streamed calls per client per round
 * @param inFlight          requests kept in flight in the throughput scenario
 * @param loopSeconds       measured seconds of the throughput scenario per client per round
 * @param streams           sequential streams per client per round
 * @param server            what the local server sends
 * @param concurrent        streams held open at once in the concurrency scenario
 * @param concurrencyRounds rounds of the concurrency scenario (its figures are stable)
 * @param failoverSamples   samples per variant per round of the failover scenarios
 * @param proxyClients      concurrent streaming clients of the proxy scenario
 * @param proxySeconds      seconds of the proxy's closed loop
 *
 * <p>Thread-safety: immutable record.
 */
public record Plan(String name, int rounds, int warmCalls, int warmStreams, double warmLoopSeconds,
                   int maxWarmBlocks, int calls,
                   int inFlight, double loopSeconds, int streams, LocalServer.Config server, int concurrent,
                   int concurrencyRounds, int failoverSamples, int proxyClients, double proxySeconds) {

    /**
     * The plan behind BENCHMARKS.md: about six minutes on 2 cores. Seven short rounds rather than
     * three long ones: ratios are taken per round, and more rounds make their median steadier.
     */
    public static Plan full() {
        return new Plan("full", 7, 3000, 60, 1.5, 40, 900, 64, 1.0, 22, LocalServer.Config.defaults(), 1000, 1, 400,
                500, 6.0);
    }

    /** A smoke run: every scenario once, tiny, for the build's test (a few seconds). */
    public static Plan quick() {
        return new Plan("quick", 1, 20, 2, 0.05, 0, 20, 8, 0.2, 3, new LocalServer.Config(20, 6, 2), 12, 1, 4, 8,
                0.3);
    }
}
