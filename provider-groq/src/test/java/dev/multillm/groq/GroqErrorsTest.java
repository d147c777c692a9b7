package dev.multillm.groq;

import dev.multillm.testkit.WireMockAnswers;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.multillm.core.Attempt;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.RateLimitSnapshot;
import dev.multillm.core.RateLimitedException;
import dev.multillm.core.RetryPolicy;
import dev.multillm.testkit.FakeClock;
import dev.multillm.testkit.RecordingSleeper;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Groq's error answers go through core's one error table; these tests only prove that the real
 * shapes land in the right categories with their details, and that retries follow the category.
 */
class GroqErrorsTest {
    static final String KEY = "gsk_CANARY_errors_0123456789abcdef";
    static final String CHAT = "/openai/v1/chat/completions";

    @RegisterExtension
    static WireMockExtension groq = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private final FakeClock clock = new FakeClock();
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private GroqChatProvider provider;

    private GroqChatProvider provider(RetryPolicy policy) {
        provider = GroqChatProvider.builder().apiKey(KEY).baseUrl("http://127.0.0.1:" + groq.getPort() + "/openai/v1")
                .defaultModel(GroqBodies.MODEL).retryPolicy(policy).clock(clock).sleeper(sleeper).random(() -> 0.5)
                .environment(name -> null).build();
        return provider;
    }

    @AfterEach
    void close() {
        if (provider != null) {
            provider.close();
        }
    }

