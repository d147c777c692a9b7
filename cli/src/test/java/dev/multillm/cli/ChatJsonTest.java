package dev.multillm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.RateLimitSnapshot;
import dev.multillm.testkit.FakeUpstream;
import dev.multillm.testkit.Reply;
import dev.multillm.testkit.SentenceDisplayNames;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(SentenceDisplayNames.class)
class ChatJsonTest {
    private FakeUpstream upstream;

    @BeforeEach
    void startUpstream() {
        upstream = FakeUpstream.start();
    }

    @AfterEach
    void stopUpstream() {
        upstream.close();
    }

    private String groq() {
        return bareGroq() + ",model=llama-3.3-70b-versatile";
    }

    private String bareGroq() {
        return "groq,baseUrl=" + upstream.baseUrl() + ",maxRetries=0";
    }

    @Test
    void printsASuccessAsExactlyTheContractsJsonObject() {
        Reply reply = Cli.textReply("llama-3.3-70b-versatile", "Hello there.");
        for (Map.Entry<String, String> header : Cli.WIRE.rateLimitHeaders(new RateLimitSnapshot(
                1000L, 998L, Duration.ofMillis(250), 6000L, 5900L, Duration.ofSeconds(2)))) {
            reply = reply.header(header.getKey(), header.getValue());
        }
        upstream.enqueue(reply);

        Cli.Run run = Cli.run("chat", "-p", groq(), "--json", "Say hello");

        assertThat(run.status()).isZero();
        JsonObject json = run.json();
        assertThat(Cli.keys(json)).containsExactly("ok", "provider", "model", "content", "reasoning", "refusal",
                "finishReason", "toolCalls", "usage", "requestId", "rateLimit", "attempts");
        assertThat(json.getBoolean("ok")).isTrue();
        assertThat(json.getString("provider")).isEqualTo("groq");
        assertThat(json.getString("model")).isEqualTo("llama-3.3-70b-versatile");
        assertThat(json.getString("content")).isEqualTo("Hello there.");
        assertThat(json.isNull("reasoning")).isTrue();
        assertThat(json.isNull("refusal")).isTrue();
        assertThat(json.getString("finishReason")).isEqualTo("stop");
        assertThat(json.getJsonArray("toolCalls")).isEmpty();
        JsonObject usage = json.getJsonObject("usage");
        assertThat(Cli.keys(usage)).containsExactly("inputTokens", "cachedInputTokens", "outputTokens",
                "reasoningTokens", "reported");
        assertThat(usage.getInt("inputTokens")).isEqualTo(12);
        assertThat(usage.getInt("cachedInputTokens")).isEqualTo(3);
        assertThat(usage.getInt("outputTokens")).isEqualTo(7);
        assertThat(usage.getInt("reasoningTokens")).isZero();
        assertThat(usage.getBoolean("reported")).isTrue();
        assertThat(json.getString("requestId")).isEqualTo("req_test_1");
        JsonObject rateLimit = json.getJsonObject("rateLimit");
        assertThat(Cli.keys(rateLimit)).containsExactly("remainingRequests", "remainingTokens", "resetRequestsMs",
                "resetTokensMs");
        assertThat(rateLimit.getInt("remainingRequests")).isEqualTo(998);
        assertThat(rateLimit.getInt("remainingTokens")).isEqualTo(5900);
        assertThat(rateLimit.getInt("resetRequestsMs")).isEqualTo(250);
        assertThat(rateLimit.getInt("resetTokensMs")).isEqualTo(2000);
        assertThat(json.getJsonArray("attempts")).hasSize(1);
        JsonObject attempt = json.getJsonArray("attempts").getJsonObject(0);
        assertThat(Cli.keys(attempt)).containsExactly("provider", "outcome", "status", "latencyMs");
        assertThat(attempt.getString("provider")).isEqualTo("groq");
        assertThat(attempt.getString("outcome")).isEqualTo("OK");
        assertThat(attempt.getInt("status")).isEqualTo(200);
        assertThat(attempt.getJsonNumber("latencyMs").longValue()).isNotNegative();
        assertThat(run.err()).doesNotContain("multillm:");
    }

    @Test
    void writesNullForWhatTheUpstreamDidNotSayInsteadOfLeavingFieldsOut() {
        upstream.enqueue(Reply.json(200, "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
                + "\"finish_reason\":\"stop\"}]}"));

        JsonObject json = Cli.run("chat", "-p", groq(), "--json", "hi").json();

        assertThat(json.isNull("requestId")).isTrue();
        JsonObject usage = json.getJsonObject("usage");
        assertThat(usage.getBoolean("reported")).isFalse();
        assertThat(usage.get("inputTokens")).isEqualTo(JsonValue.NULL);
        assertThat(usage.get("outputTokens")).isEqualTo(JsonValue.NULL);
        JsonObject rateLimit = json.getJsonObject("rateLimit");
        assertThat(rateLimit.get("remainingRequests")).isEqualTo(JsonValue.NULL);
        assertThat(rateLimit.get("resetTokensMs")).isEqualTo(JsonValue.NULL);
    }

