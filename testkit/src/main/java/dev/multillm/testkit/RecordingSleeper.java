package dev.multillm.testkit;

import dev.multillm.core.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link Sleeper} that never waits: it records each requested delay, advances its
 * {@link FakeClock} by it, and completes at once, so retry tests run instantly yet can assert
 * what the provider would have waited.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class RecordingSleeper implements Sleeper {
    private final FakeClock clock;
    private final List<Duration> delays = new CopyOnWriteArrayList<>();

    /** A sleeper that advances {@code clock}. */
    public RecordingSleeper(FakeClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CompletableFuture<Void> delay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        delays.add(delay);
        if (!delay.isNegative()) {
            clock.advance(delay);
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Every delay asked for, in order. */
    public List<Duration> delays() {
        return List.copyOf(delays);
    }

    /** The sum of every delay asked for. */
    public Duration totalDelay() {
        return delays.stream().filter(d -> !d.isNegative()).reduce(Duration.ZERO, Duration::plus);
    }

    /** The clock this sleeper advances. */
    public FakeClock clock() {
        return clock;
    }

    /** Forgets the recorded delays (the clock is not moved back). */
    public void clear() {
        delays.clear();
    }
}
