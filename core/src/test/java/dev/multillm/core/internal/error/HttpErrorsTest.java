package dev.multillm.core.internal.error;

import static dev.multillm.core.internal.error.RetryAfterTest.headers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.ApiKey;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.LlmTimeoutException;
import dev.multillm.core.RateLimitSnapshot;
import dev.multillm.core.RateLimitedException;
import dev.multillm.core.TimeoutPhase;
import jakarta.json.Json;
import java.io.StringReader;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class HttpErrorsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final String CANARY = "gsk_CANARY0123456789abcdef";
    private static final ApiKey KEY = ApiKey.of(CANARY + "\n");

    private static LlmException fromResponse(int status, String body) {
        return HttpErrors.fromResponse("groq", status, headers(), body, KEY, CLOCK);
    }

    /** Error bodies as Groq, OpenAI and compatible servers send them, with the category each must get. */
    static Stream<Arguments> realErrorBodies() {
        return Stream.of(
                Arguments.of("OpenAI 429 insufficient_quota", 429, """
                        {"error":{"message":"You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""",
                        ErrorTaxonomy.QUOTA_EXHAUSTED, "insufficient_quota"),
                Arguments.of("OpenAI 429 rate_limit_exceeded", 429, """
                        {"error":{"message":"Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Used 29500, Requested 1200. Please try again in 1.4s. Visit https://platform.openai.com/account/rate-limits to learn more.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}""",
                        ErrorTaxonomy.RATE_LIMITED, "rate_limit_exceeded"),
                Arguments.of("Groq 429 rate_limit_exceeded", 429, """
                        {"error":{"message":"Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_01abc` service tier `on_demand` on tokens per minute (TPM): Limit 6000, Used 5800, Requested 500. Please try again in 7.66s. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing","type":"tokens","code":"rate_limit_exceeded"}}""",
                        ErrorTaxonomy.RATE_LIMITED, "rate_limit_exceeded"),
                Arguments.of("OpenAI 401 invalid_api_key", 401, """
                        {"error":{"message":"Incorrect API key provided: sk-proj-****************************abcd. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""",
                        ErrorTaxonomy.AUTHENTICATION, "invalid_api_key"),
                Arguments.of("Groq 401 invalid_api_key", 401, """
                        {"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}}""",
                        ErrorTaxonomy.AUTHENTICATION, "invalid_api_key"),
                Arguments.of("OpenAI 403 unsupported region", 403, """
                        {"error":{"message":"Country, region, or territory not supported","type":"request_forbidden","param":null,"code":"unsupported_country_region_territory"}}""",
                        ErrorTaxonomy.PERMISSION_DENIED, "unsupported_country_region_territory"),
                Arguments.of("Groq 403 forbidden", 403, """
                        {"error":{"message":"Forbidden","type":"permission_error"}}""",
                        ErrorTaxonomy.PERMISSION_DENIED, null),
                Arguments.of("OpenAI 403 project without model access", 403, """
                        {"error":{"message":"Project `proj_abc` does not have access to model `gpt-4o`","type":"invalid_request_error","param":null,"code":"model_not_found"}}""",
                        ErrorTaxonomy.MODEL_NOT_FOUND, "model_not_found"),
                Arguments.of("OpenAI 404 model_not_found", 404, """
                        {"error":{"message":"The model `gpt-9` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}""",
                        ErrorTaxonomy.MODEL_NOT_FOUND, "model_not_found"),
                Arguments.of("Groq 404 model_not_found", 404, """
                        {"error":{"message":"The model `llama-9` does not exist or you do not have access to it.","type":"invalid_request_error","code":"model_not_found"}}""",
                        ErrorTaxonomy.MODEL_NOT_FOUND, "model_not_found"),
                Arguments.of("Groq 404 model_decommissioned", 404, """
                        {"error":{"message":"The model `mixtral-8x7b-32768` has been decommissioned and is no longer supported. Please refer to https://console.groq.com/docs/deprecations for a recommendation on which model to use instead.","type":"invalid_request_error","code":"model_decommissioned"}}""",
                        ErrorTaxonomy.MODEL_NOT_FOUND, "model_decommissioned"),
                Arguments.of("Groq 400 model_decommissioned", 400, """
                        {"error":{"message":"The model `gemma-7b-it` has been decommissioned and is no longer supported.","type":"invalid_request_error","code":"model_decommissioned"}}""",
                        ErrorTaxonomy.MODEL_NOT_FOUND, "model_decommissioned"),
                Arguments.of("OpenAI 400 context_length_exceeded", 400, """
                        {"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}""",
                        ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED, "context_length_exceeded"),
                Arguments.of("Groq 413 request too large (rate_limit_exceeded code)", 413, """
                        {"error":{"message":"Request too large for model `llama-3.1-8b-instant` in organization `org_01abc` service tier `on_demand` on tokens per minute (TPM): Limit 6000, Requested 12328, please reduce your message size and try again.","type":"tokens","code":"rate_limit_exceeded"}}""",
                        ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED, "rate_limit_exceeded"),
                Arguments.of("Groq 413 request_too_large", 413, """
                        {"error":{"message":"Request Entity Too Large","type":"invalid_request_error","code":"request_too_large"}}""",
                        ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED, "request_too_large"),
                Arguments.of("Groq 400 json_validate_failed", 400, """
                        {"error":{"message":"Failed to generate JSON. Please adjust your prompt. See 'failed_generation' for more details.","type":"invalid_request_error","code":"json_validate_failed","failed_generation":"{\\"name\\": \\"Ada\\", \\"age\\": }"}}""",
                        ErrorTaxonomy.OUTPUT_VALIDATION_FAILED, "json_validate_failed"),
                Arguments.of("Groq 400 tool_use_failed", 400, """
                        {"error":{"message":"Failed to call a function. Please adjust your prompt. See 'failed_generation' for more details.","type":"invalid_request_error","code":"tool_use_failed","failed_generation":"<function=get_weather{\\"city\\": \\"Paris\\"}</function>"}}""",
                        ErrorTaxonomy.OUTPUT_VALIDATION_FAILED, "tool_use_failed"),
                Arguments.of("OpenAI 400 unsupported_parameter", 400, """
                        {"error":{"message":"Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.","type":"invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}}""",
                        ErrorTaxonomy.INVALID_REQUEST, "unsupported_parameter"),
                Arguments.of("OpenAI 400 unsupported_value", 400, """
                        {"error":{"message":"Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.","type":"invalid_request_error","param":"temperature","code":"unsupported_value"}}""",
                        ErrorTaxonomy.INVALID_REQUEST, "unsupported_value"),
                Arguments.of("OpenAI 400 content_policy_violation", 400, """
                        {"error":{"message":"Your request was rejected as a result of our safety system.","type":"invalid_request_error","param":null,"code":"content_policy_violation"}}""",
                        ErrorTaxonomy.CONTENT_FILTERED, "content_policy_violation"),
                Arguments.of("Azure OpenAI 400 content_filter", 400, """
                        {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400}}""",
                        ErrorTaxonomy.CONTENT_FILTERED, "content_filter"),
                Arguments.of("Groq 498 capacity_exceeded", 498, """
                        {"error":{"message":"Flex tier capacity exceeded. This is a known issue and we are working on it. Please try again later.","type":"service_unavailable","code":"capacity_exceeded"}}""",
                        ErrorTaxonomy.OVERLOADED, "capacity_exceeded"),
                Arguments.of("OpenAI 503 server_is_overloaded", 503, """
                        {"error":{"message":"The server is overloaded or not ready yet.","type":"server_error","param":null,"code":"server_is_overloaded"}}""",
                        ErrorTaxonomy.OVERLOADED, "server_is_overloaded"),
                Arguments.of("Groq 503 without code", 503, """
                        {"error":{"message":"Service Unavailable","type":"internal_server_error"}}""",
                        ErrorTaxonomy.OVERLOADED, null),
                Arguments.of("OpenAI 500 server_error", 500, """
                        {"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}""",
                        ErrorTaxonomy.SERVER_ERROR, null),
                Arguments.of("gateway 502 HTML page", 502, """
                        <html>\r
                        <head><title>502 Bad Gateway</title></head>\r
                        <body>\r
                        <center><h1>502 Bad Gateway</h1></center>\r
                        <hr><center>cloudflare</center>\r
                        </body>\r
                        </html>\r
                        """,
                        ErrorTaxonomy.SERVER_ERROR, null),
                Arguments.of("504 plain text from a proxy", 504, "upstream request timeout",
                        ErrorTaxonomy.SERVER_ERROR, null),
                Arguments.of("Anthropic-compatible 529 overloaded_error", 529, """
                        {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""",
                        ErrorTaxonomy.OVERLOADED, null),
                Arguments.of("Ollama 404 string error", 404, """
                        {"error":"model \\"llama9\\" not found, try pulling it first"}""",
                        ErrorTaxonomy.MODEL_NOT_FOUND, null),
                Arguments.of("400 string error", 400, """
                        {"error":"invalid character 'x' looking for beginning of value"}""",
                        ErrorTaxonomy.INVALID_REQUEST, null),
                Arguments.of("500 empty body", 500, "", ErrorTaxonomy.SERVER_ERROR, null),
                Arguments.of("429 empty body", 429, null, ErrorTaxonomy.RATE_LIMITED, null),
                Arguments.of("FastAPI 422 detail list", 422, """
                        {"detail":[{"type":"missing","loc":["body","messages"],"msg":"Field required","input":null}]}""",
                        ErrorTaxonomy.INVALID_REQUEST, null),
                Arguments.of("vLLM 400 detail string", 400, """
                        {"detail":"Model does not support tool calls"}""",
                        ErrorTaxonomy.INVALID_REQUEST, null),
                Arguments.of("vLLM 404 top-level object", 404, """
                        {"object":"error","message":"The model `foo` does not exist.","type":"NotFoundError","param":null,"code":404}""",
                        ErrorTaxonomy.MODEL_NOT_FOUND, "404"),
                Arguments.of("OpenRouter 402 credits", 402, """
                        {"error":{"message":"Insufficient credits. Add more using https://openrouter.ai/credits","code":402}}""",
                        ErrorTaxonomy.QUOTA_EXHAUSTED, "402"),
                Arguments.of("409 conflict", 409, """
                        {"error":{"message":"Conflict","type":"invalid_request_error","code":null}}""",
                        ErrorTaxonomy.SERVER_ERROR, null),
                Arguments.of("Cloudflare 520 HTML", 520, "<!DOCTYPE html><html><head><title>api.example.com | 520: Web server is returning an unknown error</title></head></html>",
                        ErrorTaxonomy.SERVER_ERROR, null),
                Arguments.of("418 text", 418, "I'm a teapot", ErrorTaxonomy.UNKNOWN, null));
    }

    @ParameterizedTest(name = "{0} is {3}")
    @MethodSource("realErrorBodies")
    void classifiesRealErrorBodies(String description, int status, String body, ErrorTaxonomy category,
                                   String code) {
        LlmException error = fromResponse(status, body);

        assertThat(error.category()).isEqualTo(category);
        assertThat(error.status()).isEqualTo(status);
        assertThat(error.provider()).isEqualTo("groq");
        assertThat(error.errorCode()).isEqualTo(code);
        assertThat(error.upstreamMessage()).isNotBlank().hasSizeLessThanOrEqualTo(HttpErrors.MESSAGE_LIMIT);
        assertThat(error.getMessage()).startsWith(category.name() + " from groq (HTTP " + status + ")");
    }

    @Test
    void mapsInsufficientQuotaToQuotaExhausted() {
        LlmException error = fromResponse(429, """
                {"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""");

        assertThat(error).isInstanceOf(RateLimitedException.class);
        assertThat(((RateLimitedException) error).isQuotaExhausted()).isTrue();
        assertThat(error.category().retryable()).isFalse();
    }

    @Test
    void carriesFailedGenerationOfJsonValidateFailed() {
        LlmException error = fromResponse(400, """
                {"error":{"message":"Failed to generate JSON. Please adjust your prompt. See 'failed_generation' for more details.","type":"invalid_request_error","code":"json_validate_failed","failed_generation":"{\\"name\\": \\"Ada\\",\\n \\"age\\": }"}}""");

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.OUTPUT_VALIDATION_FAILED);
        assertThat(error.failedGeneration()).isEqualTo("{\"name\": \"Ada\",\n \"age\": }");
        assertThat(error.errorType()).isEqualTo("invalid_request_error");
        assertThat(error.upstreamMessage())
                .isEqualTo("Failed to generate JSON. Please adjust your prompt. See 'failed_generation' for more details.");
    }

    @Test
    void carriesTheParamTheUpstreamBlamed() {
        LlmException error = fromResponse(400, """
                {"error":{"message":"Unsupported parameter: 'max_tokens' is not supported with this model.","type":"invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}}""");

        assertThat(error.param()).isEqualTo("max_tokens");
        assertThat(error.getMessage()).isEqualTo("INVALID_REQUEST from groq (HTTP 400): Unsupported parameter: "
                + "'max_tokens' is not supported with this model. [code=unsupported_parameter]");
    }

    @Test
    void describesAnHtmlPageWithoutCopyingIt() {
        LlmException error = fromResponse(502, "<html><head><title>502 Bad Gateway</title></head><body>"
                + "<script>var x = 1;</script>".repeat(100) + "</body></html>");

        assertThat(error.upstreamMessage()).isEqualTo("HTML error page: 502 Bad Gateway");
        assertThat(error.getMessage()).isEqualTo("SERVER_ERROR from groq (HTTP 502): HTML error page: 502 Bad Gateway");
    }

    @Test
    void describesAnEmptyBody() {
        assertThat(fromResponse(500, "").upstreamMessage()).isEqualTo("empty error body");
    }

    @Test
    void readsTheRequestIdFromXRequestId() {
        LlmException error = HttpErrors.fromResponse("groq", 500,
                headers("x-request-id", "req_01jbd6g2qdfw2adyrt2az8hz4w", "request-id", "other"), "", KEY, CLOCK);

        assertThat(error.requestId()).isEqualTo("req_01jbd6g2qdfw2adyrt2az8hz4w");
        assertThat(error.getMessage()).endsWith("[request req_01jbd6g2qdfw2adyrt2az8hz4w]");
    }

    @Test
    void fallsBackToRequestIdHeaderAndElseNull() {
        assertThat(HttpErrors.fromResponse("x", 500, headers("request-id", "abc"), "", null, CLOCK).requestId())
                .isEqualTo("abc");
        assertThat(HttpErrors.fromResponse("x", 500, headers(), "", null, CLOCK).requestId()).isNull();
        assertThat(HttpErrors.fromResponse("x", 500, null, null, null, null).requestId()).isNull();
    }

    @Test
    void mapsRetryAfterHeaderOnRateLimit() {
        LlmException error = HttpErrors.fromResponse("groq", 429, headers("retry-after", "2",
                "x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "7.66s"), """
                {"error":{"message":"Rate limit reached","type":"tokens","code":"rate_limit_exceeded"}}""", KEY, CLOCK);

        assertThat(error).isInstanceOf(RateLimitedException.class);
        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(error.getMessage()).contains("[retry after 2000 ms]");
    }

    @Test
    void usesTheResetOfTheExhaustedLimitWhenNoRetryAfterIsSent() {
        LlmException error = HttpErrors.fromResponse("groq", 429, headers(
                "x-ratelimit-limit-requests", "14400", "x-ratelimit-remaining-requests", "14370",
                "x-ratelimit-reset-requests", "2m59.56s",
                "x-ratelimit-limit-tokens", "6000", "x-ratelimit-remaining-tokens", "0",
                "x-ratelimit-reset-tokens", "7.66s"), """
                {"error":{"message":"Rate limit reached","type":"tokens","code":"rate_limit_exceeded"}}""", KEY, CLOCK);

        assertThat(error.retryAfter()).isEqualTo(Duration.ofMillis(7_660));
        assertThat(error.rateLimit()).isEqualTo(new RateLimitSnapshot(14400L, 14370L, Duration.ofMillis(179_560),
                6000L, 0L, Duration.ofMillis(7_660)));
    }

    @Test
    void usesTheLongerResetWhenBothLimitsRanOut() {
        LlmException error = HttpErrors.fromResponse("openai", 429, headers(
                "x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "20s",
                "x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "6ms"), "", null, CLOCK);

        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void guessesNoRetryAfterWhenNoLimitIsKnownToHaveRunOut() {
        LlmException error = HttpErrors.fromResponse("openai", 429, headers(
                "x-ratelimit-remaining-requests", "5", "x-ratelimit-reset-requests", "20s"), "", null, CLOCK);

        assertThat(error.retryAfter()).isNull();
        assertThat(error.rateLimit().remainingRequests()).isEqualTo(5L);
    }

    @Test
    void keepsRetryAfterMsOnOverload() {
        LlmException error = HttpErrors.fromResponse("openai", 503, headers("retry-after-ms", "250"), "", null, CLOCK);

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.OVERLOADED);
        assertThat(error.retryAfter()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void readsAnHttpDateRetryAfterAgainstTheClock() {
        LlmException error = HttpErrors.fromResponse("openai", 429,
                headers("retry-after", "Wed, 01 Jan 2025 00:00:30 GMT"), "", null, CLOCK);

        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void mapsA408ToATimeoutBeforeTheFirstToken() {
        LlmException error = fromResponse(408, "");

        assertThat(error).isInstanceOf(LlmTimeoutException.class);
        assertThat(((LlmTimeoutException) error).phase()).isEqualTo(TimeoutPhase.FIRST_TOKEN);
    }

    @Test
    void cutsALongUpstreamMessageToFiveHundredCharacters() {
        String longMessage = "word ".repeat(1000);
        LlmException error = fromResponse(400, "{\"error\":{\"message\":\"" + longMessage + "\",\"code\":\"x\"}}");

        assertThat(error.upstreamMessage()).hasSize(500).endsWith("\u2026").startsWith("word word");
    }

    @Test
    void collapsesWhitespaceOfTheUpstreamMessage() {
        LlmException error = fromResponse(400, "{\"error\":{\"message\":\"line one\\n\\n   line\\ttwo \"}}");

        assertThat(error.upstreamMessage()).isEqualTo("line one line two");
    }

    // ---- secrets ----

    private static void assertNoCanary(LlmException error) {
        assertThat(error.getMessage()).doesNotContain("CANARY");
        assertThat(error.toString()).doesNotContain("CANARY");
        if (error.upstreamMessage() != null) {
            assertThat(error.upstreamMessage()).doesNotContain("CANARY");
        }
        for (String field : new String[] {error.errorCode(), error.errorType(), error.param(), error.requestId(),
                error.failedGeneration()}) {
            if (field != null) {
                assertThat(field).doesNotContain("CANARY");
            }
        }
    }

    @Test
    void scrubsTheKeyAndBearerTokensEchoedByTheUpstream() {
        LlmException error = fromResponse(401, """
                {"error":{"message":"Incorrect API key provided: gsk_CANARY0123456789abcdef. Header was 'Authorization: Bearer sk-CANARY9876543210zyxw'.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""");

        assertNoCanary(error);
        assertThat(error.upstreamMessage())
                .isEqualTo("Incorrect API key provided: ***. Header was 'Authorization: Bearer ***");
        assertThat(error.category()).isEqualTo(ErrorTaxonomy.AUTHENTICATION);
    }

    @ParameterizedTest(name = "[{index}] scrubs {0}")
    @ValueSource(strings = {
            "{\"error\":{\"message\":\"bad key gsk_CANARY0123456789abcdef\",\"code\":\"gsk_CANARY0123456789abcdef\",\"type\":\"gsk_CANARY0123456789abcdef\",\"param\":\"gsk_CANARY0123456789abcdef\",\"failed_generation\":\"the key is gsk_CANARY0123456789abcdef\"}}",
            "{\"error\":\"Authorization: Bearer sk-CANARY9876543210zyxw rejected\"}",
            "{\"detail\":\"authorization=sk-CANARY9876543210zyxw\"}",
            "<html><head><title>Denied for gsk_CANARY0123456789abcdef</title></head></html>",
            "not json at all, key=gsk_CANARY0123456789abcdef",
            "{\"error\":{\"message\":\"bearer   sk-CANARY9876543210zyxw\"}}",
    })
    void scrubsSecretsFromEveryShapeOfBody(String body) {
        assertNoCanary(HttpErrors.fromResponse("groq", 401, headers(), body, KEY, CLOCK));
    }

    @Test
    void neverLeavesHalfAKeyWhenCuttingABodyThatIsNotJson() {
        String body = "x".repeat(190) + CANARY + " trailing text";

        LlmException error = fromResponse(502, body);

        assertNoCanary(error);
        assertThat(error.upstreamMessage()).doesNotContain("gsk_").isEqualTo("x".repeat(190) + "*** traili");
    }

    @Test
    void scrubsAKeyThatTheUpstreamPutInTheRequestIdHeader() {
        LlmException error = HttpErrors.fromResponse("groq", 500, headers("x-request-id", CANARY), "", KEY, CLOCK);

        assertNoCanary(error);
        assertThat(error.requestId()).isEqualTo("***");
    }

    @Test
    void scrubsTheValueOfAnAuthorizationTextWhateverItsScheme() {
        assertThat(HttpErrors.scrub("Authorization: Basic c2stQ0FOQVJZOnBhc3M= was rejected", null))
                .isEqualTo("Authorization: *** was rejected");
        assertThat(HttpErrors.scrub("{\"authorization\": \"sk-CANARY9876543210zyxw\"}", null))
                .isEqualTo("{\"authorization\": \"***");
        assertThat(HttpErrors.scrub("sent Authorization: Bearer sk-CANARY9876543210zyxw", null))
                .isEqualTo("sent Authorization: Bearer ***");
    }

    @Test
    void scrubLeavesOrdinaryTextAlone() {
        assertThat(HttpErrors.scrub("Rate limit reached for tokens; Basic tier; authorization failed", KEY))
                .isEqualTo("Rate limit reached for tokens; Basic tier; authorization failed");
        assertThat(HttpErrors.scrub(null, KEY)).isNull();
    }

    // ---- errors inside a 200 stream ----

    private static ErrorBody streamError(String chunk) {
        try (var reader = Json.createReader(new StringReader(chunk))) {
            return ErrorBodyParser.fromJson(reader.readObject());
        }
    }

    @Test
    void classifiesAServerErrorInsideAStream() {
        LlmException error = HttpErrors.fromStreamError("openai", streamError(
                "{\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}"),
                "req_123", null);

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.SERVER_ERROR);
        assertThat(error.status()).isNull();
        assertThat(error.requestId()).isEqualTo("req_123");
        assertThat(error.getMessage()).isEqualTo("SERVER_ERROR from openai: The server had an error while "
                + "processing your request. [request req_123]");
    }

    @Test
    void classifiesACapacityErrorInsideAStreamAsOverloaded() {
        LlmException error = HttpErrors.fromStreamError("groq", streamError(
                "{\"id\":\"chatcmpl-1\",\"choices\":[],\"x_groq\":{\"id\":\"req_01abc\",\"error\":{\"message\":\"over capacity\",\"code\":\"capacity_exceeded\"}}}"),
                "req_01abc", KEY);

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.OVERLOADED);
        assertThat(error.category().retryable()).isTrue();
        assertThat(error.errorCode()).isEqualTo("capacity_exceeded");
    }

    @Test
    void classifiesARateLimitInsideAStream() {
        LlmException error = HttpErrors.fromStreamError("groq", streamError(
                "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}"),
                null, KEY);

        assertThat(error).isInstanceOf(RateLimitedException.class);
        assertThat(error.category()).isEqualTo(ErrorTaxonomy.RATE_LIMITED);
    }

    @Test
    void classifiesAnOutputValidationErrorInsideAStreamWithItsFailedGeneration() {
        LlmException error = HttpErrors.fromStreamError("groq", streamError(
                "{\"error\":{\"message\":\"Failed to call a function.\",\"type\":\"invalid_request_error\",\"code\":\"tool_use_failed\",\"failed_generation\":\"<function=f{}>\"}}"),
                null, KEY);

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.OUTPUT_VALIDATION_FAILED);
        assertThat(error.failedGeneration()).isEqualTo("<function=f{}>");
    }

    @Test
    void classifiesAStreamErrorWithoutCodeOrTypeAsARetryableServerError() {
        assertThat(HttpErrors.fromStreamError("groq", streamError("{\"error\":\"something broke\"}"), null, KEY)
                .category()).isEqualTo(ErrorTaxonomy.SERVER_ERROR);
        LlmException none = HttpErrors.fromStreamError("groq", null, null, null);
        assertThat(none.category()).isEqualTo(ErrorTaxonomy.SERVER_ERROR);
        assertThat(none.getMessage()).isEqualTo("SERVER_ERROR from groq");
    }

    @Test
    void readsANumericStatusCodeInsideAStream() {
        assertThat(HttpErrors.fromStreamError("openrouter",
                streamError("{\"error\":{\"code\":502,\"message\":\"Provider returned error\"}}"), null, null).category())
                .isEqualTo(ErrorTaxonomy.SERVER_ERROR);
    }

    @Test
    void scrubsSecretsFromAStreamError() {
        LlmException error = HttpErrors.fromStreamError("groq", new ErrorBody(
                "key gsk_CANARY0123456789abcdef and Bearer sk-CANARY9876543210zyxw", "gsk_CANARY0123456789abcdef",
                null, null, "gsk_CANARY0123456789abcdef"), CANARY, KEY);

        assertNoCanary(error);
        assertThat(error.upstreamMessage()).isEqualTo("key *** and Bearer ***");
    }

    @Test
    void acceptsHeadersWithManyValues() {
        HttpHeaders many = HttpHeaders.of(java.util.Map.of("retry-after", java.util.List.of("3", "9")), (a, b) -> true);

        assertThat(HttpErrors.fromResponse("x", 429, many, "", null, CLOCK).retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }
}
