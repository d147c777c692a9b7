package dev.multillm.groq;

import dev.multillm.testkit.WireMockAnswers;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.multillm.core.Attempt;
import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.FinishReason;
import dev.multillm.core.LlmException;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.StreamInterruptedException;
import dev.multillm.core.ToolCall;
import dev.multillm.core.Usage;
import dev.multillm.testkit.FakeClock;
import dev.multillm.testkit.RecordingSleeper;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GroqStreamingTest {
    static final String KEY = "gsk_CANARY_stream_0123456789abcdef";
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

    private static List<ChatChunk> drain(ChatStream stream) {
        List<ChatChunk> chunks = new ArrayList<>();
        stream.forEach(chunks::add);
        return chunks;
    }

    @Test
    void streamsTextAndAsksForUsage() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.sse(GroqBodies.CHUNK_ROLE, GroqBodies.chunkContent("Hello"),
                GroqBodies.chunkContent(" world"), GroqBodies.chunkFinish(GroqBodies.X_GROQ_USAGE), "[DONE]")));

        ChatResponse response;
        List<ChatChunk> chunks;
        try (ChatStream stream = provider(RetryPolicy.none()).stream(ChatRequest.of(null, "Say hello"))) {
            chunks = drain(stream);
            response = stream.response();
        }

        assertThat(chunks).extracting(ChatChunk::content).contains("Hello", " world");
        assertThat(response.content()).isEqualTo("Hello world");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.requestId()).isEqualTo("req_01stream");
        assertThat(response.id()).isEqualTo("chatcmpl-s1");
        assertThat(response.metadata()).containsEntry("x_groq.id", "req_01stream");
        JsonObject sent = WireMockAnswers.parse(groq.getAllServeEvents().get(0).getRequest().getBodyAsString());
        assertThat(sent.getBoolean("stream")).isTrue();
        assertThat(sent.getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
    }

    static Stream<Arguments> usageShapes() {
        return Stream.of(
                Arguments.of("x_groq.usage on the finish chunk only", List.of(
                        GroqBodies.chunkFinish(GroqBodies.X_GROQ_USAGE))),
                Arguments.of("top-level usage on an empty-choices chunk only", List.of(
                        GroqBodies.chunkFinish(""), GroqBodies.chunkUsageOnly(GroqBodies.TOP_USAGE))),
                Arguments.of("both in one chunk", List.of(
                        GroqBodies.chunkFinish(GroqBodies.TOP_USAGE + GroqBodies.X_GROQ_USAGE))),
                Arguments.of("x_groq.usage on the finish chunk, then usage on an empty-choices chunk", List.of(
                        GroqBodies.chunkFinish(GroqBodies.X_GROQ_USAGE),
                        GroqBodies.chunkUsageOnly(GroqBodies.TOP_USAGE + GroqBodies.X_GROQ_USAGE))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usageShapes")
    void countsStreamedUsageOnceWhateverTheShape(String name, List<String> tail) {
        List<String> payloads = new ArrayList<>(List.of(GroqBodies.CHUNK_ROLE, GroqBodies.chunkContent("Hi")));
        payloads.addAll(tail);
        payloads.add("[DONE]");
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.sse(payloads.toArray(String[]::new))));

        ChatResponse response;
        try (ChatStream stream = provider(RetryPolicy.none()).stream(ChatRequest.of(null, "Hi"))) {
            response = stream.response();
        }

        assertThat(response.usage()).isEqualTo(Usage.of(45, 0, 3, 0));
        assertThat(response.content()).isEqualTo("Hi");
    }

    @Test
    void reportsUsageAsNotReportedWhenTheStreamCarriesNone() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.sse(GroqBodies.chunkContent("Hi"),
                GroqBodies.chunkFinish(""), "[DONE]")));

        try (ChatStream stream = provider(RetryPolicy.none()).stream(ChatRequest.of(null, "Hi"))) {
            assertThat(stream.response().usage()).isEqualTo(Usage.NOT_REPORTED);
        }
    }

    @Test
    void assemblesAStreamedToolCallThatGroqSendsWhole() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.sse(GroqBodies.CHUNK_TOOL_START,
                GroqBodies.CHUNK_TOOL_FINISH, "[DONE]")));

        ChatResponse response;
        try (ChatStream stream = provider(RetryPolicy.none()).stream(ChatRequest.of(null, "Weather in NYC?"))) {
            response = stream.response();
        }

        assertThat(response.toolCalls())
                .containsExactly(new ToolCall("call_d5wg", "get_weather", "{\"location\": \"New York, NY\"}"));
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.usage()).isEqualTo(Usage.of(224, 22));
        assertThat(response.requestId()).isEqualTo("req_01toolstream");
    }

    @Test
    void keepsStreamedReasoningApartFromContent() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.sse(GroqBodies.CHUNK_REASONING,
                GroqBodies.chunkContent("Paris."), GroqBodies.chunkFinish(GroqBodies.X_GROQ_USAGE), "[DONE]")));

        ChatResponse response;
        try (ChatStream stream = provider(RetryPolicy.none()).stream(ChatRequest.builder().model("openai/gpt-oss-20b")
                .addUserMessage("Capital of France?").build())) {
            response = stream.response();
        }

        assertThat(response.reasoning()).isEqualTo("The capital of France is Paris.");
        assertThat(response.content()).isEqualTo("Paris.");
    }

    @Test
    void retriesA200StreamWhoseFirstEventIsACapacityError() {
        groq.stubFor(post(urlEqualTo(CHAT)).inScenario("stream").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(WireMockAnswers.sse(GroqBodies.error("service_unavailable", "capacity_exceeded",
                        "Flex tier capacity exceeded."), "[DONE]"))
                .willSetStateTo("ok"));
        groq.stubFor(post(urlEqualTo(CHAT)).inScenario("stream").whenScenarioStateIs("ok")
                .willReturn(WireMockAnswers.sse(GroqBodies.chunkContent("Hello"), GroqBodies.chunkFinish(GroqBodies.X_GROQ_USAGE),
                        "[DONE]")));

        ChatResponse response;
        List<ChatChunk> chunks;
        try (ChatStream stream = provider(RetryPolicy.defaults()).stream(ChatRequest.of(null, "Hi"))) {
            chunks = drain(stream);
            response = stream.response();
        }

        assertThat(chunks).extracting(ChatChunk::content).containsOnlyOnce("Hello");
        assertThat(response.content()).isEqualTo("Hello");
        assertThat(response.attempts()).extracting(Attempt::error).containsExactly(ErrorTaxonomy.OVERLOADED, null);
        groq.verify(2, postRequestedFor(urlEqualTo(CHAT)));
    }

    @Test
    void endsA200StreamWithTheClassifiedErrorWhenNoRetryIsLeft() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.sse(GroqBodies.CHUNK_ROLE,
                GroqBodies.error("invalid_request_error", "json_validate_failed", "Failed to generate JSON."),
                "[DONE]")));

        LlmException error;
        try (ChatStream stream = provider(RetryPolicy.none()).stream(ChatRequest.of(null, "Hi"))) {
            error = catchThrowableOfType(LlmException.class, () -> drain(stream));
        }

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.OUTPUT_VALIDATION_FAILED);
        assertThat(error.requestId()).isEqualTo("req_01stream");
    }

    @Test
    void interruptsTheStreamWhenAnErrorArrivesAfterOutputEvenIfDoneFollows() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.sse(GroqBodies.CHUNK_ROLE, GroqBodies.chunkContent("Par"),
                GroqBodies.error("internal_server_error", null, "Internal Server Error"), "[DONE]")));

        List<ChatChunk> seen = new ArrayList<>();
        StreamInterruptedException error;
        try (ChatStream stream = provider(RetryPolicy.defaults()).stream(ChatRequest.of(null, "Hi"))) {
            error = catchThrowableOfType(StreamInterruptedException.class, () -> stream.forEach(seen::add));
        }

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.STREAM_INTERRUPTED);
        assertThat(error.partialContent()).isEqualTo("Par");
        assertThat(seen).extracting(ChatChunk::content).contains("Par");
        groq.verify(1, postRequestedFor(urlEqualTo(CHAT)));
    }

    @Test
    void endsTheStreamWhenXGroqCarriesAnError() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.sse(GroqBodies.CHUNK_ROLE, GroqBodies.chunkContent("Par"),
                GroqBodies.chunkUsageOnly(",\"x_groq\":{\"id\":\"req_01stream\",\"error\":\"stream stopped: the"
                        + " model produced an invalid tool call\"}"), "[DONE]")));

        StreamInterruptedException error;
        try (ChatStream stream = provider(RetryPolicy.none()).stream(ChatRequest.of(null, "Hi"))) {
            error = catchThrowableOfType(StreamInterruptedException.class, () -> drain(stream));
        }

        assertThat(error.partialContent()).isEqualTo("Par");
        assertThat(error.getMessage()).contains("stream stopped");
    }

    @Test
    void classifiesAnErrorEventBeforeOutput() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.sse("event: error\ndata: " + GroqBodies.error(
                "invalid_request_error", "context_length_exceeded", "Please reduce the length of the messages."))));

        LlmException error;
        try (ChatStream stream = provider(RetryPolicy.defaults()).stream(ChatRequest.of(null, "Hi"))) {
            error = catchThrowableOfType(LlmException.class, () -> drain(stream));
        }

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED);
        groq.verify(1, postRequestedFor(urlEqualTo(CHAT)));
    }

    @Test
    void treatsAStreamThatEndsWithoutDoneOrFinishReasonAsTruncated() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.sse(GroqBodies.CHUNK_ROLE, GroqBodies.chunkContent("Par"))));

        StreamInterruptedException error;
        try (ChatStream stream = provider(RetryPolicy.none()).stream(ChatRequest.of(null, "Hi"))) {
            error = catchThrowableOfType(StreamInterruptedException.class, () -> drain(stream));
        }

        assertThat(error.getCause()).isInstanceOf(LlmException.class);
        assertThat(((LlmException) error.getCause()).category()).isEqualTo(ErrorTaxonomy.INVALID_RESPONSE);
    }

    @Test
    void mapsAnHttpErrorOnTheStreamLikeTheUnaryCall() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(498, GroqBodies.error("service_unavailable",
                "capacity_exceeded", "Flex tier capacity exceeded."))));

        LlmException error;
        try (ChatStream stream = provider(RetryPolicy.none()).stream(ChatRequest.of(null, "Hi"))) {
            error = catchThrowableOfType(LlmException.class, () -> drain(stream));
        }

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.OVERLOADED);
        assertThat(error.status()).isEqualTo(498);
        assertThat(error.getMessage()).doesNotContain(KEY);
    }
}
