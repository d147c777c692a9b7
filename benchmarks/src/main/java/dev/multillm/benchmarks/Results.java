package dev.multillm.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Figures collected during a run: per client and metric, one value per round; plus notes.
 *
 * <p>Thread-safety: not thread-safe; filled by the harness's main thread.
 */
public final class Results {
    private final Map<String, Map<Metric, List<Double>>> values = new LinkedHashMap<>();
    private final Map<String, Double> scalars = new LinkedHashMap<>();
    private final List<String> notes = java.util.Collections.synchronizedList(new ArrayList<>());

    /**
     * A metric of the main table, with its label, direction and precision.
     *
     * <p>Thread-safety: an enum; immutable.
     */
    public enum Metric {
        P50_US("p50 µs", false, 0),
        P99_US("p99 µs", false, 0),
        CPU_US_CALL("CPU µs/call", false, 0),
        ALLOC_KB_CALL("alloc KB/call", false, 1),
        THREADS_CALL("new threads/call", false, 2),
        RPS("req/s @64", true, 0),
        CPU_US_REQ("CPU µs/req @64", false, 0),
        RPS_ASYNC("req/s @64 async", true, 0),
        TTFC_US("TTFC µs", false, 0),
        CHUNKS_S("chunks/s", true, 0),
        CPU_US_CHUNK("CPU µs/chunk", false, 2),
        ALLOC_B_CHUNK("alloc B/chunk", false, 0),
        CONNS_STREAM("conns/stream", false, 2),
        CONC_DONE("1k streams done", true, 0),
        CONC_THREADS("+threads @1k", false, 0),
        CONC_HEAP_KB("heap KB/stream", false, 1),
        CONC_SECONDS("1k streams s", false, 2),
        SERVER_SHARE("server CPU %", false, 1);

        final String label;
        final boolean higherIsBetter;
        final int decimals;

        Metric(String label, boolean higherIsBetter, int decimals) {
            this.label = label;
            this.higherIsBetter = higherIsBetter;
            this.decimals = decimals;
        }
    }

    /** Records one round's value. */
    public void add(String client, Metric metric, double value) {
        values.computeIfAbsent(client, c -> new LinkedHashMap<>()).computeIfAbsent(metric, m -> new ArrayList<>())
                .add(value);
    }

    /** The median of the rounds, NaN when none. */
    public double median(String client, Metric metric) {
        List<Double> list = rounds(client, metric);
        if (list.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = list.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).sorted()
                .toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** Every round's value. */
    public List<Double> rounds(String client, Metric metric) {
        Map<Metric, List<Double>> byMetric = values.get(client);
        if (byMetric == null) {
            return List.of();
        }
        return byMetric.getOrDefault(metric, List.of());
    }

    /** The clients seen, in order of first appearance. */
    public List<String> clients() {
        return new ArrayList<>(values.keySet());
    }

    /** A named figure outside the main table (failover, breaker, proxy, JMH). */
    public void put(String key, double value) {
        scalars.put(key, value);
    }

    /** A named figure, NaN when absent. */
    public double get(String key) {
        return scalars.getOrDefault(key, Double.NaN);
    }

    /** Every named figure. */
    public Map<String, Double> scalars() {
        return scalars;
    }

    /** A remark for the report (errors, anomalies). */
    public void note(String note) {
        notes.add(note);
    }

    /** The remarks. */
    public List<String> notes() {
        synchronized (notes) {
            return List.copyOf(notes);
        }
    }

    /** The median of {@code samples} (sorted in place). */
    static double median(long[] samples) {
        return percentile(samples, 50);
    }

    /** The nearest-rank percentile of {@code samples} (sorted in place). */
    static double percentile(long[] samples, double p) {
        if (samples.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(samples);
        int rank = (int) Math.ceil(p / 100.0 * samples.length);
        return samples[Math.max(0, Math.min(samples.length - 1, rank - 1))];
    }
}
