package dev.multillm.fallback.internal;

import dev.multillm.core.ChatProvider;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.event.ChatEvent;
import dev.multillm.core.event.ChatListener;
import dev.multillm.fallback.Route;
import dev.multillm.fallback.RouteHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A route at run time, shared by every call of a chain: the route's settings, the view of its
 * provider that never retries on its own, its breaker and its cooldown.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class RouteState {
    private final Route route;
    private final String name;
    private final ChatProvider caller;
    private final RouteBreaker breaker;
    private final Clock clock;
    private final ChatListener listener;
    private final AtomicReference<Instant> cooldownUntil = new AtomicReference<>();

    /**
     * @param route    the route, its name already settled
     * @param clock    the chain's clock
     * @param listener the chain's listener
     */
    public RouteState(Route route, Clock clock, ChatListener listener) {
        this.route = route;
        this.name = route.name();
        // The chain is the one retry owner: the route's provider must not retry behind its back.
        this.caller = route.provider().withRetryPolicy(RetryPolicy.none());
        this.breaker = new RouteBreaker(name, route.model(), route.breaker(), clock, listener);
        this.clock = clock;
        this.listener = listener;
    }

    public Route route() {
        return route;
    }

    public String name() {
        return name;
    }

    /** The provider the chain calls: the route's provider with retries turned off. */
    public ChatProvider caller() {
        return caller;
    }

    public RouteBreaker breaker() {
        return breaker;
    }

    /** The model sent on this route for a request naming {@code requested} (may be null). */
    public String modelFor(String requested) {
        return route.model() != null ? route.model() : requested;
    }

    /** When the current cooldown ends, null when the route is not cooling down. */
    public Instant cooldownUntil() {
        Instant until = cooldownUntil.get();
        if (until != null && !clock.instant().isBefore(until)) {
            cooldownUntil.compareAndSet(until, null);
            return null;
        }
        return until;
    }

    /** Puts the route in cooldown for {@code duration} (extends, never shortens, a running one). */
    public void startCooldown(Duration duration, String model) {
        if (duration == null || duration.isZero() || duration.isNegative()) {
            return;
        }
        Instant until = clock.instant().plus(duration);
        Instant previous = cooldownUntil.getAndAccumulate(until,
                (current, proposed) -> current == null || proposed.isAfter(current) ? proposed : current);
        if (previous == null || until.isAfter(previous)) {
            ChatListener.safely(listener, new ChatEvent.CooldownStarted(name, model, duration));
        }
    }

    /** The health snapshot of this route. */
    public RouteHealth health() {
        return new RouteHealth(name, route.model(), breaker.state(), breaker.openUntil(), cooldownUntil());
    }

    @Override
    public String toString() {
        return "RouteState[" + name + "]";
    }
}
