package dev.multillm.core.internal.call;

import dev.multillm.core.Deadline;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.LlmTimeoutException;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.TimeoutPhase;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Whether a failed try is tried again, after how long, and why: the single place where the
 * retry rules live.
 *
 * @param retry whether to try again
 * @param delay the wait before the next try (zero when not retrying)
 * @param note  why: {@code retry-after}, {@code backoff}, or why not
 *
 * <p>Thread-safety: immutable record.
 */
public record RetryDecision(boolean retry, Duration delay, String note) {

    /**
     * Decides after try number {@code attempt} (1-based) failed with {@code failure}; the server's
     * {@code x-should-retry: false} ({@link LlmException#shouldRetry()}) forbids a retry.
     */
    public static RetryDecision decide(LlmException failure, int attempt, RetryPolicy policy, Deadline deadline,
                                       DoubleSupplier random) {
        ErrorTaxonomy category = failure.category();
        if (failure instanceof LlmTimeoutException timeout && timeout.phase() == TimeoutPhase.TOTAL) {
            return no("deadline reached");
        }
        if (!category.retryable()) {
            return no(category + " is not retryable");
        }
        if (Boolean.FALSE.equals(failure.shouldRetry())) {
            return no("server sent x-should-retry: false");
        }
        if (attempt >= policy.maxAttempts()) {
            return no("retry budget of " + policy.maxRetries() + " used");
        }
        if (deadline.isExpired()) {
            return no("deadline reached");
        }
        Duration serverDelay = failure.retryAfter();
        if (serverDelay != null) {
            if (serverDelay.compareTo(policy.maxServerDelay()) > 0) {
                return no("server asked to wait " + serverDelay.toMillis() + " ms, more than maxServerDelay");
            }
            if (!deadline.allows(serverDelay)) {
                return no("server asked to wait " + serverDelay.toMillis() + " ms, more than the time left");
            }
            return new RetryDecision(true, serverDelay, "retry-after");
        }
        Duration backoff = policy.backoff(attempt, random);
        if (!deadline.allows(backoff)) {
            return no("backoff longer than the time left");
        }
        return new RetryDecision(true, backoff, "backoff");
    }

    private static RetryDecision no(String why) {
        return new RetryDecision(false, Duration.ZERO, why);
    }
}
