package dev.multillm.openai;

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
 * OpenAI's (and compatible servers') error answers go through core's one error table; these tests
 * prove the real shapes land in the right categories and that retries follow the category.
 */
class OpenAiErrorsTest {
    static final String KEY = "sk-CANARY-errors-0123456789abcdefghij";
    static final String CHAT = "/v1/chat/completions";

    @RegisterExtension
    static WireMockExtension openai = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private final FakeClock clock = new FakeClock();
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private OpenAiChatProvider provider;

    private OpenAiChatProvider provider(RetryPolicy policy) {
        provider = OpenAiChatProvider.builder().apiKey(KEY).baseUrl("http://127.0.0.1:" + openai.getPort() + "/v1")
                .defaultModel(OpenAiBodies.MODEL).retryPolicy(policy).clock(clock).sleeper(sleeper)
                .random(() -> 0.5).environment(name -> null).build();
        return provider;
    }

    @AfterEach
    void close() {
        if (provider != null) {
            provider.close();
        }
    }

    private LlmException failure(RetryPolicy policy) {
        OpenAiChatProvider p = provider(policy);
        return catchThrowableOfType(LlmException.class, () -> p.chat(ChatRequest.of(null, "hello")));
    }

    private static void answer(ResponseDefinitionBuilder response) {
        openai.stubFor(post(urlEqualTo(CHAT)).willReturn(response));
    }

