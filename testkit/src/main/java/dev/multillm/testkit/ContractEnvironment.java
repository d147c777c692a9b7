package dev.multillm.testkit;

import dev.multillm.core.ApiKey;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.Timeouts;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link ChatProviderContract} gives the provider under test: where the fake upstream
 * listens, the key to send, the timeouts and retry policy to apply, and the test seams (a fake
 * clock with a recording sleeper, and a recording listener). A provider built from it must use
 * every one of these values.
 *
 * @param baseUrl     the fake upstream's base URL, such as {@code http://127.0.0.1:PORT/v1}
 * @param apiKey      the canary key; null for a keyless local server
 * @param timeouts    real-time timeouts, short so the contract stays fast
 * @param retryPolicy the retry policy (2 retries by default)
 * @param clock       the clock deadlines are read on; only the sleeper moves it
 * @param sleeper     the sleeper retries wait on: it records each delay and returns at once
 * @param listener    the listener events go to
 *
 * <p>Thread-safety: immutable record (the clock, sleeper and listener it holds are thread-safe).
 */
public record ContractEnvironment(URI baseUrl, ApiKey apiKey, Timeouts timeouts, RetryPolicy retryPolicy,
                                  FakeClock clock, RecordingSleeper sleeper, RecordingListener listener) {

    /** The timeouts the contract uses by default: connect 2 s, first token 2 s, idle 2 s, total 20 s. */
    public static final Timeouts DEFAULT_TIMEOUTS = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2),
            Duration.ofSeconds(2), Duration.ofSeconds(20));

    public ContractEnvironment {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(listener, "listener");
        if (sleeper.clock() != clock) {
            throw new IllegalArgumentException("the sleeper must advance the environment's clock");
        }
    }

    /**
     * The default environment for {@code baseUrl}: key {@code canaryKey}, {@link #DEFAULT_TIMEOUTS},
     * {@link RetryPolicy#defaults()} (2 retries), a fresh fake clock, sleeper and listener.
     */
    public static ContractEnvironment of(URI baseUrl, String canaryKey) {
        FakeClock clock = new FakeClock();
        return new ContractEnvironment(baseUrl, canaryKey == null ? null : ApiKey.of(canaryKey), DEFAULT_TIMEOUTS,
                RetryPolicy.defaults(), clock, new RecordingSleeper(clock), new RecordingListener());
    }

    /** A copy pointing at another base URL. */
    public ContractEnvironment withBaseUrl(URI newBaseUrl) {
        return new ContractEnvironment(newBaseUrl, apiKey, timeouts, retryPolicy, clock, sleeper, listener);
    }

    /** A copy with another key, or none ({@code null}) for a keyless server. */
    public ContractEnvironment withApiKey(ApiKey newApiKey) {
        return new ContractEnvironment(baseUrl, newApiKey, timeouts, retryPolicy, clock, sleeper, listener);
    }

    /** A copy with other timeouts. */
    public ContractEnvironment withTimeouts(Timeouts newTimeouts) {
        return new ContractEnvironment(baseUrl, apiKey, newTimeouts, retryPolicy, clock, sleeper, listener);
    }

    /** A copy with another retry policy. */
    public ContractEnvironment withRetryPolicy(RetryPolicy newRetryPolicy) {
        return new ContractEnvironment(baseUrl, apiKey, timeouts, newRetryPolicy, clock, sleeper, listener);
    }
}
