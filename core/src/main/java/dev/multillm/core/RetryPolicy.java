package dev.multillm.core;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How a provider used alone retries retryable failures: like the official SDKs, 2 retries by
 * default with exponential backoff, full jitter and a cap. A delay the server asks for
 * ({@code retry-after-ms}, {@code retry-after}) replaces the computed backoff; when that delay is
 * longer than {@link #maxServerDelay()} or than the time left before the deadline, the call fails
 * at once instead of sleeping.
 *
 * @param maxRetries      retries after the first try (0 = never retry)
 * @param initialBackoff  the backoff ceiling before the first retry
 * @param maxBackoff      the cap on computed backoff
 * @param multiplier      growth factor of the ceiling per retry
 * @param maxServerDelay  the longest server-requested wait that is honoured
 *
 * <p>Thread-safety: immutable record.
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff, double multiplier,
                          Duration maxServerDelay) {

    private static final RetryPolicy DEFAULT =
            new RetryPolicy(2, Duration.ofMillis(500), Duration.ofSeconds(8), 2.0, Duration.ofSeconds(60));
    private static final RetryPolicy NONE = DEFAULT.withMaxRetries(0);

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative, was " + maxRetries);
        }
        Checks.notNull(initialBackoff, "initialBackoff");
        Checks.notNull(maxBackoff, "maxBackoff");
        Checks.notNull(maxServerDelay, "maxServerDelay");
        if (initialBackoff.isNegative() || maxBackoff.isNegative() || maxServerDelay.isNegative()) {
            throw new IllegalArgumentException("retry durations must not be negative");
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must not be less than initialBackoff");
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
        }
    }

    /** 2 retries, 0.5 s initial backoff doubling to at most 8 s, server delays up to 60 s. */
    public static RetryPolicy defaults() {
        return DEFAULT;
    }

    /** No retries at all: for providers inside a chain that owns retries. */
    public static RetryPolicy none() {
        return NONE;
    }

    /** A copy with a different number of retries. */
    public RetryPolicy withMaxRetries(int retries) {
        return new RetryPolicy(retries, initialBackoff, maxBackoff, multiplier, maxServerDelay);
    }

    /** The maximum number of tries (first try included). */
    public int maxAttempts() {
        return maxRetries + 1;
    }

    /**
     * The backoff before retry number {@code retry} (1-based): full jitter, a uniform draw between
     * zero and {@code min(maxBackoff, initialBackoff * multiplier^(retry-1))}.
     *
     * @param random a source of uniform numbers in [0, 1)
     */
    public Duration backoff(int retry, DoubleSupplier random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be at least 1, was " + retry);
        }
        double ceiling = initialBackoff.toNanos() * Math.pow(multiplier, retry - 1);
        double capped = Math.min(ceiling, maxBackoff.toNanos());
        return Duration.ofNanos((long) (capped * random.getAsDouble()));
    }
}
