package dev.multillm.fallback;

/**
 * The state of a route's circuit breaker.
 *
 * <p>Thread-safety: immutable enum.
 */
public enum BreakerState {
    /** Calls go through; health failures are counted. */
    CLOSED,
    /** The route is skipped until its open delay has passed. */
    OPEN,
    /** A bounded number of probe calls go through to decide whether to close or open again. */
    HALF_OPEN
}
