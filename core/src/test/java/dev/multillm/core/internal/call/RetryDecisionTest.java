package dev.multillm.core.internal.call;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.Deadline;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RetryDecisionTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final Deadline oneMinute = Deadline.after(clock, Duration.ofMinutes(1));

    private static LlmException failure(ErrorTaxonomy category, Duration retryAfter) {
        return LlmException.builder(category).retryAfter(retryAfter).build();
    }

    @ParameterizedTest
    @EnumSource(value = ErrorTaxonomy.class, names = {"AUTHENTICATION", "PERMISSION_DENIED", "INVALID_REQUEST",
        "QUOTA_EXHAUSTED", "CONTEXT_LENGTH_EXCEEDED", "CANCELLED", "STREAM_INTERRUPTED"})
    void nonRetryableCategoriesAreNeverRetried(ErrorTaxonomy category) {
        RetryDecision decision = RetryDecision.decide(failure(category, null), 1, RetryPolicy.defaults(),
                oneMinute, () -> 0.5);

        assertThat(decision.retry()).isFalse();
    }

    @Test
    void serverDelayReplacesBackoff() {
        RetryDecision decision = RetryDecision.decide(failure(ErrorTaxonomy.RATE_LIMITED, Duration.ofSeconds(2)),
                1, RetryPolicy.defaults(), oneMinute, () -> 0.5);

        assertThat(decision).isEqualTo(new RetryDecision(true, Duration.ofSeconds(2), "retry-after"));
    }

    @Test
    void serverDelayLongerThanTheTimeLeftFailsNow() {
        RetryDecision decision = RetryDecision.decide(failure(ErrorTaxonomy.RATE_LIMITED, Duration.ofSeconds(50)),
                1, RetryPolicy.defaults(), Deadline.after(clock, Duration.ofSeconds(10)), () -> 0.5);

        assertThat(decision.retry()).isFalse();
        assertThat(decision.note()).contains("more than the time left");
    }

    @Test
    void serverDelayAboveTheCapFailsNow() {
        RetryDecision decision = RetryDecision.decide(failure(ErrorTaxonomy.RATE_LIMITED, Duration.ofDays(1)),
                1, RetryPolicy.defaults(), Deadline.none(clock), () -> 0.5);

        assertThat(decision.retry()).isFalse();
        assertThat(decision.note()).contains("maxServerDelay");
    }

    @Test
    void budgetIsTheConfiguredNumberOfAttempts() {
        LlmException overloaded = failure(ErrorTaxonomy.OVERLOADED, null);

        assertThat(RetryDecision.decide(overloaded, 2, RetryPolicy.defaults(), oneMinute, () -> 0.5).retry())
                .isTrue();
        assertThat(RetryDecision.decide(overloaded, 3, RetryPolicy.defaults(), oneMinute, () -> 0.5).retry())
                .isFalse();
    }

    @Test
    void shouldRetryFalseStopsRetrying() {
        RetryDecision decision = RetryDecision.decide(
                LlmException.builder(ErrorTaxonomy.SERVER_ERROR).shouldRetry(false).build(), 1,
                RetryPolicy.defaults(), oneMinute, () -> 0.5);

        assertThat(decision.retry()).isFalse();
        assertThat(decision.note()).contains("x-should-retry");
    }

    @Test
    void backoffUsesJitterWhenTheServerSaysNothing() {
        RetryDecision decision = RetryDecision.decide(failure(ErrorTaxonomy.SERVER_ERROR, null), 2,
                RetryPolicy.defaults(), oneMinute, () -> 0.5);

        assertThat(decision).isEqualTo(new RetryDecision(true, Duration.ofMillis(500), "backoff"));
    }
}
