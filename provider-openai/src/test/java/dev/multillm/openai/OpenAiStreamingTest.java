package dev.multillm.openai;

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
import dev.multillm.core.Choice;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.FinishReason;
import dev.multillm.core.LlmException;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.StreamInterruptedException;
import dev.multillm.core.ToolCall;
import dev.multillm.core.Usage;
import dev.multillm.testkit.FakeClock;
import dev.multillm.testkit.RecordingSleeper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OpenAiStreamingTest {
    static final String KEY = "sk-CANARY-stream-0123456789abcdef";
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

    private static void stream(String... payloads) {
        openai.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.sse(payloads).withHeader("x-request-id", "req_stream1")));
    }

    private static List<ChatChunk> drain(ChatStream stream) {
        List<ChatChunk> chunks = new ArrayList<>();
        stream.forEach(chunks::add);
        return chunks;
    }

    @Test
    void streamsTextAndReadsTheEmptyChoicesUsageChunk() {
        stream(OpenAiBodies.ROLE, OpenAiBodies.content("Hel"), OpenAiBodies.content("lo!"),
                OpenAiBodies.chunk("{}", "stop"), OpenAiBodies.usageChunk(2006, 1920, 300, 192), "[DONE]");

        ChatResponse response;
        try (ChatStream stream = provider(RetryPolicy.none()).stream(ChatRequest.of(null, "Hi"))) {
            response = stream.response();
        }

        assertThat(response.content()).isEqualTo("Hello!");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.usage()).isEqualTo(new Usage(2006, 1920, 300, 192, true));
        assertThat(response.requestId()).isEqualTo("req_stream1");
        assertThat(response.id()).isEqualTo("chatcmpl-s1");
        assertThat(WireMockAnswers.parse(openai.getAllServeEvents().get(0).getRequest().getBodyAsString())
                .getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
    }

    @Test
    void assemblesToolCallFragmentsByIndexWithIdAndNameOnlyInTheFirstFragment() {
        stream(OpenAiBodies.chunk("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":"
                        + "\"call_abc123XYZ\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}],"
                        + "\"refusal\":null}", null),
                OpenAiBodies.toolDelta("[{\"index\":0,\"function\":{\"arguments\":\"{\\\"lo\"}}]"),
                OpenAiBodies.toolDelta("[{\"index\":1,\"id\":\"call_def456UVW\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"get_time\",\"arguments\":\"\"}}]"),
                OpenAiBodies.toolDelta("[{\"index\":0,\"function\":{\"arguments\":\"cation\\\":\\\"Paris\\\"}\"}}]"),
                OpenAiBodies.toolDelta("[{\"index\":1,\"function\":{\"arguments\":\"{\\\"timezone\\\":\"}}]"),
                OpenAiBodies.toolDelta("[{\"index\":1,\"function\":{\"arguments\":\"\\\"Europe/Paris\\\"}\"}}]"),
                OpenAiBodies.chunk("{}", "tool_calls"), OpenAiBodies.usageChunk(80, 0, 40, 0), "[DONE]");

        ChatResponse streamed;
        try (ChatStream stream = provider(RetryPolicy.none()).stream(ChatRequest.of(null, "Weather and time?"))) {
            streamed = stream.response();
        }

        assertThat(streamed.toolCalls()).containsExactly(
                new ToolCall("call_abc123XYZ", "get_weather", "{\"location\":\"Paris\"}"),
                new ToolCall("call_def456UVW", "get_time", "{\"timezone\":\"Europe/Paris\"}"));
        assertThat(streamed.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);

        openai.resetAll();
        openai.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(OpenAiBodies.TOOL_CALLS)));
        assertThat(provider.chat(ChatRequest.of(null, "Weather and time?")).toolCalls())
                .isEqualTo(streamed.toolCalls());
    }

    @Test
    void streamsRefusalDeltasAsARefusal() {
        stream(OpenAiBodies.ROLE, OpenAiBodies.chunk("{\"refusal\":\"I'm sorry, \"}", null),
                OpenAiBodies.chunk("{\"refusal\":\"I can't help with that.\"}", null),
                OpenAiBodies.chunk("{}", "stop"), OpenAiBodies.usageChunk(30, 0, 11, 0), "[DONE]");

        ChatResponse response;
        List<ChatChunk> chunks;
        try (ChatStream stream = provider(RetryPolicy.none()).stream(ChatRequest.of(null, "Something disallowed"))) {
            chunks = drain(stream);
            response = stream.response();
        }

        assertThat(chunks).extracting(ChatChunk::refusal).contains("I'm sorry, ", "I can't help with that.");
        assertThat(response.refusal()).isEqualTo("I'm sorry, I can't help with that.");
        assertThat(response.content()).isNull();
    }

    @Test
    void streamsEveryChoiceWhenNIsTwo() {
        stream("{\"id\":\"chatcmpl-n\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Red\"},\"finish_reason\":null}]}",
                "{\"id\":\"chatcmpl-n\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                        + "\"choices\":[{\"index\":1,\"delta\":{\"content\":\"Blue\"},\"finish_reason\":null}]}",
                "{\"id\":\"chatcmpl-n\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"},"
                        + "{\"index\":1,\"delta\":{},\"finish_reason\":\"stop\"}]}", "[DONE]");

        ChatResponse response;
        try (ChatStream stream = provider(RetryPolicy.none()).stream(ChatRequest.builder().addUserMessage("A color?")
                .choices(2).build())) {
            response = stream.response();
        }

        assertThat(response.choices()).extracting(Choice::content).containsExactly("Red", "Blue");
    }

    @Test
    void interruptsTheStreamWhenAnErrorObjectFollowsOutputEvenIfDoneFollows() {
        stream(OpenAiBodies.ROLE, OpenAiBodies.content("The answer is"), OpenAiBodies.error("server_error", null, null,
                "The server had an error while processing your request. Sorry about that!"), "[DONE]");

        List<ChatChunk> seen = new ArrayList<>();
        StreamInterruptedException error;
        try (ChatStream stream = provider(RetryPolicy.defaults()).stream(ChatRequest.of(null, "Hi"))) {
            error = catchThrowableOfType(StreamInterruptedException.class, () -> stream.forEach(seen::add));
        }

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.STREAM_INTERRUPTED);
        assertThat(error.partialContent()).isEqualTo("The answer is");
        assertThat(error.partialResponse().attempts()).extracting(Attempt::error)
                .containsExactly(ErrorTaxonomy.STREAM_INTERRUPTED);
        assertThat(seen).extracting(ChatChunk::content).contains("The answer is");
        openai.verify(1, postRequestedFor(urlEqualTo(CHAT)));
    }

    @Test
    void retriesInvisiblyWhenTheErrorComesBeforeAnyOutput() {
        openai.stubFor(post(urlEqualTo(CHAT)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(WireMockAnswers.sse(OpenAiBodies.ROLE, OpenAiBodies.error("server_error", "server_is_overloaded",
                        null, "The server is overloaded."), "[DONE]"))
                .willSetStateTo("ok"));
        openai.stubFor(post(urlEqualTo(CHAT)).inScenario("s").whenScenarioStateIs("ok")
                .willReturn(WireMockAnswers.sse(OpenAiBodies.content("Hi!"), OpenAiBodies.chunk("{}", "stop"), "[DONE]")));

        List<ChatChunk> chunks;
        ChatResponse response;
        try (ChatStream stream = provider(RetryPolicy.defaults()).stream(ChatRequest.of(null, "Hi"))) {
            chunks = drain(stream);
            response = stream.response();
        }

        assertThat(chunks).extracting(ChatChunk::content).containsOnlyOnce("Hi!");
        assertThat(response.attempts()).extracting(Attempt::error).containsExactly(ErrorTaxonomy.OVERLOADED, null);
        assertThat(sleeper.delays()).hasSize(1);
    }

    @Test
    void neverRetriesAQuotaErrorInTheStream() {
        openai.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(429, OpenAiBodies.error("insufficient_quota",
                "insufficient_quota", null, "You exceeded your current quota, please check your plan and billing"
                        + " details."))));

        LlmException error;
        try (ChatStream stream = provider(RetryPolicy.defaults()).stream(ChatRequest.of(null, "Hi"))) {
            error = catchThrowableOfType(LlmException.class, () -> drain(stream));
        }

        assertThat(error.category()).isEqualTo(ErrorTaxonomy.QUOTA_EXHAUSTED);
        openai.verify(1, postRequestedFor(urlEqualTo(CHAT)));
    }

    @Test
    void leavesStreamOptionsOutWhenStreamUsageIsOff() {
        stream(OpenAiBodies.content("Hi"), OpenAiBodies.chunk("{}", "stop"), "[DONE]");
        try (OpenAiChatProvider noUsage = OpenAiChatProvider.builder().baseUrl("http://127.0.0.1:" + openai.getPort()
                + "/v1").defaultModel("llama3.2").streamUsage(false).environment(name -> null).build();
             ChatStream stream = noUsage.stream(ChatRequest.of(null, "Hi"))) {
            assertThat(stream.response().usage().reported()).isFalse();
        }

        assertThat(WireMockAnswers.parse(openai.getAllServeEvents().get(0).getRequest().getBodyAsString()).keySet())
                .containsExactlyInAnyOrder("model", "messages", "stream");
    }
}
