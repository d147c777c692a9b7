package dev.multillm.proxy.internal;

import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.Usage;
import dev.multillm.core.event.ChatEvent;
import dev.multillm.core.event.ChatListener;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proxy's metrics, rendered in the Prometheus text exposition format (version 0.0.4): a few
 * counters, two histograms and gauges, kept with {@link LongAdder}s (no metrics library: the set is
 * small and fixed).
 *
 * <p>Label values are bounded: model labels are only the configured public model names (a request
 * for an unknown model is counted under {@code multillm_proxy_http_requests_total} only), routes
 * are the configured route names, outcomes and categories are {@link ErrorTaxonomy} names. No
 * label or value ever holds a key, a prompt or an answer.
 *
 * <p>Thread-safety: thread-safe; updates are lock-free.
 */
public final class Metrics {
    /** Upper bounds, in seconds, of the latency histogram buckets. */
    static final double[] BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

    private final Family httpRequests = new Family("multillm_proxy_http_requests_total", "counter",
            "HTTP requests answered, by endpoint and status.", "endpoint", "status");
    private final Family chatRequests = new Family("multillm_proxy_requests_total", "counter",
            "Chat completion requests by public model, streaming or not, and outcome (OK or the error category).",
            "model", "stream", "outcome");
    private final Family errors = new Family("multillm_proxy_errors_total", "counter",
            "Chat completion failures by error category (mid-stream failures included).", "category");
    private final Family failovers = new Family("multillm_proxy_failovers_total", "counter",
            "Moves from one route of a chain to the next, by model, routes and the failure that caused it.",
            "model", "from", "to", "reason");
    private final Family attempts = new Family("multillm_proxy_upstream_attempts_total", "counter",
            "Requests sent to upstream routes, by model, route and outcome.", "model", "route", "outcome");
    private final Family retries = new Family("multillm_proxy_retries_total", "counter",
            "Retries of the same route, by model, route and reason.", "model", "route", "reason");
    private final Family breakerTransitions = new Family("multillm_proxy_breaker_transitions_total", "counter",
            "Circuit breaker state changes, by model, route and new state.", "model", "route", "state");
    private final Family tokens = new Family("multillm_proxy_tokens_total", "counter",
            "Tokens reported by upstreams, by model and kind (input, output; cached_input is part of input,"
                    + " reasoning part of output).", "model", "kind");
    private final Histogram firstToken = new Histogram("multillm_proxy_time_to_first_token_seconds",
            "Time from receiving a streaming request to sending its first output, by model.");
    private final Histogram duration = new Histogram("multillm_proxy_request_duration_seconds",
            "Time from receiving a chat completion request to its end, by model and streaming.");
    private final AtomicInteger activeStreams = new AtomicInteger();
    private final AtomicInteger activeRequests = new AtomicInteger();

    /** Counts one answered HTTP request. */
    public void http(String endpoint, int status) {
        httpRequests.inc(endpoint, Integer.toString(status));
    }

    /** Counts one finished chat request; {@code outcome} is null for success. */
    public void chat(String model, boolean stream, ErrorTaxonomy outcome, long durationNanos) {
        chatRequests.inc(model, Boolean.toString(stream), outcome == null ? "OK" : outcome.name());
        duration.observe(durationNanos, model, Boolean.toString(stream));
        if (outcome != null) {
            errors.inc(outcome.name());
        }
    }

    /** Counts a request the proxy itself rejected (bad input, auth) under {@code errors} only. */
    public void rejected(String reason) {
        errors.inc(reason);
    }

    /** Records the time to first output of a stream. */
    public void firstToken(String model, long nanos) {
        firstToken.observe(nanos, model);
    }

    /** Adds reported token usage. */
    public void usage(String model, Usage usage) {
        if (usage == null || !usage.reported()) {
            return;
        }
        tokens.add(usage.inputTokens(), model, "input");
        tokens.add(usage.outputTokens(), model, "output");
        tokens.add(usage.cachedInputTokens(), model, "cached_input");
        tokens.add(usage.reasoningTokens(), model, "reasoning");
    }

    /** Gauge of streams in progress. */
    public AtomicInteger activeStreams() {
        return activeStreams;
    }

    /** Gauge of chat requests in progress. */
    public AtomicInteger activeRequests() {
        return activeRequests;
    }

    /** A listener for the chain of public model {@code model}: failovers, attempts, retries, breakers. */
    public ChatListener listener(String model) {
        return event -> {
            if (event instanceof ChatEvent.Failover f) {
                failovers.inc(model, f.provider(), f.toProvider(), f.reason() == null ? "UNKNOWN" : f.reason().name());
            } else if (event instanceof ChatEvent.AttemptFinished a) {
                attempts.inc(model, a.provider(), a.result().outcome());
            } else if (event instanceof ChatEvent.RetryScheduled r) {
                retries.inc(model, r.provider(), r.reason() == null ? "UNKNOWN" : r.reason().name());
            } else if (event instanceof ChatEvent.BreakerStateChanged b) {
                breakerTransitions.inc(model, b.provider(), b.to());
            }
        };
    }

    /**
     * A route's availability, for the {@code multillm_proxy_route_available} gauge.
     *
     * @param model     the public model name
     * @param route     the route name
     * @param available whether a call would try the route now
     *
     * <p>Thread-safety: immutable record.
     */
    public record RouteStatus(String model, String route, boolean available) {
    }

