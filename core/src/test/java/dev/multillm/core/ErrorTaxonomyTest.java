package dev.multillm.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorTaxonomyTest {

    @Test
    void namesAreExactlyTheFixedOnesOfTheDesign() {
        assertThat(Arrays.stream(ErrorTaxonomy.values()).map(Enum::name)).containsExactly(
                "AUTHENTICATION", "PERMISSION_DENIED", "MODEL_NOT_FOUND", "INVALID_REQUEST",
                "CONTEXT_LENGTH_EXCEEDED", "CONTENT_FILTERED", "OUTPUT_VALIDATION_FAILED", "RATE_LIMITED",
                "QUOTA_EXHAUSTED", "OVERLOADED", "SERVER_ERROR", "TIMEOUT", "CONNECTION", "INVALID_RESPONSE",
                "STREAM_INTERRUPTED", "CANCELLED", "UNSUPPORTED_CAPABILITY", "NO_PROVIDER_AVAILABLE", "UNKNOWN");
    }

    @ParameterizedTest(name = "{0}: retry={1} fallback={2} health={3}")
    @CsvSource({
        "AUTHENTICATION, false, true, false",
        "INVALID_REQUEST, false, false, false",
        "CONTEXT_LENGTH_EXCEEDED, false, true, false",
        "OUTPUT_VALIDATION_FAILED, true, true, false",
        "RATE_LIMITED, true, true, false",
        "QUOTA_EXHAUSTED, false, true, false",
        "OVERLOADED, true, true, true",
        "SERVER_ERROR, true, true, true",
        "TIMEOUT, true, true, true",
        "CONNECTION, true, true, true",
        "STREAM_INTERRUPTED, false, false, true",
        "CANCELLED, false, false, false",
        "UNSUPPORTED_CAPABILITY, false, true, false",
    })
    void flagsFollowTheDesignTable(ErrorTaxonomy category, boolean retry, boolean fallback, boolean health) {
        assertThat(category.retryable()).isEqualTo(retry);
        assertThat(category.fallbackEligible()).isEqualTo(fallback);
        assertThat(category.healthFailure()).isEqualTo(health);
    }

    @Test
    void builderPicksTheTypedSubclass() {
        assertThat(LlmException.builder(ErrorTaxonomy.RATE_LIMITED).build()).isInstanceOf(RateLimitedException.class);
        assertThat(LlmException.builder(ErrorTaxonomy.QUOTA_EXHAUSTED).build())
                .isInstanceOfSatisfying(RateLimitedException.class, e -> assertThat(e.isQuotaExhausted()).isTrue());
        assertThat(LlmException.builder(ErrorTaxonomy.TIMEOUT).timeoutPhase(TimeoutPhase.IDLE).build())
                .isInstanceOfSatisfying(LlmTimeoutException.class, e -> assertThat(e.phase()).isEqualTo(TimeoutPhase.IDLE));
        assertThat(LlmException.builder(ErrorTaxonomy.STREAM_INTERRUPTED).build())
                .isInstanceOf(StreamInterruptedException.class);
        assertThat(LlmException.builder(ErrorTaxonomy.SERVER_ERROR).build().getClass()).isEqualTo(LlmException.class);
    }

    @Test
    void withAttemptsKeepsTypeAndDetails() {
        LlmException original = LlmException.builder(ErrorTaxonomy.TIMEOUT).provider("p").status(504)
                .timeoutPhase(TimeoutPhase.FIRST_TOKEN).message("slow").build();
        original.addSuppressed(new IllegalStateException("other route"));

        LlmException copy = original.withAttempts(java.util.List.of(
                new Attempt("p", "m", ErrorTaxonomy.TIMEOUT, 504, java.time.Duration.ofMillis(5), null, null)));

        assertThat(copy).isInstanceOfSatisfying(LlmTimeoutException.class,
                e -> assertThat(e.phase()).isEqualTo(TimeoutPhase.FIRST_TOKEN));
        assertThat(copy.attempts()).extracting(Attempt::outcome).containsExactly("TIMEOUT");
        assertThat(copy.getSuppressed()).hasSize(1);
        assertThat(copy.getMessage()).contains("TIMEOUT", "from p", "HTTP 504", "slow", "FIRST_TOKEN");
    }
}
