package dev.multillm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.testkit.FakeUpstream;
import dev.multillm.testkit.Reply;
import dev.multillm.testkit.SentenceDisplayNames;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every category an upstream can cause, as the contract's JSON error object, with exit status 1. */
@DisplayNameGeneration(SentenceDisplayNames.class)
class ErrorJsonTest {
    private FakeUpstream upstream;

    @BeforeEach
    void startUpstream() {
        upstream = FakeUpstream.start();
    }

    @AfterEach
    void stopUpstream() {
        upstream.close();
    }

    static Stream<Arguments> upstreamErrors() {
        return Stream.of(
                Arguments.of("openai", Cli.errorReply(401, "invalid_api_key", "invalid_request_error",
                        "Incorrect API key provided"), "AUTHENTICATION", 401, "invalid_api_key"),
                Arguments.of("openai", Cli.errorReply(403, null, "permission_error",
                        "You are not allowed to use this model"), "PERMISSION_DENIED", 403, null),
                Arguments.of("openai", Cli.errorReply(404, "model_not_found", "invalid_request_error",
                        "The model `gpt-9` does not exist"), "MODEL_NOT_FOUND", 404, "model_not_found"),
                Arguments.of("openai", Cli.errorReply(400, null, "invalid_request_error",
                        "'messages' must contain the word 'json'"), "INVALID_REQUEST", 400, null),
                Arguments.of("openai", Cli.errorReply(400, "context_length_exceeded", "invalid_request_error",
                        "This model's maximum context length is 8192 tokens"), "CONTEXT_LENGTH_EXCEEDED", 400,
                        "context_length_exceeded"),
                Arguments.of("groq", Cli.errorReply(413, "rate_limit_exceeded", "tokens",
                        "Request too large for model"), "CONTEXT_LENGTH_EXCEEDED", 413, "rate_limit_exceeded"),
                Arguments.of("openai", Cli.errorReply(400, "content_policy_violation", "invalid_request_error",
                        "Your request was rejected by the safety system"), "CONTENT_FILTERED", 400,
                        "content_policy_violation"),
                Arguments.of("groq", Reply.json(400, "{\"error\":{\"message\":\"Failed to validate JSON\","
                        + "\"type\":\"invalid_request_error\",\"code\":\"json_validate_failed\","
                        + "\"failed_generation\":\"{\\\"a\\\":\"}}"), "OUTPUT_VALIDATION_FAILED", 400,
                        "json_validate_failed"),
                Arguments.of("groq", Cli.errorReply(429, "rate_limit_exceeded", "tokens",
                        "Rate limit reached for model").header("retry-after", "7.66"), "RATE_LIMITED", 429,
                        "rate_limit_exceeded"),
                Arguments.of("openai", Cli.errorReply(429, "insufficient_quota", "insufficient_quota",
                        "You exceeded your current quota"), "QUOTA_EXHAUSTED", 429, "insufficient_quota"),
                Arguments.of("groq", Reply.json(503, "{\"error\":{\"message\":\"Service Unavailable\","
                        + "\"type\":\"internal_server_error\"}}"), "OVERLOADED", 503, null),
                Arguments.of("groq", Cli.errorReply(498, "capacity_exceeded", "internal_server_error",
                        "Flex tier capacity exceeded"), "OVERLOADED", 498, "capacity_exceeded"),
                Arguments.of("openai", Cli.errorReply(500, null, "server_error",
                        "The server had an error while processing your request"), "SERVER_ERROR", 500, null),
                Arguments.of("openai", Reply.text(200, "this is not JSON"), "INVALID_RESPONSE", 200, null),
                Arguments.of("openai", Reply.json(418, "{}"), "UNKNOWN", 418, null));
    }

    private String spec(String id) {
        return id + ",baseUrl=" + upstream.baseUrl() + ",maxRetries=0,model=m";
    }