    @Test
    void printsToolCallsWithIdNameAndArguments() {
        upstream.enqueue(Cli.WIRE.toolCallReply(new dev.multillm.testkit.WireFixture.ToolCallAnswer("c1", "m",
                List.of(new dev.multillm.core.ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")),
                dev.multillm.core.Usage.of(5, 5), "req_tools")));

        JsonObject json = Cli.run("chat", "-p", groq(), "--json", "weather?").json();

        assertThat(json.getString("finishReason")).isEqualTo("tool_calls");
        assertThat(json.isNull("content")).isTrue();
        JsonObject call = json.getJsonArray("toolCalls").getJsonObject(0);
        assertThat(Cli.keys(call)).containsExactly("id", "name", "arguments");
        assertThat(call.getString("id")).isEqualTo("call_1");
        assertThat(call.getString("name")).isEqualTo("get_weather");
        assertThat(call.getString("arguments")).isEqualTo("{\"city\":\"Paris\"}");
    }

    @Test
    void sendsTheFlagsAsRequestFields() {
        upstream.enqueue(Cli.textReply("m", "{}"));

        Cli.Run run = Cli.run("chat", "-p", bareGroq(), "-m", "llama-3.1-8b-instant", "-s", "Answer in JSON.",
                "--max-tokens", "50", "--temperature", "0.2", "--seed", "42", "--json-mode", "--timeout", "30s",
                "--json", "Give", "me", "JSON");

        assertThat(run.status()).isZero();
        JsonObject sent = upstream.lastRequest().json();
        assertThat(sent.getString("model")).isEqualTo("llama-3.1-8b-instant");
        assertThat(sent.getJsonArray("messages").getJsonObject(0).getString("role")).isEqualTo("system");
        assertThat(sent.getJsonArray("messages").getJsonObject(0).getString("content")).isEqualTo("Answer in JSON.");
        assertThat(sent.getJsonArray("messages").getJsonObject(1).getString("content")).isEqualTo("Give me JSON");
        assertThat(sent.getInt("max_completion_tokens")).isEqualTo(50);
        assertThat(sent.getJsonNumber("temperature").doubleValue()).isEqualTo(0.2);
        assertThat(sent.getInt("seed")).isEqualTo(42);
        assertThat(sent.getJsonObject("response_format").getString("type")).isEqualTo("json_object");
        assertThat(upstream.lastRequest().header("Authorization")).isEqualTo("Bearer " + Cli.GROQ_KEY);
    }

    @Test
    void readsThePromptFromStandardInputWhenNoneIsGiven() {
        upstream.enqueue(Cli.textReply("m", "Piped."));

        Cli.Run run = Cli.runWith(Cli.ENV, "What is in the pipe?\n", "chat", "-p", groq());

        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("Piped.\n");
        assertThat(upstream.lastRequest().json().getJsonArray("messages").getJsonObject(0).getString("content"))
                .isEqualTo("What is in the pipe?");
    }

    @Test
    void usesTheModelOfTheSpecOverTheModelFlag() {
        upstream.enqueue(Cli.textReply("m", "ok"));

        Cli.run("chat", "-p", bareGroq() + ",model=from-spec", "-m", "from-flag", "hi");

        assertThat(upstream.lastRequest().json().getString("model")).isEqualTo("from-spec");
    }

    @Test
    void asksForAModelWhenTheSpecPointsElsewhereAndNamesNone() {
        Cli.Run run = Cli.run("chat", "-p", bareGroq(), "hi");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly(
                "multillm: no model for groq: add model=NAME to its -p SPEC or pass -m NAME");
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void readsTheKeyFromTheVariableTheSpecNames() {
        upstream.enqueue(Cli.textReply("m", "ok"));

        Cli.Run run = Cli.runWith(Map.of("MY_GROQ_KEY", "gsk_CANARY_other"), "", "chat", "-p",
                groq() + ",apiKeyEnv=MY_GROQ_KEY", "hi");

        assertThat(run.status()).isZero();
        assertThat(upstream.lastRequest().header("Authorization")).isEqualTo("Bearer gsk_CANARY_other");
    }

    @Test
    void printsThePlainAnswerOnStandardOutputAndWhoAnsweredOnStandardError() {
        upstream.enqueue(Cli.textReply("llama-3.3-70b-versatile", "Plain answer."));

        Cli.Run run = Cli.run("chat", "-p", groq(), "hi");

        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("Plain answer.\n");
        assertThat(run.err()).contains("\u2190 groq (llama-3.3-70b-versatile)");
    }
}
