package dev.multillm.fallback.internal;

import dev.multillm.core.LlmException;

/**
 * What the server said about retrying, as a failure shows it.
 *
 * <p>Thread-safety: stateless.
 */
final class ServerHints {
    private ServerHints() {
    }

    /** Whether the server asked not to retry this request ({@code x-should-retry: false}). */
    static boolean forbidsRetry(LlmException failure) {
        return Boolean.FALSE.equals(failure.shouldRetry());
    }
}
