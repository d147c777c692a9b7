package dev.multillm.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.TimeoutPhase;
import dev.multillm.testkit.SentenceDisplayNames;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayNameGeneration(SentenceDisplayNames.class)
class ErrorMappingTest {
    private static final String CANARY = "sk-CANARY-3f9a7c1e5b2d4f60a8e1c7b9d0e2f4a6";

    private final ErrorMapping mapping = new ErrorMapping(new Scrubber(List.of(CANARY)));

    @ParameterizedTest(name = "{0} -> {1} {2} {3}")
    @CsvSource(delimiter = '|', textBlock = """
            AUTHENTICATION           | 502 | server_error          | upstream_authentication_failed | false
            PERMISSION_DENIED        | 403 | permission_error      | permission_denied              | false
            MODEL_NOT_FOUND          | 404 | invalid_request_error | model_not_found                | false
            INVALID_REQUEST          | 400 | invalid_request_error | invalid_request                | false
            CONTEXT_LENGTH_EXCEEDED  | 400 | invalid_request_error | context_length_exceeded        | false
            CONTENT_FILTERED         | 400 | invalid_request_error | content_filter                 | false
            OUTPUT_VALIDATION_FAILED | 422 | invalid_request_error | output_validation_failed       | true
            RATE_LIMITED             | 429 | rate_limit_error      | rate_limit_exceeded            | true
            QUOTA_EXHAUSTED          | 429 | insufficient_quota    | insufficient_quota             | false
            OVERLOADED               | 503 | server_error          | overloaded                     | true
            SERVER_ERROR             | 502 | server_error          | upstream_server_error          | true
            TIMEOUT                  | 504 | server_error          | upstream_timeout               | true
            CONNECTION               | 502 | server_error          | upstream_connection_failed     | true
            INVALID_RESPONSE         | 502 | server_error          | upstream_invalid_response      | true
            STREAM_INTERRUPTED       | 502 | server_error          | stream_interrupted             | false
            CANCELLED                | 499 | invalid_request_error | request_cancelled              | false
            UNSUPPORTED_CAPABILITY   | 400 | invalid_request_error | unsupported_capability         | false
            NO_PROVIDER_AVAILABLE    | 503 | server_error          | no_provider_available          | true
            UNKNOWN                  | 500 | server_error          | internal_error                 | false
            """)
    void mapsEachCategoryToTheStatusAndBodyAnOpenAiClientExpects(ErrorTaxonomy category, int status, String type,
                                                               String code, boolean shouldRetry) {
        ApiError error = mapping.map(LlmException.builder(category).provider("groq").build());

        assertThat(error.status()).isEqualTo(status);
        assertThat(error.type()).isEqualTo(type);
        assertThat(error.code()).isEqualTo(code);
        assertThat(error.shouldRetry()).isEqualTo(shouldRetry);
        assertThat(error.message()).isNotBlank();
    }

    @ParameterizedTest
    @EnumSource(ErrorTaxonomy.class)
    void hasOneRowForEveryCategory(ErrorTaxonomy category) {
        assertThat(ErrorMapping.row(category)).isNotNull();
    }

    @Test
    void sendsRetryAfterInWholeSecondsRoundedUpOnRateLimits() {
        ApiError error = mapping.map(LlmException.builder(ErrorTaxonomy.RATE_LIMITED)
                .retryAfter(Duration.ofMillis(7660)).build());

        assertThat(error.retryAfter()).isEqualTo(Duration.ofMillis(7660));
        assertThat(error.retryAfterSeconds()).isEqualTo("8");
    }

    @Test
    void keepsTheParamAndCodeTheUpstreamBlamedOnInvalidRequests() {
        ApiError error = mapping.map(LlmException.builder(ErrorTaxonomy.INVALID_REQUEST).status(400)
                .param("frequency_penalty").errorCode("unsupported_parameter")
                .message("openai does not accept 'frequency_penalty'").build());

        assertThat(error.param()).isEqualTo("frequency_penalty");
        assertThat(error.code()).isEqualTo("unsupported_parameter");
        assertThat(error.message()).contains("does not accept 'frequency_penalty'");
    }

