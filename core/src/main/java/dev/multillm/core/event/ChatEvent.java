package dev.multillm.core.event;

import dev.multillm.core.Attempt;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.Usage;
import java.time.Duration;

/**
 * Something that happened during a call, reported to {@link ChatListener}s. Events never carry
 * prompt or response text, and never a key.
 *
 * <p>Thread-safety: implementations are immutable records.
 */
public sealed interface ChatEvent {

    /** The provider (or route) the event is about. */
    String provider();

    /**
     * A try is about to be sent.
     *
     * @param attempt 1-based number of the try within the call
     */
    record AttemptStarted(String provider, String model, int attempt, boolean streaming) implements ChatEvent {
    }

    /** A try ended, successfully or not. */
    record AttemptFinished(String provider, Attempt result) implements ChatEvent {
    }

    /** A retry of the same provider will be sent after {@code delay}. */
    record RetryScheduled(String provider, String model, int nextAttempt, Duration delay, ErrorTaxonomy reason,
                          boolean serverDirected) implements ChatEvent {
    }

    /** The first output of a stream arrived after {@code latency}. */
    record FirstToken(String provider, String model, Duration latency) implements ChatEvent {
    }

    /** The provider reported usage for a try. */
    record UsageReported(String provider, String model, Usage usage) implements ChatEvent {
    }

    /** A chain moved from one route to the next. */
    record Failover(String provider, String toProvider, ErrorTaxonomy reason) implements ChatEvent {
    }

    /** A route's circuit breaker changed state ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}). */
    record BreakerStateChanged(String provider, String model, String from, String to) implements ChatEvent {
    }

    /** A route was put in a cooldown (e.g. after a 429) for {@code duration}. */
    record CooldownStarted(String provider, String model, Duration duration) implements ChatEvent {
    }
}