    /** The whole exposition; {@code routes} gives the current availability of every route. */
    public String render(List<RouteStatus> routes) {
        StringBuilder out = new StringBuilder(4096);
        httpRequests.render(out);
        chatRequests.render(out);
        errors.render(out);
        failovers.render(out);
        attempts.render(out);
        retries.render(out);
        breakerTransitions.render(out);
        tokens.render(out);
        firstToken.render(out, "model");
        duration.render(out, "model", "stream");
        gauge(out, "multillm_proxy_active_streams", "Streaming responses in progress.", activeStreams.get());
        gauge(out, "multillm_proxy_active_requests", "Chat completion requests in progress.", activeRequests.get());
        out.append("# HELP multillm_proxy_route_available Whether a route would be tried now (breaker not open,"
                + " no cooldown), by model and route.\n# TYPE multillm_proxy_route_available gauge\n");
        for (RouteStatus route : routes) {
            out.append("multillm_proxy_route_available{model=\"").append(escape(route.model()))
                    .append("\",route=\"").append(escape(route.route())).append("\"} ")
                    .append(route.available() ? 1 : 0).append('\n');
        }
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(value).append('\n');
    }

    /** Escapes a label value: backslash, double quote and line feed. */
    static String escape(String value) {
        if (value == null) {
            return "";
        }
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String seconds(double value) {
        if (value == Math.rint(value) && !Double.isInfinite(value)) {
            return Long.toString((long) value) + ".0";
        }
        return Double.toString(value);
    }

    /** A counter family: one {@link LongAdder} per label tuple. */
    private static final class Family {
        private final String name;
        private final String type;
        private final String help;
        private final String[] labels;
        private final Map<List<String>, LongAdder> series = new ConcurrentHashMap<>();

        Family(String name, String type, String help, String... labels) {
            this.name = name;
            this.type = type;
            this.help = help;
            this.labels = labels;
        }

        void inc(String... values) {
            add(1, values);
        }

        void add(long amount, String... values) {
            if (amount <= 0) {
                return;
            }
            series.computeIfAbsent(List.of(nonNull(values)), k -> new LongAdder()).add(amount);
        }

        void render(StringBuilder out) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
            sorted(series).forEach(e -> {
                        out.append(name);
                        labels(out, labels, e.getKey(), null);
                        out.append(' ').append(e.getValue().sum()).append('\n');
                    });
        }
    }

    /** A histogram family with {@link #BUCKETS}, observations in nanoseconds, exposed in seconds. */
    private static final class Histogram {
        private final String name;
        private final String help;
        private final Map<List<String>, Series> series = new ConcurrentHashMap<>();

        Histogram(String name, String help) {
            this.name = name;
            this.help = help;
        }

        void observe(long nanos, String... labelValues) {
            double value = Math.max(0, nanos) / 1e9;
            Series s = series.computeIfAbsent(List.of(nonNull(labelValues)), k -> new Series());
            for (int i = 0; i < BUCKETS.length; i++) {
                if (value <= BUCKETS[i]) {
                    s.buckets[i].increment();
                    break;
                }
            }
            s.count.increment();
            s.sum.add(value);
        }

        void render(StringBuilder out, String... labelNames) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(" histogram\n");
            sorted(series).forEach(e -> {
                        long cumulative = 0;
                        Series s = e.getValue();
                        long count = s.count.sum();
                        for (int i = 0; i < BUCKETS.length; i++) {
                            cumulative += s.buckets[i].sum();
                            out.append(name).append("_bucket");
                            labels(out, labelNames, e.getKey(), seconds(BUCKETS[i]));
                            out.append(' ').append(Math.min(cumulative, count)).append('\n');
                        }
                        out.append(name).append("_bucket");
                        labels(out, labelNames, e.getKey(), "+Inf");
                        out.append(' ').append(count).append('\n');
                        out.append(name).append("_sum");
                        labels(out, labelNames, e.getKey(), null);
                        out.append(' ').append(s.sum.sum()).append('\n');
                        out.append(name).append("_count");
                        labels(out, labelNames, e.getKey(), null);
                        out.append(' ').append(count).append('\n');
                    });
        }

        private static final class Series {
            final LongAdder[] buckets = Arrays.stream(BUCKETS).mapToObj(b -> new LongAdder()).toArray(LongAdder[]::new);
            final LongAdder count = new LongAdder();
            final DoubleAdder sum = new DoubleAdder();
        }
    }

    /** The series in a stable order (by label values), so that scrapes are easy to read and diff. */
    private static <V> List<Map.Entry<List<String>, V>> sorted(Map<List<String>, V> series) {
        TreeMap<String, Map.Entry<List<String>, V>> byKey = new TreeMap<>();
        series.forEach((k, v) -> byKey.put(String.join("\u0000", k), Map.entry(k, v)));
        return List.copyOf(byKey.values());
    }

    private static void labels(StringBuilder out, String[] names, List<String> values, String le) {
        if (names.length == 0 && le == null) {
            return;
        }
        out.append('{');
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(names[i]).append("=\"").append(escape(values.get(i))).append('"');
        }
        if (le != null) {
            if (names.length > 0) {
                out.append(',');
            }
            out.append("le=\"").append(le).append('"');
        }
        out.append('}');
    }

    private static String[] nonNull(String[] values) {
        String[] copy = values.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == null) {
                copy[i] = "";
            }
        }
        return copy;
    }
}
