package dev.multillm.fallback;

import java.time.Duration;

/**
 * How one route's circuit breaker trips and recovers. Only health failures
 * ({@link dev.multillm.core.ErrorTaxonomy#healthFailure()}: 5xx, overloaded, connection, timeout,
 * invalid response) count against it; a rate limit starts a cooldown instead.
 *
 * <ul>
 *   <li><b>closed</b>: every call goes through. The breaker opens after {@code failureThreshold}
 *       health failures among the last {@code failureExecutions} results (consecutive failures
 *       when {@code failureExecutions} is 0).</li>
 *   <li><b>open</b>: the route is skipped (the attempt log says so) for {@code openDelay},
 *       measured on the chain's clock.</li>
 *   <li><b>half-open</b>: at most {@code halfOpenPermits} probe calls run at once; the breaker
 *       closes after {@code successThreshold} of them succeed and opens again as soon as more than
 *       {@code halfOpenPermits - successThreshold} fail. A probe whose call ends without telling
 *       anything about health (cancelled, a stream closed early, a 4xx) gives its permit back.</li>
 * </ul>
 *
 * @param failureThreshold  health failures that open the breaker, at least 1
 * @param failureExecutions the window of recent results the failures are counted in; 0 means
 *                          {@code failureThreshold} consecutive failures
 * @param openDelay         how long the breaker stays open before it admits probes
 * @param halfOpenPermits   probes admitted at once while half-open, at least 1
 * @param successThreshold  successful probes that close the breaker, 1 to {@code halfOpenPermits}
 * @param enabled           false for a breaker that never opens
 *
 * <p>Thread-safety: immutable record.
 */
public record BreakerSettings(int failureThreshold, int failureExecutions, Duration openDelay, int halfOpenPermits,
                              int successThreshold, boolean enabled) {

    private static final BreakerSettings DEFAULTS = new BreakerSettings(5, 0, Duration.ofSeconds(30), 1, 1, true);
    private static final BreakerSettings DISABLED = new BreakerSettings(5, 0, Duration.ofSeconds(30), 1, 1, false);

    public BreakerSettings {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be at least 1, was " + failureThreshold);
        }
        if (failureExecutions != 0 && failureExecutions < failureThreshold) {
            throw new IllegalArgumentException("failureExecutions must be 0 (consecutive) or at least failureThreshold ("
                    + failureThreshold + "), was " + failureExecutions);
        }
        if (Math.max(failureThreshold, failureExecutions) > 10_000) {
            throw new IllegalArgumentException("the breaker's failure window must be at most 10000 results");
        }
        if (openDelay == null) {
            throw new IllegalArgumentException("openDelay must not be null");
        }
        if (openDelay.isNegative()) {
            throw new IllegalArgumentException("openDelay must not be negative, was " + openDelay);
        }
        if (halfOpenPermits < 1 || halfOpenPermits > 10_000) {
            throw new IllegalArgumentException("halfOpenPermits must be between 1 and 10000, was " + halfOpenPermits);
        }
        if (successThreshold < 1 || successThreshold > halfOpenPermits) {
            throw new IllegalArgumentException("successThreshold must be between 1 and halfOpenPermits ("
                    + halfOpenPermits + "), was " + successThreshold);
        }
    }

    /** Opens after 5 consecutive health failures, stays open 30 s, then admits 1 probe that closes it. */
    public static BreakerSettings defaults() {
        return DEFAULTS;
    }

    /** A breaker that never opens (health failures are still retried and failed over). */
    public static BreakerSettings disabled() {
        return DISABLED;
    }

    /** Opens after {@code failures} consecutive health failures. */
    public BreakerSettings withFailureThreshold(int failures) {
        return new BreakerSettings(failures, 0, openDelay, halfOpenPermits, successThreshold, true);
    }

    /** Opens after {@code failures} health failures among the last {@code executions} results. */
    public BreakerSettings withFailureRatio(int failures, int executions) {
        return new BreakerSettings(failures, executions, openDelay, halfOpenPermits, successThreshold, true);
    }

    /** Stays open for {@code delay} before admitting probes. */
    public BreakerSettings withOpenDelay(Duration delay) {
        return new BreakerSettings(failureThreshold, failureExecutions, delay, halfOpenPermits, successThreshold,
                enabled);
    }

    /** Admits {@code permits} probes at once while half-open and closes after {@code successes} succeed. */
    public BreakerSettings withHalfOpen(int permits, int successes) {
        return new BreakerSettings(failureThreshold, failureExecutions, openDelay, permits, successes, enabled);
    }

    /** The same settings, enabled or not. */
    public BreakerSettings withEnabled(boolean on) {
        return new BreakerSettings(failureThreshold, failureExecutions, openDelay, halfOpenPermits, successThreshold,
                on);
    }

    @Override
    public String toString() {
        if (!enabled) {
            return "BreakerSettings[disabled]";
        }
        return "BreakerSettings[open after " + failureThreshold
                + (failureExecutions == 0 ? " consecutive" : " of " + failureExecutions) + " health failures, for "
                + openDelay + ", " + halfOpenPermits + " probe(s), " + successThreshold + " to close]";
    }
}
