package dev.multillm.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A point in time by which a whole call, all its tries included, must be done.
 *
 * <p>Thread-safety: immutable, safe to share.
 */
public final class Deadline {
    private final Clock clock;
    private final Instant at;

    private Deadline(Clock clock, Instant at) {
        this.clock = clock;
        this.at = at;
    }

    /** A deadline {@code timeout} from now on {@code clock}; a null timeout never expires. */
    public static Deadline after(Clock clock, Duration timeout) {
        Checks.notNull(clock, "clock");
        if (timeout == null) {
            return new Deadline(clock, null);
        }
        return new Deadline(clock, clock.instant().plus(timeout));
    }

    /** A deadline that never expires. */
    public static Deadline none(Clock clock) {
        return new Deadline(Checks.notNull(clock, "clock"), null);
    }

    /** The time left, never negative; {@code null} means unlimited. */
    public Duration remaining() {
        if (at == null) {
            return null;
        }
        Duration left = Duration.between(clock.instant(), at);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Whether the time is up. */
    public boolean isExpired() {
        return at != null && !clock.instant().isBefore(at);
    }

    /** Whether waiting {@code delay} would still leave time before the deadline. */
    public boolean allows(Duration delay) {
        return at == null || clock.instant().plus(delay).isBefore(at);
    }

    /** The earlier of {@code limit} and the time left ({@code limit} may be null for none). */
    public Duration cap(Duration limit) {
        Duration left = remaining();
        if (left == null) {
            return limit;
        }
        return limit == null || left.compareTo(limit) < 0 ? left : limit;
    }

    /** The clock this deadline reads. */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return at == null ? "Deadline[none]" : "Deadline[" + at + "]";
    }
}