    private static LlmException failure(GroqChatProvider provider) {
        return catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.of(null, "hello")));
    }

    static Stream<Arguments> groqErrors() {
        return Stream.of(
                Arguments.of("498 flex capacity", WireMockAnswers.json(498, GroqBodies.error("service_unavailable",
                        "capacity_exceeded", "Flex tier capacity exceeded. Please retry or use the on_demand tier.")),
                        ErrorTaxonomy.OVERLOADED, "capacity_exceeded", null),
                Arguments.of("498 without a body", aResponse().withStatus(498), ErrorTaxonomy.OVERLOADED, null, null),
                Arguments.of("json_validate_failed", WireMockAnswers.json(400, """
                        {"error":{"message":"Failed to generate JSON. Please adjust your prompt. See 'failed_generation' \
                        for more details.","type":"invalid_request_error","code":"json_validate_failed",\
                        "failed_generation":"{\\"name\\": \\"Ada\\", \\"born\\": }"}}"""),
                        ErrorTaxonomy.OUTPUT_VALIDATION_FAILED, "json_validate_failed", "{\"name\": \"Ada\", \"born\": }"),
                Arguments.of("tool_use_failed", WireMockAnswers.json(400, """
                        {"error":{"message":"Failed to call a function. Please adjust your prompt. See \
                        'failed_generation' for more details.","type":"invalid_request_error","code":"tool_use_failed",\
                        "failed_generation":"<function=get_weather>{\\"location\\": \\"NYC\\"}</function>"}}"""),
                        ErrorTaxonomy.OUTPUT_VALIDATION_FAILED, "tool_use_failed",
                        "<function=get_weather>{\"location\": \"NYC\"}</function>"),
                Arguments.of("model_decommissioned", WireMockAnswers.json(400, GroqBodies.error("invalid_request_error",
                        "model_decommissioned", "The model `mixtral-8x7b-32768` has been decommissioned and is no"
                                + " longer supported.")), ErrorTaxonomy.MODEL_NOT_FOUND, "model_decommissioned", null),
                Arguments.of("model_not_found", WireMockAnswers.json(404, GroqBodies.error("invalid_request_error",
                        "model_not_found", "The model `llama-9` does not exist or you do not have access to it.")),
                        ErrorTaxonomy.MODEL_NOT_FOUND, "model_not_found", null),
                Arguments.of("413 request too large", WireMockAnswers.json(413, GroqBodies.error("tokens", "rate_limit_exceeded",
                        "Request too large for model `llama-3.1-8b-instant` in organization `org_01` service tier"
                                + " `on_demand` on tokens per minute (TPM): Limit 6000, Requested 12000, please reduce"
                                + " your message size and try again.")),
                        ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED, "rate_limit_exceeded", null),
                Arguments.of("context_length_exceeded", WireMockAnswers.json(400, GroqBodies.error("invalid_request_error",
                        "context_length_exceeded", "Please reduce the length of the messages or completion.")),
                        ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED, "context_length_exceeded", null),
                Arguments.of("401 invalid key", WireMockAnswers.json(401, GroqBodies.error("invalid_request_error",
                        "invalid_api_key", "Invalid API Key")), ErrorTaxonomy.AUTHENTICATION, "invalid_api_key", null),
                Arguments.of("403 permission", WireMockAnswers.json(403, GroqBodies.error("permissions_error", null,
                        "Forbidden")), ErrorTaxonomy.PERMISSION_DENIED, null, null),
                Arguments.of("400 unknown field", WireMockAnswers.json(400, """
                        {"error":{"message":"property 'foo' is unsupported, did you mean 'top_p'?",\
                        "type":"invalid_request_error"}}"""), ErrorTaxonomy.INVALID_REQUEST, null, null),
                Arguments.of("HTML 502 from the gateway", aResponse().withStatus(502)
                        .withHeader("Content-Type", "text/html").withBody("<html><head><title>502 Bad Gateway</title>"
                                + "</head><body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare"
                                + "</center></body></html>"), ErrorTaxonomy.SERVER_ERROR, null, null),
                Arguments.of("500 internal error", WireMockAnswers.json(500, GroqBodies.error("internal_server_error", null,
                        "Internal Server Error")), ErrorTaxonomy.SERVER_ERROR, null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groqErrors")
    void mapsEachGroqErrorToItsCategory(String name, ResponseDefinitionBuilder answer, ErrorTaxonomy category,
                                        String code, String failedGeneration) {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(answer));

        LlmException error = failure(provider(RetryPolicy.none()));

        assertThat(error.category()).isEqualTo(category);
        assertThat(error.provider()).isEqualTo("groq");
        assertThat(error.errorCode()).isEqualTo(code);
        assertThat(error.failedGeneration()).isEqualTo(failedGeneration);
        assertThat(error.getMessage()).doesNotContain(KEY).doesNotContain("<html").doesNotContain("<body");
        assertThat(error.attempts()).hasSize(1);
    }

    @Test
    void keepsTheHtmlPageTitleButNotThePage() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(aResponse().withStatus(502).withHeader("Content-Type",
                "text/html").withBody("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
                + "<body>upstream connect error</body></html>")));

        LlmException error = failure(provider(RetryPolicy.none()));

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.getMessage()).contains("502 Bad Gateway").doesNotContain("upstream connect error");
    }

    @Test
    void mapsA429WithRetryAfterAndGoDurationRateLimitHeaders() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(429, GroqBodies.error("tokens",
                        "rate_limit_exceeded", "Rate limit reached for model `llama-3.3-70b-versatile` in organization"
                                + " `org_01` service tier `on_demand` on tokens per minute (TPM): Limit 12000, Used"
                                + " 11970, Requested 230. Please try again in 1s."))
                .withHeader("retry-after", "2")
                .withHeader("x-request-id", "req_01ratelimited")
                .withHeader("x-ratelimit-limit-requests", "14400")
                .withHeader("x-ratelimit-limit-tokens", "12000")
                .withHeader("x-ratelimit-remaining-requests", "14370")
                .withHeader("x-ratelimit-remaining-tokens", "0")
                .withHeader("x-ratelimit-reset-requests", "2m59.56s")
                .withHeader("x-ratelimit-reset-tokens", "7.66s")));

        LlmException error = failure(provider(RetryPolicy.none()));

        assertThat(error).isInstanceOf(RateLimitedException.class);
        assertThat(((RateLimitedException) error).isQuotaExhausted()).isFalse();
        assertThat(error.category()).isEqualTo(ErrorTaxonomy.RATE_LIMITED);
        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(error.requestId()).isEqualTo("req_01ratelimited");
        assertThat(error.errorType()).isEqualTo("tokens");
        assertThat(error.rateLimit()).isEqualTo(new RateLimitSnapshot(14400L, 14370L, Duration.ofMillis(179_560),
                12000L, 0L, Duration.ofMillis(7_660)));
    }

    @Test
    void waitsForTheTokenWindowResetWhenA429HasNoRetryAfter() {
        groq.stubFor(post(urlEqualTo(CHAT)).inScenario("reset").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(WireMockAnswers.json(429, GroqBodies.error("tokens", "rate_limit_exceeded", "Rate limit reached"))
                        .withHeader("x-ratelimit-remaining-tokens", "0")
                        .withHeader("x-ratelimit-reset-tokens", "330ms"))
                .willSetStateTo("ok"));
        groq.stubFor(post(urlEqualTo(CHAT)).inScenario("reset").whenScenarioStateIs("ok")
                .willReturn(WireMockAnswers.json(GroqBodies.BASIC)));

        ChatResponse response = provider(RetryPolicy.defaults()).chat(ChatRequest.of(null, "hello"));

        assertThat(sleeper.delays()).containsExactly(Duration.ofMillis(330));
        assertThat(response.attempts()).extracting(Attempt::error)
                .containsExactly(ErrorTaxonomy.RATE_LIMITED, null);
    }

    @Test
    void retriesA429AfterTheDelayTheServerAskedForThenSucceeds() {
        groq.stubFor(post(urlEqualTo(CHAT)).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(WireMockAnswers.json(429, GroqBodies.error("requests", "rate_limit_exceeded", "Rate limit reached"))
                        .withHeader("retry-after", "2"))
                .willSetStateTo("ok"));
        groq.stubFor(post(urlEqualTo(CHAT)).inScenario("429").whenScenarioStateIs("ok")
                .willReturn(WireMockAnswers.json(GroqBodies.BASIC)));

        ChatResponse response = provider(RetryPolicy.defaults()).chat(ChatRequest.of(null, "hello"));

        assertThat(response.content()).isNotNull();
        assertThat(sleeper.delays()).containsExactly(Duration.ofSeconds(2));
        groq.verify(2, postRequestedFor(urlEqualTo(CHAT)));
    }

    @Test
    void failsAtOnceWhenTheServerAsksForAWaitBeyondTheDeadline() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(429, GroqBodies.error("requests",
                "rate_limit_exceeded", "Rate limit reached for requests per day (RPD)")).withHeader("retry-after",
                "86400")));

        LlmException error = failure(provider(RetryPolicy.defaults()));

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.RATE_LIMITED);
        assertThat(sleeper.delays()).isEmpty();
        groq.verify(1, postRequestedFor(urlEqualTo(CHAT)));
    }

    @Test
    void retriesCapacityErrorsUpToTheBudget() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(498, GroqBodies.error("service_unavailable",
                "capacity_exceeded", "Flex tier capacity exceeded."))));

        LlmException error = failure(provider(RetryPolicy.defaults()));

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.OVERLOADED);
        assertThat(error.attempts()).hasSize(3);
        assertThat(sleeper.delays()).hasSize(2);
        groq.verify(3, postRequestedFor(urlEqualTo(CHAT)));
    }

    static Stream<Arguments> neverRetried() {
        return Stream.of(
                Arguments.of("413 request too large", 413, GroqBodies.error("tokens", "rate_limit_exceeded",
                        "Request too large for model")),
                Arguments.of("model_decommissioned", 400, GroqBodies.error("invalid_request_error",
                        "model_decommissioned", "decommissioned")),
                Arguments.of("401", 401, GroqBodies.error("invalid_request_error", "invalid_api_key",
                        "Invalid API Key")),
                Arguments.of("400", 400, GroqBodies.error("invalid_request_error", null, "bad request")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("neverRetried")
    void neverRetriesFailuresThatWaitingCannotFix(String name, int status, String body) {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(status, body)));

        failure(provider(RetryPolicy.defaults()));

        assertThat(sleeper.delays()).isEmpty();
        groq.verify(1, postRequestedFor(urlEqualTo(CHAT)));
    }

    @Test
    void retriesOutputValidationFailuresWithinTheBudget() {
        groq.stubFor(post(urlEqualTo(CHAT)).inScenario("json").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(WireMockAnswers.json(400, GroqBodies.error("invalid_request_error", "json_validate_failed",
                        "Failed to generate JSON.")))
                .willSetStateTo("ok"));
        groq.stubFor(post(urlEqualTo(CHAT)).inScenario("json").whenScenarioStateIs("ok")
                .willReturn(WireMockAnswers.json(GroqBodies.JSON_MODE)));

        ChatResponse response = provider(RetryPolicy.defaults()).chat(ChatRequest.builder()
                .addUserMessage("JSON please").responseFormat(dev.multillm.core.ResponseFormat.jsonObject()).build());

        assertThat(response.attempts()).extracting(Attempt::error)
                .containsExactly(ErrorTaxonomy.OUTPUT_VALIDATION_FAILED, null);
    }

    @Test
    void treatsAnErrorObjectInA200BodyAsAnError() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(GroqBodies.error("invalid_request_error",
                "model_decommissioned", "decommissioned"))));

        LlmException error = failure(provider(RetryPolicy.none()));

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.MODEL_NOT_FOUND);
    }
}
