package dev.multillm.openai;

import dev.multillm.testkit.WireMockAnswers;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.Choice;
import dev.multillm.core.FinishReason;
import dev.multillm.core.ModelInfo;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.ToolCall;
import dev.multillm.core.Usage;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OpenAiChatProviderTest {
    static final String KEY = "sk-CANARY-0123456789abcdefghijklmnopqrstuv";
    static final String CHAT = "/v1/chat/completions";

    @RegisterExtension
    static WireMockExtension openai = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private OpenAiChatProvider provider;

    static String baseUrl() {
        return "http://127.0.0.1:" + openai.getPort() + "/v1";
    }

    private OpenAiChatProvider provider() {
        if (provider == null) {
            provider = OpenAiChatProvider.builder().apiKey(KEY).baseUrl(baseUrl()).defaultModel(OpenAiBodies.MODEL)
                    .environment(name -> null).build();
        }
        return provider;
    }

    @AfterEach
    void close() {
        if (provider != null) {
            provider.close();
        }
    }

    private static void answer(String body) {
        openai.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(body).withHeader("x-request-id",
                "req_6f1d2e4b9c0a4f7b8e2d1c3a5b7f9e0d")));
    }

    @Test
    void readsABasicAnswerWithItsRequestIdAndUsageDetails() {
        answer(OpenAiBodies.BASIC);

        ChatResponse response = provider().chat(ChatRequest.of(null, "Hello"));

        assertThat(response.provider()).isEqualTo("openai");
        assertThat(response.model()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(response.content()).isEqualTo("Hello! How can I assist you today?");
        assertThat(response.refusal()).isNull();
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.usage()).isEqualTo(Usage.of(19, 0, 10, 0));
        assertThat(response.requestId()).isEqualTo("req_6f1d2e4b9c0a4f7b8e2d1c3a5b7f9e0d");
        assertThat(response.metadata()).containsEntry("service_tier", "default")
                .containsEntry("system_fingerprint", "fp_06737a9306");
        openai.verify(postRequestedFor(urlEqualTo(CHAT)).withHeader("Authorization", equalTo("Bearer " + KEY)));
    }

    @Test
    void exposesEveryChoiceWhenNIsTwo() {
        answer(OpenAiBodies.TWO_CHOICES);

        ChatResponse response = provider().chat(ChatRequest.builder().addUserMessage("A color?").choices(2).build());

        assertThat(response.choices()).extracting(Choice::index, Choice::content, Choice::finishReason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, "Red.", FinishReason.STOP),
                        org.assertj.core.groups.Tuple.tuple(1, "Blue.", FinishReason.LENGTH));
        assertThat(WireMockAnswers.parse(openai.getAllServeEvents().get(0).getRequest().getBodyAsString()).getInt("n"))
                .isEqualTo(2);
    }

    @Test
    void exposesARefusalAsARefusalNotAsEmptySuccess() {
        answer(OpenAiBodies.REFUSAL);

        ChatResponse response = provider().chat(ChatRequest.of(null, "Something disallowed"));

        assertThat(response.refusal()).isEqualTo("I'm sorry, I can't help with that request.");
        assertThat(response.content()).isNull();
    }

    @Test
    void tellsAnEmptyAnswerCutByTheLengthLimitFromANormalAnswer() {
        answer(OpenAiBodies.EMPTY_LENGTH);

        ChatResponse response = provider().chat(ChatRequest.builder().model("o4-mini").addUserMessage("Prove it")
                .maxOutputTokens(100).build());

        assertThat(response.content()).isNull();
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.usage().reasoningTokens()).isEqualTo(100);
        assertThat(response.usage().outputTokens()).isEqualTo(100);
    }

    @Test
    void readsCachedAndReasoningTokensAsPartsOfTheirTotals() {
        answer(OpenAiBodies.CACHED_AND_REASONING);

        Usage usage = provider().chat(ChatRequest.of("o3-mini", "Answer")).usage();

        assertThat(usage).isEqualTo(new Usage(2006, 1920, 300, 192, true));
        assertThat(usage.totalTokens()).isEqualTo(2306);
    }

    @Test
    void toleratesServersThatOmitIdCreatedAndUsageAndAddFields() {
        openai.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(OpenAiBodies.MINIMAL_COMPATIBLE)));

        ChatResponse response = provider().chat(ChatRequest.of("llama3.2", "Hi"));

        assertThat(response.id()).isNull();
        assertThat(response.content()).isEqualTo("Hi there");
        assertThat(response.usage()).isEqualTo(Usage.NOT_REPORTED);
        assertThat(response.usage().reported()).isFalse();
        assertThat(response.requestId()).isNull();
    }

    @Test
    void readsParallelToolCalls() {
        answer(OpenAiBodies.TOOL_CALLS);

        ChatResponse response = provider().chat(ChatRequest.of(null, "Weather and time in Paris?"));

        assertThat(response.toolCalls()).containsExactly(
                new ToolCall("call_abc123XYZ", "get_weather", "{\"location\":\"Paris\"}"),
                new ToolCall("call_def456UVW", "get_time", "{\"timezone\":\"Europe/Paris\"}"));
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    }

    @Test
    void sendsOrganizationAndProjectHeaders() {
        answer(OpenAiBodies.BASIC);
        try (OpenAiChatProvider withOrg = OpenAiChatProvider.builder().apiKey(KEY).baseUrl(baseUrl())
                .defaultModel(OpenAiBodies.MODEL).organization("org-abc").project("proj_123")
                .environment(name -> null).build()) {
            withOrg.chat(ChatRequest.of(null, "Hi"));
        }

        openai.verify(postRequestedFor(urlEqualTo(CHAT)).withHeader("OpenAI-Organization", equalTo("org-abc"))
                .withHeader("OpenAI-Project", equalTo("proj_123")));
    }

    @Test
    void readsOrganizationAndProjectFromTheEnvironmentLikeTheOfficialSdks() {
        answer(OpenAiBodies.BASIC);
        Map<String, String> env = Map.of("OPENAI_API_KEY", KEY, "OPENAI_BASE_URL", baseUrl(),
                "OPENAI_ORG_ID", "org-env", "OPENAI_PROJECT_ID", "proj_env");
        try (OpenAiChatProvider fromEnv = OpenAiChatProvider.builder().defaultModel(OpenAiBodies.MODEL)
                .environment(env::get).build()) {
            fromEnv.chat(ChatRequest.of(null, "Hi"));
        }

        openai.verify(postRequestedFor(urlEqualTo(CHAT)).withHeader("Authorization", equalTo("Bearer " + KEY))
                .withHeader("OpenAI-Organization", equalTo("org-env")).withHeader("OpenAI-Project",
                        equalTo("proj_env")));
    }

    @Test
    void talksToALocalCompatibleServerWithoutAKey() {
        openai.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(OpenAiBodies.MINIMAL_COMPATIBLE)));
        try (OpenAiChatProvider local = OpenAiChatProvider.builder().baseUrl(baseUrl()).defaultModel("llama3.2")
                .environment(name -> null).build()) {
            assertThat(local.chat(ChatRequest.of(null, "Hi")).content()).isEqualTo("Hi there");
        }

        openai.verify(postRequestedFor(urlEqualTo(CHAT)).withHeader("Authorization", absent()));
    }

    @Test
    void withoutApiKeyIgnoresTheEnvironmentKey() {
        openai.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(OpenAiBodies.MINIMAL_COMPATIBLE)));
        try (OpenAiChatProvider local = OpenAiChatProvider.builder().baseUrl(baseUrl()).defaultModel("llama3.2")
                .withoutApiKey().environment(Map.of("OPENAI_API_KEY", KEY)::get).build()) {
            local.chat(ChatRequest.of(null, "Hi"));
        }

        openai.verify(postRequestedFor(urlEqualTo(CHAT)).withHeader("Authorization", absent()));
    }

    @Test
    void requiresAKeyForApiOpenAiCom() {
        assertThatThrownBy(() -> OpenAiChatProvider.builder().environment(name -> null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OPENAI_API_KEY");
        assertThatThrownBy(() -> OpenAiChatProvider.builder().baseUrl("https://API.OpenAI.com/v1").withoutApiKey()
                .environment(name -> null).build()).hasMessageContaining("OPENAI_API_KEY");
    }

    @Test
    void defaultsToOpenAisBaseUrl() {
        try (OpenAiChatProvider defaults = OpenAiChatProvider.builder().apiKey(KEY).environment(name -> null)
                .build()) {
            assertThat(defaults.baseUrl().toString()).isEqualTo("https://api.openai.com/v1");
            assertThat(defaults.id()).isEqualTo("openai");
            assertThat(defaults.allowedFields()).contains("max_completion_tokens").doesNotContain("max_tokens");
        }
    }

    @Test
    void canCarryAnotherIdForACompatibleServer() {
        answer(OpenAiBodies.BASIC);
        try (OpenAiChatProvider vllm = OpenAiChatProvider.builder().id("vllm").baseUrl(baseUrl())
                .defaultModel("Qwen/Qwen2.5-7B-Instruct").environment(name -> null).build()) {
            assertThat(vllm.id()).isEqualTo("vllm");
            assertThat(vllm.chat(ChatRequest.of(null, "Hi")).provider()).isEqualTo("vllm");
        }
    }

    @Test
    void listsModels() {
        openai.stubFor(get(urlEqualTo("/v1/models")).willReturn(WireMockAnswers.json(OpenAiBodies.MODELS)));

        assertThat(provider().models()).containsExactly(new ModelInfo("gpt-4o-mini", "system", 0),
                new ModelInfo("o3-mini", "system", 0));
    }

    @Test
    void neverShowsTheKeyInToString() {
        assertThat(provider().toString()).doesNotContain(KEY).contains("openai");
        assertThat(provider().withRetryPolicy(RetryPolicy.none()).toString()).doesNotContain(KEY);
    }

    @Test
    void retryPolicyViewKeepsTheSameIdAndSettings() {
        answer(OpenAiBodies.BASIC);
        OpenAiChatProvider view = provider().withRetryPolicy(RetryPolicy.none());

        assertThat(view.id()).isEqualTo("openai");
        assertThat(view.baseUrl()).isEqualTo(provider().baseUrl());
        view.close();
        assertThat(provider().chat(ChatRequest.of(null, "still open")).content()).isNotNull();
    }
}