    @Test
    void namesTheRequestFieldThatNeedsAnUnsupportedCapability() {
        ApiError error = mapping.map(LlmException.builder(ErrorTaxonomy.UNSUPPORTED_CAPABILITY)
                .param("multipleChoices").build());

        assertThat(error.param()).isEqualTo("n");
    }

    @Test
    void neverPassesOnTheUpstreamMessageOfAnAuthenticationFailure() {
        ApiError error = mapping.map(LlmException.builder(ErrorTaxonomy.AUTHENTICATION).status(401)
                .message("Incorrect API key provided: sk-CANA****f4a6. You can find your API key at ...").build());

        assertThat(error.message()).doesNotContain("CANA").doesNotContain("Incorrect API key")
                .contains("proxy configuration problem");
    }

    @Test
    void scrubsKeysFromEveryUpstreamMessage() {
        ApiError error = mapping.map(LlmException.builder(ErrorTaxonomy.SERVER_ERROR)
                .message("upstream echoed " + CANARY + " and Bearer abc.def and gsk_live_123456789").build());

        assertThat(error.message()).doesNotContain(CANARY).doesNotContain("abc.def").doesNotContain("gsk_live")
                .contains("***");
    }

    @Test
    void reportsTheExpiredPhaseOfATimeout() {
        ApiError error = mapping.map(LlmException.builder(ErrorTaxonomy.TIMEOUT)
                .timeoutPhase(TimeoutPhase.FIRST_TOKEN).build());

        assertThat(error.message()).contains("FIRST_TOKEN");
    }

    @Test
    void answersAsTheSharedCategoryWhenEveryRouteFailedTheSameWay() {
        LlmException chain = LlmException.builder(ErrorTaxonomy.NO_PROVIDER_AVAILABLE).provider("fast")
                .message("groq → RATE_LIMITED, openai → RATE_LIMITED").build();
        chain.addSuppressed(LlmException.builder(ErrorTaxonomy.RATE_LIMITED).retryAfter(Duration.ofSeconds(9)).build());
        chain.addSuppressed(LlmException.builder(ErrorTaxonomy.RATE_LIMITED).retryAfter(Duration.ofSeconds(3)).build());

        ApiError error = mapping.map(chain);

        assertThat(error.status()).isEqualTo(429);
        assertThat(error.code()).isEqualTo("rate_limit_exceeded");
        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(error.message()).contains("every route").contains("groq → RATE_LIMITED");
    }

    @Test
    void answers503WhenTheRoutesFailedInDifferentWays() {
        LlmException chain = LlmException.builder(ErrorTaxonomy.NO_PROVIDER_AVAILABLE).build();
        chain.addSuppressed(LlmException.builder(ErrorTaxonomy.RATE_LIMITED).retryAfter(Duration.ofSeconds(4)).build());
        chain.addSuppressed(LlmException.builder(ErrorTaxonomy.SERVER_ERROR).build());

        ApiError error = mapping.map(chain);

        assertThat(error.status()).isEqualTo(503);
        assertThat(error.code()).isEqualTo("no_provider_available");
        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void describesTheUnderlyingFailureOfAnInterruptedStream() {
        LlmException cause = LlmException.builder(ErrorTaxonomy.CONNECTION).message("connection reset").build();
        LlmException interrupted = LlmException.builder(ErrorTaxonomy.STREAM_INTERRUPTED).cause(cause).build();

        ApiError error = mapping.mapMidStream(interrupted);

        assertThat(error.code()).isEqualTo("stream_interrupted");
        assertThat(error.message()).contains("connection reset");
    }

    @Test
    void keepsTheFailedGenerationOfAnOutputValidationFailure() {
        ApiError error = mapping.map(LlmException.builder(ErrorTaxonomy.OUTPUT_VALIDATION_FAILED)
                .errorCode("json_validate_failed").failedGeneration("{\"broken\":").build());

        assertThat(error.code()).isEqualTo("json_validate_failed");
        assertThat(error.failedGeneration()).isEqualTo("{\"broken\":");
        assertThat(new String(error.body(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"failed_generation\":\"{\\\"broken\\\":\"");
    }
}
