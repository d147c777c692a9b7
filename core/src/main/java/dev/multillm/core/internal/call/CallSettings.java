package dev.multillm.core.internal.call;

import dev.multillm.core.RetryPolicy;
import dev.multillm.core.Sleeper;
import dev.multillm.core.Timeouts;
import dev.multillm.core.event.ChatListener;
import dev.multillm.core.internal.http.Transport;
import java.time.Clock;
import java.util.function.DoubleSupplier;

/**
 * Everything a call needs from its provider: where to send, how long to wait, how to retry.
 *
 * @param provider    the provider id
 * @param transport   the HTTP transport
 * @param chatPath    the chat-completions path below the base URL
 * @param timeouts    the four timeouts
 * @param retryPolicy retries of retryable failures
 * @param clock       the clock deadlines are read on
 * @param sleeper     the wait between tries
 * @param random      uniform numbers in [0, 1) for jitter
 * @param listener    receives the call's events
 *
 * <p>Thread-safety: immutable record of thread-safe parts.
 */
public record CallSettings(String provider, Transport transport, String chatPath, Timeouts timeouts,
                           RetryPolicy retryPolicy, Clock clock, Sleeper sleeper, DoubleSupplier random,
                           ChatListener listener) {
}