    static Stream<Arguments> openAiErrors() {
        return Stream.of(
                Arguments.of("insufficient_quota", WireMockAnswers.json(429, OpenAiBodies.error("insufficient_quota",
                        "insufficient_quota", null, "You exceeded your current quota, please check your plan and"
                                + " billing details.")), ErrorTaxonomy.QUOTA_EXHAUSTED, "insufficient_quota"),
                Arguments.of("credit_balance_exhausted", WireMockAnswers.json(429, OpenAiBodies.error("billing_error",
                        "credit_balance_exhausted", null, "Your credit balance is exhausted.")),
                        ErrorTaxonomy.QUOTA_EXHAUSTED, "credit_balance_exhausted"),
                Arguments.of("rate_limit_exceeded", WireMockAnswers.json(429, OpenAiBodies.error("tokens", "rate_limit_exceeded",
                        null, "Rate limit reached for gpt-4o-mini in organization org-abc on tokens per min (TPM):"
                                + " Limit 200000, Used 199000, Requested 2000. Please try again in 300ms.")),
                        ErrorTaxonomy.RATE_LIMITED, "rate_limit_exceeded"),
                Arguments.of("context_length_exceeded", WireMockAnswers.json(400, OpenAiBodies.error("invalid_request_error",
                        "context_length_exceeded", "messages", "This model's maximum context length is 128000"
                                + " tokens. However, your messages resulted in 130532 tokens.")),
                        ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED, "context_length_exceeded"),
                Arguments.of("unsupported_parameter", WireMockAnswers.json(400, OpenAiBodies.error("invalid_request_error",
                        "unsupported_parameter", "max_tokens", "Unsupported parameter: 'max_tokens' is not supported"
                                + " with this model. Use 'max_completion_tokens' instead.")),
                        ErrorTaxonomy.INVALID_REQUEST, "unsupported_parameter"),
                Arguments.of("unsupported_value", WireMockAnswers.json(400, OpenAiBodies.error("invalid_request_error",
                        "unsupported_value", "temperature", "Unsupported value: 'temperature' does not support 0.2"
                                + " with this model. Only the default (1) value is supported.")),
                        ErrorTaxonomy.INVALID_REQUEST, "unsupported_value"),
                Arguments.of("503 server_is_overloaded", WireMockAnswers.json(503, OpenAiBodies.error("server_error",
                        "server_is_overloaded", null, "The server is overloaded or not ready yet.")),
                        ErrorTaxonomy.OVERLOADED, "server_is_overloaded"),
                Arguments.of("invalid_api_key echoing the key", WireMockAnswers.json(401, OpenAiBodies.error(
                        "invalid_request_error", "invalid_api_key", null, "Incorrect API key provided: " + KEY
                                + ". You can find your API key at https://platform.openai.com/account/api-keys.")),
                        ErrorTaxonomy.AUTHENTICATION, "invalid_api_key"),
                Arguments.of("model_not_found", WireMockAnswers.json(404, OpenAiBodies.error("invalid_request_error",
                        "model_not_found", "model", "The model `gpt-9` does not exist or you do not have access to"
                                + " it.")), ErrorTaxonomy.MODEL_NOT_FOUND, "model_not_found"),
                Arguments.of("content_policy_violation", WireMockAnswers.json(400, OpenAiBodies.error("invalid_request_error",
                        "content_policy_violation", null, "Your request was rejected by the safety system.")),
                        ErrorTaxonomy.CONTENT_FILTERED, "content_policy_violation"),
                Arguments.of("a string error body (Ollama)", WireMockAnswers.json(404, """
                        {"error":"model \\"llama9\\" not found, try pulling it first"}"""),
                        ErrorTaxonomy.MODEL_NOT_FOUND, null),
                Arguments.of("vLLM's top-level error", WireMockAnswers.json(400, """
                        {"object":"error","message":"This model's maximum context length is 8192 tokens.",\
                        "type":"BadRequestError","param":null,"code":400}"""), ErrorTaxonomy.INVALID_REQUEST, "400"),
                Arguments.of("HTML 502 gateway page", aResponse().withStatus(502).withHeader("Content-Type",
                        "text/html").withBody("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                        + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>"
                        + "\r\n</html>\r\n"), ErrorTaxonomy.SERVER_ERROR, null),
                Arguments.of("HTML 504 gateway page", aResponse().withStatus(504).withHeader("Content-Type",
                        "text/html").withBody("<!DOCTYPE html><html><head><title>504 Gateway Time-out</title></head>"
                        + "<body>The gateway did not receive a timely response</body></html>"),
                        ErrorTaxonomy.SERVER_ERROR, null),
                Arguments.of("empty 500", aResponse().withStatus(500), ErrorTaxonomy.SERVER_ERROR, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("openAiErrors")
    void mapsEachErrorToItsCategory(String name, ResponseDefinitionBuilder response, ErrorTaxonomy category,
                                    String code) {
        answer(response);

        LlmException error = failure(RetryPolicy.none());

        assertThat(error.category()).isEqualTo(category);
        assertThat(error.provider()).isEqualTo("openai");
        assertThat(error.errorCode()).isEqualTo(code);
        assertThat(error.getMessage()).doesNotContain(KEY).doesNotContain("<html").doesNotContain("<body");
        assertThat(String.valueOf(error.upstreamMessage())).doesNotContain(KEY);
    }

    @Test
    void keepsTheParamTheServerBlamed() {
        answer(WireMockAnswers.json(400, OpenAiBodies.error("invalid_request_error", "unsupported_parameter", "max_tokens",
                "Unsupported parameter: 'max_tokens' is not supported with this model.")));

        assertThat(failure(RetryPolicy.none()).param()).isEqualTo("max_tokens");
    }

    @Test
    void keepsTheMessageOfAStringErrorBody() {
        answer(WireMockAnswers.json(404, "{\"error\":\"model 'llama9' not found, try pulling it first\"}"));

        assertThat(failure(RetryPolicy.none()).upstreamMessage()).contains("llama9");
    }

    static Stream<Arguments> quotaErrors() {
        return Stream.of(
                Arguments.of("insufficient_quota", OpenAiBodies.error("insufficient_quota", "insufficient_quota", null,
                        "You exceeded your current quota.")),
                Arguments.of("credit_balance_exhausted", OpenAiBodies.error("billing_error",
                        "credit_balance_exhausted", null, "Your credit balance is exhausted.")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("quotaErrors")
    void neverRetriesAnExhaustedQuota(String name, String body) {
        answer(WireMockAnswers.json(429, body).withHeader("retry-after", "1"));

        LlmException error = failure(RetryPolicy.defaults());

        assertThat(error).isInstanceOf(RateLimitedException.class);
        assertThat(((RateLimitedException) error).isQuotaExhausted()).isTrue();
        assertThat(sleeper.delays()).isEmpty();
        openai.verify(1, postRequestedFor(urlEqualTo(CHAT)));
    }

    @Test
    void retriesARateLimitAfterRetryAfterMs() {
        openai.stubFor(post(urlEqualTo(CHAT)).inScenario("rl").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(WireMockAnswers.json(429, OpenAiBodies.error("tokens", "rate_limit_exceeded", null,
                        "Rate limit reached")).withHeader("retry-after-ms", "1500").withHeader("retry-after", "2")
                        .withHeader("x-ratelimit-limit-requests", "10000")
                        .withHeader("x-ratelimit-remaining-requests", "9999")
                        .withHeader("x-ratelimit-reset-requests", "6ms")
                        .withHeader("x-ratelimit-limit-tokens", "200000")
                        .withHeader("x-ratelimit-remaining-tokens", "0")
                        .withHeader("x-ratelimit-reset-tokens", "1.5s"))
                .willSetStateTo("ok"));
        openai.stubFor(post(urlEqualTo(CHAT)).inScenario("rl").whenScenarioStateIs("ok")
                .willReturn(WireMockAnswers.json(OpenAiBodies.BASIC)));

        ChatResponse response = provider(RetryPolicy.defaults()).chat(ChatRequest.of(null, "hello"));

        assertThat(sleeper.delays()).containsExactly(Duration.ofMillis(1500));
        assertThat(response.attempts()).extracting(Attempt::error).containsExactly(ErrorTaxonomy.RATE_LIMITED, null);
        openai.verify(2, postRequestedFor(urlEqualTo(CHAT)));
    }

    @Test
    void anAlways429UpstreamReceivesExactlyTheConfiguredAttempts() {
        answer(WireMockAnswers.json(429, OpenAiBodies.error("requests", "rate_limit_exceeded", null, "Rate limit reached"))
                .withHeader("retry-after", "1"));

        LlmException error = failure(RetryPolicy.defaults().withMaxRetries(3));

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.RATE_LIMITED);
        assertThat(error.attempts()).hasSize(4);
        assertThat(sleeper.delays()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1));
        openai.verify(4, postRequestedFor(urlEqualTo(CHAT)));
    }

    @Test
    void retriesAnOverloadedServerWithBackoff() {
        openai.stubFor(post(urlEqualTo(CHAT)).inScenario("503").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(WireMockAnswers.json(503, OpenAiBodies.error("server_error", "server_is_overloaded", null,
                        "The server is overloaded or not ready yet.")))
                .willSetStateTo("ok"));
        openai.stubFor(post(urlEqualTo(CHAT)).inScenario("503").whenScenarioStateIs("ok")
                .willReturn(WireMockAnswers.json(OpenAiBodies.BASIC)));

        ChatResponse response = provider(RetryPolicy.defaults()).chat(ChatRequest.of(null, "hello"));

        assertThat(response.attempts()).extracting(Attempt::error).containsExactly(ErrorTaxonomy.OVERLOADED, null);
        assertThat(sleeper.delays()).containsExactly(Duration.ofMillis(250));
    }

    @Test
    void followsXShouldRetryFalse() {
        answer(WireMockAnswers.json(500, OpenAiBodies.error("server_error", null, null, "The server had an error."))
                .withHeader("x-should-retry", "false"));

        assertThat(failure(RetryPolicy.defaults()).category()).isEqualTo(ErrorTaxonomy.SERVER_ERROR);
        openai.verify(1, postRequestedFor(urlEqualTo(CHAT)));
    }

    static Stream<Arguments> neverRetried() {
        return Stream.of(
                Arguments.of("context_length_exceeded", 400, OpenAiBodies.error("invalid_request_error",
                        "context_length_exceeded", "messages", "too long")),
                Arguments.of("unsupported_parameter", 400, OpenAiBodies.error("invalid_request_error",
                        "unsupported_parameter", "max_tokens", "unsupported")),
                Arguments.of("401", 401, OpenAiBodies.error("invalid_request_error", "invalid_api_key", null,
                        "Incorrect API key provided")),
                Arguments.of("403", 403, OpenAiBodies.error("invalid_request_error", "unsupported_country_region_"
                        + "territory", null, "Country, region, or territory not supported")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("neverRetried")
    void neverRetriesWhatWaitingCannotFix(String name, int status, String body) {
        answer(WireMockAnswers.json(status, body));

        failure(RetryPolicy.defaults());

        assertThat(sleeper.delays()).isEmpty();
        openai.verify(1, postRequestedFor(urlEqualTo(CHAT)));
    }
}
