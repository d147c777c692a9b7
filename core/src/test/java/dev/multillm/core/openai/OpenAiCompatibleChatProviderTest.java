package dev.multillm.core.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.multillm.core.ApiKey;
import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.FinishReason;
import dev.multillm.core.LlmException;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.Sleeper;
import dev.multillm.core.StreamInterruptedException;
import dev.multillm.core.Tool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shared OpenAI-compatible provider against a real local server (WireMock). */
class OpenAiCompatibleChatProviderTest {
    private static final String KEY = "sk-CANARY-core-0123456789";
    private static final String OK_BODY = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m-1",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}""";
    private static final String STREAM_BODY = """
            data: {"id":"c1","model":"m-1","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}

            data: {"id":"c1","model":"m-1","choices":[{"index":0,"delta":{"content":"Hel"}}]}

            data: {"id":"c1","model":"m-1","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}

            data: {"id":"c1","model":"m-1","choices":[],"usage":{"prompt_tokens":4,"completion_tokens":2}}

            data: [DONE]

            """;

    private WireMockServer server;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final Sleeper recordingSleeper = delay -> {
        sleeps.add(delay);
        return CompletableFuture.completedFuture(null);
    };
    private OpenAiCompatibleChatProvider provider;

    @BeforeEach
    void start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        provider = builder().build();
    }

    private OpenAiCompatibleChatProvider.Builder builder() {
        return OpenAiCompatibleChatProvider.builder().id("test").baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                .apiKey(ApiKey.of(KEY)).sleeper(recordingSleeper).random(() -> 0.5);
    }

    @AfterEach
    void stop() {
        provider.close();
        server.stop();
    }

    private void stubChat(int status, String body, String... headers) {
        var response = aResponse().withStatus(status).withBody(body).withHeader("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            response.withHeader(headers[i], headers[i + 1]);
        }
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(response));
    }

    @Test
    void chatSendsAuthAndReadsTheAnswer() {
        stubChat(200, OK_BODY, "x-request-id", "req-1", "x-ratelimit-remaining-requests", "99");

        ChatResponse response = provider.chat(ChatRequest.of("m-1", "hi"));

        assertThat(response.content()).isEqualTo("Hello!");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.usage().inputTokens()).isEqualTo(9);
        assertThat(response.requestId()).isEqualTo("req-1");
        assertThat(response.rateLimit().remainingRequests()).isEqualTo(99L);
        assertThat(response.attempts()).extracting(a -> a.outcome()).containsExactly("OK");
        server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + KEY)));
    }

    @Test
    void alwaysOverloadedUpstreamReceivesExactlyTheConfiguredAttempts() {
        stubChat(503, "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}");

        assertThatThrownBy(() -> provider.chat(ChatRequest.of("m", "hi")))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.category()).isEqualTo(ErrorTaxonomy.OVERLOADED);
                    assertThat(e.attempts()).hasSize(3);
                });
        assertThat(server.getAllServeEvents()).hasSize(3);
        assertThat(sleeps).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500));
    }

    @Test
    void retryAfterIsHonouredThroughTheSleeper() {
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("retry-after", "2")
                        .withBody("{\"error\":{\"message\":\"slow down\",\"code\":\"rate_limit_exceeded\"}}"))
                .willSetStateTo("ok"));
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).inScenario("s").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody(OK_BODY)));

        ChatResponse response = provider.chat(ChatRequest.of("m", "hi"));

        assertThat(response.content()).isEqualTo("Hello!");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
        assertThat(response.attempts()).extracting(a -> a.outcome()).containsExactly("RATE_LIMITED", "OK");
    }

    @Test
    void withoutRetriesOneRequestIsSent() {
        stubChat(500, "{}");

        assertThatThrownBy(() -> provider.withRetryPolicy(RetryPolicy.none()).chat(ChatRequest.of("m", "hi")))
                .isInstanceOf(LlmException.class);
        assertThat(server.getAllServeEvents()).hasSize(1);
    }

    @Test
    void undeclaredCapabilityIsRefusedBeforeAnyRequest() {
        try (var textOnly = builder().capabilities(Capabilities.TEXT_ONLY).build()) {
            ChatRequest withTools = ChatRequest.builder().model("m").addUserMessage("x")
                    .addTool(Tool.function("f", null, null)).build();

            assertThatThrownBy(() -> textOnly.chat(withTools)).isInstanceOfSatisfying(LlmException.class,
                    e -> assertThat(e.category()).isEqualTo(ErrorTaxonomy.UNSUPPORTED_CAPABILITY));
            assertThatThrownBy(() -> textOnly.stream(ChatRequest.of("m", "x")))
                    .hasMessageContaining("streaming");
        }
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void missingModelIsRejectedBeforeAnyRequest() {
        ChatRequest noModel = ChatRequest.builder().addUserMessage("x").build();

        assertThatThrownBy(() -> provider.chat(noModel)).isInstanceOfSatisfying(LlmException.class, e -> {
            assertThat(e.category()).isEqualTo(ErrorTaxonomy.INVALID_REQUEST);
            assertThat(e.param()).isEqualTo("model");
        });
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void streamYieldsDeltasAndFoldsToTheWholeAnswer() {
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(STREAM_BODY)));

        List<String> deltas = new ArrayList<>();
        ChatResponse whole;
        try (ChatStream stream = provider.stream(ChatRequest.of("m-1", "hi"))) {
            for (ChatChunk chunk : stream) {
                if (chunk.content() != null) {
                    deltas.add(chunk.content());
                }
            }
            whole = stream.response();
        }

        assertThat(deltas).containsExactly("Hel", "lo");
        assertThat(whole.content()).isEqualTo("Hello");
        assertThat(whole.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(whole.usage().outputTokens()).isEqualTo(2);
    }

    @Test
    void streamFailingBeforeOutputIsRetriedInvisibly() {
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(502).withBody("<html>bad gateway</html>")).willSetStateTo("ok"));
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).inScenario("s").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody(STREAM_BODY)));

        try (ChatStream stream = provider.stream(ChatRequest.of("m-1", "hi"))) {
            ChatResponse whole = stream.response();

            assertThat(whole.content()).isEqualTo("Hello");
            assertThat(whole.attempts()).extracting(a -> a.outcome()).containsExactly("SERVER_ERROR", "OK");
        }
    }

    @Test
    void streamEndingWithoutDoneOrFinishReasonIsNeverASuccess() {
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200).withBody(
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"cut\"}}]}\n\n")));

        try (ChatStream stream = provider.withRetryPolicy(RetryPolicy.none()).stream(ChatRequest.of("m", "hi"))) {
            assertThatThrownBy(stream::response).isInstanceOfSatisfying(StreamInterruptedException.class, e -> {
                assertThat(e.partialContent()).isEqualTo("cut");
                assertThat(e.getCause()).isInstanceOfSatisfying(LlmException.class,
                        c -> assertThat(c.category()).isEqualTo(ErrorTaxonomy.INVALID_RESPONSE));
            });
        }
        assertThat(server.getAllServeEvents()).hasSize(1);
    }

    @Test
    void errorEventAfterOutputInterruptsEvenWhenDoneFollows() {
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200).withBody("""
                data: {"choices":[{"index":0,"delta":{"content":"partial"}}]}

                data: {"error":{"message":"overloaded","type":"server_error","code":"server_is_overloaded"}}

                data: [DONE]

                """)));

        try (ChatStream stream = provider.stream(ChatRequest.of("m", "hi"))) {
            assertThatThrownBy(stream::response).isInstanceOfSatisfying(StreamInterruptedException.class,
                    e -> assertThat(e.partialContent()).isEqualTo("partial"));
        }
        assertThat(server.getAllServeEvents()).hasSize(1);
    }

    @Test
    void keyNeverAppearsInAFailure() {
        stubChat(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\",\"code\":\"invalid_api_key\"}}");

        assertThatThrownBy(() -> provider.chat(ChatRequest.of("m", "hi"))).isInstanceOfSatisfying(LlmException.class,
                e -> {
                    assertThat(e.category()).isEqualTo(ErrorTaxonomy.AUTHENTICATION);
                    assertThat(e.getMessage()).doesNotContain(KEY);
                    assertThat(e.toString()).doesNotContain(KEY);
                });
        assertThat(provider.toString()).doesNotContain(KEY);
    }
}
