package dev.multillm.groq;

import dev.multillm.testkit.WireMockAnswers;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.FinishReason;
import dev.multillm.core.ModelInfo;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.ToolCall;
import dev.multillm.core.Usage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GroqChatProviderTest {
    static final String KEY = "gsk_CANARY_0123456789abcdefghijklmnop";

    @RegisterExtension
    static WireMockExtension groq = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private GroqChatProvider provider;

    private GroqChatProvider provider() {
        if (provider == null) {
            provider = GroqChatProvider.builder().apiKey(KEY).baseUrl(baseUrl()).defaultModel(GroqBodies.MODEL)
                    .environment(name -> null).build();
        }
        return provider;
    }

    static String baseUrl() {
        return "http://127.0.0.1:" + groq.getPort() + "/openai/v1";
    }

    @AfterEach
    void close() {
        if (provider != null) {
            provider.close();
        }
    }

    private static void answer(String body) {
        groq.stubFor(post(urlEqualTo("/openai/v1/chat/completions")).willReturn(WireMockAnswers.json(body)));
    }

    @Test
    void readsABasicAnswerWithTimingMetadataAndTheGroqRequestId() {
        answer(GroqBodies.BASIC);

        ChatResponse response = provider().chat(ChatRequest.of(null, "Why do fast models matter?"));

        assertThat(response.provider()).isEqualTo("groq");
        assertThat(response.model()).isEqualTo("llama-3.3-70b-versatile");
        assertThat(response.id()).isEqualTo("chatcmpl-f51b2cd2-bef7-417e-964e-a08f0b513c22");
        assertThat(response.content()).isEqualTo("Fast language models matter because latency compounds.");
        assertThat(response.reasoning()).isNull();
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.usage()).isEqualTo(Usage.of(18, 0, 556, 0));
        assertThat(response.requestId()).isEqualTo("req_01jbd6g2qdfw2adyrt2az8hz4w");
        assertThat(response.metadata()).containsEntry("groq.queue_time", 0.037493756)
                .containsEntry("groq.prompt_time", 0.000680594)
                .containsEntry("groq.completion_time", 0.463333333)
                .containsEntry("groq.total_time", 0.464013927)
                .containsEntry("x_groq.id", "req_01jbd6g2qdfw2adyrt2az8hz4w")
                .containsEntry("service_tier", "on_demand");
        assertThat(response.attempts()).hasSize(1);
        groq.verify(1, postRequestedFor(urlEqualTo("/openai/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + KEY)));
    }

    @Test
    void prefersTheXRequestIdHeaderOverXGroqId() {
        groq.stubFor(post(urlEqualTo("/openai/v1/chat/completions"))
                .willReturn(WireMockAnswers.json(GroqBodies.BASIC).withHeader("x-request-id", "req_from_header")));

        assertThat(provider().chat(ChatRequest.of(null, "hi")).requestId()).isEqualTo("req_from_header");
    }

    @Test
    void readsAToolCallWithoutContentAndWithAShortId() {
        answer(GroqBodies.TOOL_CALL);

        ChatResponse response = provider().chat(ChatRequest.of(null, "Weather in New York?"));

        assertThat(response.content()).isNull();
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.toolCalls())
                .containsExactly(new ToolCall("call_d5wg", "get_weather", "{\"location\": \"New York, NY\"}"));
    }

    @Test
    void readsParallelToolCallsInOrder() {
        answer(GroqBodies.PARALLEL_TOOL_CALLS);

        ChatResponse response = provider().chat(ChatRequest.of(null, "Weather and time in Paris?"));

        assertThat(response.toolCalls()).extracting(ToolCall::id, ToolCall::name)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("call_fgdt", "get_weather"),
                        org.assertj.core.groups.Tuple.tuple("call_h2kq", "get_time"));
        assertThat(response.toolCalls().get(1).arguments()).isEqualTo("{\"timezone\": \"Europe/Paris\"}");
        assertThat(response.usage().reported()).isTrue();
        assertThat(response.metadata()).doesNotContainKey("groq.queue_time");
    }

    @Test
    void keepsParsedReasoningApartFromContent() {
        answer(GroqBodies.REASONING_PARSED);

        ChatResponse response = provider().chat(ChatRequest.builder().model("qwen/qwen3-32b")
                .addUserMessage("How many r's in strawberry?").reasoningFormat("parsed").build());

        assertThat(response.content()).isEqualTo("There are 3 r's in strawberry.");
        assertThat(response.reasoning()).startsWith("Let me spell it");
    }

    @Test
    void leavesRawReasoningInTheContentAsGroqSentIt() {
        answer(GroqBodies.REASONING_RAW);

        ChatResponse response = provider().chat(ChatRequest.builder().model("deepseek-r1-distill-llama-70b")
                .addUserMessage("How many r's in strawberry?").reasoningFormat("raw").build());

        assertThat(response.content()).startsWith("<think>\nCount the r's").endsWith("There are 3 r's in strawberry.");
        assertThat(response.reasoning()).isNull();
    }

    @Test
    void readsGptOssReasoningAndReasoningTokensAndToleratesUnknownFields() {
        answer(GroqBodies.REASONING_GPT_OSS);

        ChatResponse response = provider().chat(ChatRequest.builder().model("openai/gpt-oss-20b")
                .addUserMessage("Capital of France?").reasoningEffort("low").build());

        assertThat(response.content()).isEqualTo("Paris.");
        assertThat(response.reasoning()).isEqualTo("The user asks for the capital of France. That is Paris.");
        assertThat(response.usage()).isEqualTo(Usage.of(80, 0, 30, 22));
        assertThat(response.model()).isEqualTo("openai/gpt-oss-20b");
    }

    @Test
    void readsAJsonModeAnswer() {
        answer(GroqBodies.JSON_MODE);

        ChatResponse response = provider().chat(ChatRequest.builder().addSystemMessage("Answer in JSON.")
                .addUserMessage("Who wrote the first program?")
                .responseFormat(dev.multillm.core.ResponseFormat.jsonObject()).build());

        assertThat(WireMockAnswers.parse(response.content()).getString("name")).isEqualTo("Ada");
        assertThat(WireMockAnswers.parse(groq.getAllServeEvents().get(0).getRequest().getBodyAsString())
                .getJsonObject("response_format").getString("type")).isEqualTo("json_object");
    }

    @Test
    void listsModelsWithTheirContextWindows() {
        groq.stubFor(get(urlEqualTo("/openai/v1/models")).willReturn(WireMockAnswers.json(GroqBodies.MODELS)));

        List<ModelInfo> models = provider().models();

        assertThat(models).containsExactly(new ModelInfo("llama-3.3-70b-versatile", "Meta", 131072),
                new ModelInfo("openai/gpt-oss-20b", "OpenAI", 131072));
        groq.verify(getRequestedFor(urlEqualTo("/openai/v1/models"))
                .withHeader("Authorization", equalTo("Bearer " + KEY)));
    }

    @Test
    void declaresCapabilitiesPerModelAndPermissiveDefaultsForUnknownModels() {
        GroqChatProvider groqProvider = provider();

        assertThat(groqProvider.capabilities().multipleChoices()).isFalse();
        assertThat(groqProvider.capabilities("some-new-model")).isEqualTo(groqProvider.capabilities());
        assertThat(groqProvider.capabilities("meta-llama/llama-4-scout-17b-16e-instruct").vision()).isTrue();
        assertThat(groqProvider.capabilities("llama-3.3-70b-versatile"))
                .extracting(Capabilities::vision, Capabilities::jsonSchema, Capabilities::tools)
                .containsExactly(false, false, true);
        assertThat(groqProvider.capabilities("openai/gpt-oss-120b"))
                .extracting(Capabilities::reasoning, Capabilities::jsonSchema).containsExactly(true, true);
        assertThat(groqProvider.capabilities("qwen/qwen3-32b").reasoning()).isTrue();
        assertThat(groqProvider.capabilities("moonshotai/kimi-k2-instruct-0905").maxContextTokens()).isEqualTo(262_144);
    }

    @Test
    void failsWithoutAKeyNamingTheEnvironmentVariable() {
        assertThatThrownBy(() -> GroqChatProvider.builder().environment(name -> null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GROQ_API_KEY");
    }

    @Test
    void readsKeyAndBaseUrlFromTheEnvironment() {
        answer(GroqBodies.BASIC);
        Map<String, String> env = Map.of("GROQ_API_KEY", KEY + "\n", "GROQ_BASE_URL", baseUrl());
        try (GroqChatProvider fromEnv = GroqChatProvider.builder().defaultModel(GroqBodies.MODEL)
                .environment(env::get).build()) {
            assertThat(fromEnv.baseUrl().toString()).isEqualTo(baseUrl());
            fromEnv.chat(ChatRequest.of(null, "hi"));
        }
        groq.verify(postRequestedFor(urlEqualTo("/openai/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + KEY)));
    }

    @Test
    void defaultsToGroqsBaseUrl() {
        try (GroqChatProvider defaults = GroqChatProvider.builder().apiKey(KEY).environment(name -> null).build()) {
            assertThat(defaults.baseUrl().toString()).isEqualTo("https://api.groq.com/openai/v1");
            assertThat(defaults.id()).isEqualTo("groq");
        }
    }

    @Test
    void neverShowsTheKeyInToString() {
        assertThat(provider().toString()).doesNotContain(KEY).contains("127.0.0.1");
        assertThat(provider().withRetryPolicy(RetryPolicy.none()).toString()).doesNotContain(KEY);
    }

    @Test
    void retryPolicyViewSharesTheConnectionsAndClosingItLeavesTheProviderOpen() {
        answer(GroqBodies.BASIC);
        ChatProvider view = provider().withRetryPolicy(RetryPolicy.none());

        view.close();

        assertThat(view.id()).isEqualTo("groq");
        assertThat(provider().chat(ChatRequest.of(null, "still open")).content()).isNotNull();
    }

    @Test
    void refusesCallsAfterClose() {
        GroqChatProvider closed = provider();
        closed.close();

        assertThatThrownBy(() -> closed.chat(ChatRequest.of(null, "hi"))).isInstanceOf(IllegalStateException.class);
        groq.verify(0, postRequestedFor(urlEqualTo("/openai/v1/chat/completions")));
    }
}
