package dev.multillm.core;

import java.time.Duration;

/**
 * The rate-limit state a provider reported in its response headers ({@code x-ratelimit-*}).
 * Each field is null when the provider did not send it.
 *
 * @param limitRequests     requests allowed in the window
 * @param remainingRequests requests left in the window
 * @param resetRequests     time until the request window resets
 * @param limitTokens       tokens allowed in the window
 * @param remainingTokens   tokens left in the window
 * @param resetTokens       time until the token window resets
 *
 * <p>Thread-safety: immutable record.
 */
public record RateLimitSnapshot(Long limitRequests, Long remainingRequests, Duration resetRequests,
                                Long limitTokens, Long remainingTokens, Duration resetTokens) {

    /** No rate-limit information. */
    public static final RateLimitSnapshot EMPTY = new RateLimitSnapshot(null, null, null, null, null, null);

    /** Whether no field is known. */
    public boolean isEmpty() {
        return equals(EMPTY);
    }
}
