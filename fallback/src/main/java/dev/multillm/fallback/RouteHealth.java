package dev.multillm.fallback;

import java.time.Instant;

/**
 * A snapshot of one route's health, as {@link FallbackChatProvider#health()} reports it.
 *
 * @param route         the route name
 * @param model         the model the route asks for, null when it passes the request's model on
 * @param breaker       the state of the route's circuit breaker
 * @param openUntil     while {@link BreakerState#OPEN}, when the breaker admits probes again; else null
 * @param cooldownUntil when a rate-limit cooldown ends, null when the route is not cooling down
 *
 * <p>Thread-safety: immutable record.
 */
public record RouteHealth(String route, String model, BreakerState breaker, Instant openUntil,
                          Instant cooldownUntil) {

    /** Whether a call would try this route now (breaker not open, no cooldown). */
    public boolean available() {
        return breaker != BreakerState.OPEN && cooldownUntil == null;
    }
}
