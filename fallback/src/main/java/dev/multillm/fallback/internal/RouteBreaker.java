package dev.multillm.fallback.internal;

import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerBuilder;
import dev.multillm.core.event.ChatEvent;
import dev.multillm.core.event.ChatListener;
import dev.multillm.fallback.BreakerSettings;
import dev.multillm.fallback.BreakerState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One route's circuit breaker: a Failsafe {@link CircuitBreaker} for the thresholds and the state
 * machine, plus the two things Failsafe 3.3.2 cannot do for us.
 *
 * <ul>
 *   <li><b>The open delay is read on the chain's {@link Clock}.</b> Failsafe's open state measures
 *       its delay with {@code System.nanoTime()}; we never ask Failsafe for a permit, so it never
 *       half-opens on its own, and we call {@link CircuitBreaker#halfOpen()} once the delay has
 *       passed on our clock (a fake one in tests).</li>
 *   <li><b>Half-open probes are counted here.</b> Failsafe hands permits back only when a result is
 *       recorded and has no public way to give one back without recording. A probe that tells
 *       nothing about health (cancelled, closed early, a 4xx or a rate limit) must not count as a
 *       success or a failure, yet must free its place; so the bound on concurrent probes is kept
 *       here, and Failsafe only ever sees real outcomes.</li>
 * </ul>
 *
 * <p>Every permit belongs to the state it was admitted in (a generation that changes with every
 * transition): an outcome that arrives after the breaker moved on (a call admitted while closed
 * that ends after it opened) is ignored rather than counted against the new state.
 *
 * <p>Thread-safety: thread-safe; all state changes happen under this object's monitor, and state
 * change events are delivered after it is released.
 */
public final class RouteBreaker {
    private final String route;
    private final String model;
    private final BreakerSettings settings;
    private final Clock clock;
    private final ChatListener listener;
    private final CircuitBreaker<Object> breaker;

    // Guarded by this.
    private long generation;
    private int probesInFlight;
    private Instant openedAt;
    private final List<ChatEvent> pendingEvents = new ArrayList<>(2);

    public RouteBreaker(String route, String model, BreakerSettings settings, Clock clock, ChatListener listener) {
        this.route = route;
        this.model = model;
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
        CircuitBreakerBuilder<Object> b = CircuitBreaker.builder()
                .withDelay(settings.openDelay())
                .withSuccessThreshold(settings.successThreshold(), settings.halfOpenPermits())
                .onOpen(e -> transitioned(e.getPreviousState(), CircuitBreaker.State.OPEN))
                .onHalfOpen(e -> transitioned(e.getPreviousState(), CircuitBreaker.State.HALF_OPEN))
                .onClose(e -> transitioned(e.getPreviousState(), CircuitBreaker.State.CLOSED));
        if (settings.failureExecutions() == 0) {
            b.withFailureThreshold(settings.failureThreshold());
        } else {
            b.withFailureThreshold(settings.failureThreshold(), settings.failureExecutions());
        }
        this.breaker = b.build();
    }

    /** Called by Failsafe on the thread that caused the transition, which holds this monitor. */
    private void transitioned(CircuitBreaker.State from, CircuitBreaker.State to) {
        generation++;
        probesInFlight = 0;
        if (to == CircuitBreaker.State.OPEN) {
            openedAt = clock.instant();
        }
        pendingEvents.add(new ChatEvent.BreakerStateChanged(route, model, from.name(), to.name()));
    }

    /**
     * Admits a call: always while closed; while half-open only if a probe place is free; while
     * open only once the open delay has passed (which half-opens the breaker).
     *
     * @return the permit, which must be completed on every path; null when refused
     */
    public Permit tryAcquire() {
        if (!settings.enabled()) {
            return new Permit(this, -1, false);
        }
        Permit permit;
        List<ChatEvent> events;
        synchronized (this) {
            CircuitBreaker.State state = breaker.getState();
            if (state == CircuitBreaker.State.OPEN && delayPassed()) {
                breaker.halfOpen();
                state = breaker.getState();
            }
            if (state == CircuitBreaker.State.CLOSED) {
                permit = new Permit(this, generation, false);
            } else if (state == CircuitBreaker.State.HALF_OPEN && probesInFlight < settings.halfOpenPermits()) {
                probesInFlight++;
                permit = new Permit(this, generation, true);
            } else {
                permit = null;
            }
            events = drainEvents();
        }
        emit(events);
        return permit;
    }

    /** Whether {@link #tryAcquire()} would admit a call now (without admitting one). */
    public synchronized boolean allowsNow() {
        if (!settings.enabled()) {
            return true;
        }
        return switch (breaker.getState()) {
            case CLOSED -> true;
            case OPEN -> delayPassed();
            case HALF_OPEN -> probesInFlight < settings.halfOpenPermits();
        };
    }

    /** Why {@link #allowsNow()} is false, for the attempt log. */
    public synchronized String refusal() {
        return breaker.getState() == CircuitBreaker.State.HALF_OPEN
                ? "circuit breaker half-open, all " + settings.halfOpenPermits() + " probe permit(s) in use"
                : "circuit breaker open";
    }

    /** The state now. */
    public synchronized BreakerState state() {
        return BreakerState.valueOf(breaker.getState().name());
    }

    /** While open, when probes will be admitted again; else null. */
    public synchronized Instant openUntil() {
        if (breaker.getState() != CircuitBreaker.State.OPEN || openedAt == null) {
            return null;
        }
        return openedAt.plus(settings.openDelay());
    }

    private boolean delayPassed() {
        return openedAt == null || !clock.instant().isBefore(openedAt.plus(settings.openDelay()));
    }

    private List<ChatEvent> drainEvents() {
        if (pendingEvents.isEmpty()) {
            return List.of();
        }
        List<ChatEvent> copy = List.copyOf(pendingEvents);
        pendingEvents.clear();
        return copy;
    }

    private void emit(List<ChatEvent> events) {
        for (ChatEvent event : events) {
            ChatListener.safely(listener, event);
        }
    }

    /** The outcome a permit reports. */
    enum Outcome { SUCCESS, FAILURE, NONE }

    void complete(Permit permit, Outcome outcome) {
        if (!settings.enabled()) {
            return;
        }
        List<ChatEvent> events;
        synchronized (this) {
            if (permit.generation == generation) {
                if (permit.probe) {
                    probesInFlight--;
                }
                if (outcome == Outcome.SUCCESS) {
                    breaker.recordSuccess();
                } else if (outcome == Outcome.FAILURE) {
                    breaker.recordFailure();
                }
            }
            events = drainEvents();
        }
        emit(events);
    }

    @Override
    public String toString() {
        return "RouteBreaker[" + route + ", " + state() + "]";
    }

    /**
     * The right to make one call through the breaker. Exactly one of {@link #success()},
     * {@link #failure()} and {@link #release()} takes effect; later calls are ignored, so every
     * path may complete it without coordination.
     *
     * <p>Thread-safety: thread-safe.
     */
    public static final class Permit {
        private final RouteBreaker breaker;
        private final long generation;
        private final boolean probe;
        private final AtomicBoolean done = new AtomicBoolean();

        Permit(RouteBreaker breaker, long generation, boolean probe) {
            this.breaker = breaker;
            this.generation = generation;
            this.probe = probe;
        }

        /** Whether this permit was admitted as a half-open probe. */
        public boolean probe() {
            return probe;
        }

        /** The call succeeded: counts toward closing the breaker. */
        public void success() {
            if (done.compareAndSet(false, true)) {
                breaker.complete(this, Outcome.SUCCESS);
            }
        }

        /** The call failed with a health failure: counts toward opening the breaker. */
        public void failure() {
            if (done.compareAndSet(false, true)) {
                breaker.complete(this, Outcome.FAILURE);
            }
        }

        /** The call ended without saying anything about health: gives the permit back. */
        public void release() {
            if (done.compareAndSet(false, true)) {
                breaker.complete(this, Outcome.NONE);
            }
        }
    }
}