    @ParameterizedTest(name = "{2} from {0} HTTP {3}")
    @MethodSource("upstreamErrors")
    void printsEachUpstreamFailureAsTheContractsErrorObject(String id, Reply reply, String category, Integer status,
                                                           String code) {
        upstream.enqueue(reply.header("x-request-id", "req_failed_1"));

        Cli.Run run = Cli.run("chat", "-p", spec(id), "--json", "hello");

        assertThat(run.status()).as(run.err()).isEqualTo(1);
        JsonObject json = run.json();
        assertThat(Cli.keys(json)).containsExactly("ok", "error", "attempts");
        assertThat(json.getBoolean("ok")).isFalse();
        JsonObject error = json.getJsonObject("error");
        assertThat(Cli.keys(error)).containsExactly("category", "provider", "status", "code", "retryAfterMs",
                "requestId", "message");
        assertThat(error.getString("category")).isEqualTo(category);
        assertThat(error.getString("provider")).isEqualTo(id);
        assertThat(error.get("status")).hasToString(String.valueOf(status));
        if (code == null) {
            assertThat(error.get("code")).isEqualTo(JsonValue.NULL);
        } else {
            assertThat(error.getString("code")).isEqualTo(code);
        }
        if (status != null) {
            assertThat(error.getString("requestId")).isEqualTo("req_failed_1");
        }
        assertThat(error.getString("message")).isNotBlank().doesNotContain("\n");
        assertThat(json.getJsonArray("attempts")).hasSize(1);
        JsonObject attempt = json.getJsonArray("attempts").getJsonObject(0);
        assertThat(attempt.getString("provider")).isEqualTo(id);
        assertThat(attempt.getString("outcome")).isEqualTo(category);
        assertThat(attempt.get("status")).as(run.out()).isEqualTo(error.get("status"));
        assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void reportsTheServersRetryAfterInMilliseconds() {
        upstream.enqueue(Cli.errorReply(429, "rate_limit_exceeded", "requests", "Rate limit reached")
                .header("retry-after-ms", "7660"));

        JsonObject error = Cli.run("chat", "-p", spec("groq"), "--json", "hello").json().getJsonObject("error");

        assertThat(error.getString("category")).isEqualTo("RATE_LIMITED");
        assertThat(error.getInt("retryAfterMs")).isEqualTo(7660);
    }

    @Test
    void reportsAnUpstreamThatNeverAnswersAsATimeout() {
        upstream.enqueue(Reply.noResponse());

        Cli.Run run = Cli.run("chat", "-p", spec("openai") + ",firstTokenTimeout=300ms", "--json", "hello");

        assertThat(run.status()).isEqualTo(1);
        JsonObject error = run.json().getJsonObject("error");
        assertThat(error.getString("category")).isEqualTo("TIMEOUT");
        assertThat(error.get("status")).isEqualTo(JsonValue.NULL);
        assertThat(error.getString("message")).contains("FIRST_TOKEN");
        assertThat(run.json().getJsonArray("attempts").getJsonObject(0).getString("outcome")).isEqualTo("TIMEOUT");
    }

    @Test
    void endsTheWholeCallAtTheTimeoutFlag() {
        upstream.enqueue(Reply.noResponse());

        Cli.Run run = Cli.run("chat", "-p", spec("groq"), "--timeout", "300ms", "--json", "hello");

        assertThat(run.status()).isEqualTo(1);
        JsonObject error = run.json().getJsonObject("error");
        assertThat(error.getString("category")).isEqualTo("TIMEOUT");
        assertThat(error.getString("message")).contains("TOTAL");
    }

    @Test
    void reportsARefusedConnectionAsAConnectionError() {
        String refusing = FakeUpstream.refusingBaseUrl().toString();

        Cli.Run run = Cli.run("chat", "-p", "openai,baseUrl=" + refusing + ",maxRetries=0,model=m", "--json", "hello");

        assertThat(run.status()).isEqualTo(1);
        JsonObject error = run.json().getJsonObject("error");
        assertThat(error.getString("category")).isEqualTo("CONNECTION");
        assertThat(error.getString("provider")).isEqualTo("openai");
        assertThat(error.get("status")).isEqualTo(JsonValue.NULL);
        assertThat(error.get("requestId")).isEqualTo(JsonValue.NULL);
    }

    @Test
    void printsAFailureWithoutJsonAsOneLineOnStandardError() {
        upstream.enqueue(Cli.errorReply(429, "insufficient_quota", "insufficient_quota", "You exceeded your quota"));

        Cli.Run run = Cli.run("chat", "-p", spec("openai"), "hello");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).startsWith("multillm: QUOTA_EXHAUSTED from openai (HTTP 429)");
    }
}
