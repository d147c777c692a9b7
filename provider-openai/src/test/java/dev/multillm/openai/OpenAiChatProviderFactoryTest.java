package dev.multillm.openai;

import dev.multillm.testkit.WireMockAnswers;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatProviders;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.ProviderConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OpenAiChatProviderFactoryTest {
    static final String KEY = "sk-CANARY-factory-0123456789";
    static final String CHAT = "/v1/chat/completions";

    @RegisterExtension
    static WireMockExtension openai = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    static String baseUrl() {
        return "http://127.0.0.1:" + openai.getPort() + "/v1";
    }

    private static ProviderConfig config(Map<String, String> values, Map<String, String> environment) {
        return ProviderConfig.of(values).withEnvironment(environment::get);
    }

    @Test
    void isFoundThroughServiceLoaderByItsId() {
        assertThat(ChatProviders.factory("openai")).isInstanceOf(OpenAiChatProviderFactory.class);
        assertThat(new OpenAiChatProviderFactory().description()).contains("api.openai.com");
    }

    @Test
    void createsAProviderFromEveryConfigurationKey() {
        openai.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(OpenAiBodies.BASIC)));

        try (ChatProvider provider = ChatProviders.create("openai", config(Map.ofEntries(Map.entry("apiKey", KEY),
                Map.entry("baseUrl", baseUrl()), Map.entry("model", "gpt-4.1-mini"), Map.entry("organization", "org-cfg"),
                Map.entry("project", "proj_cfg"), Map.entry("maxTokensField", "max_tokens"),
                Map.entry("extraFields", "top_k, min_p"), Map.entry("maxRetries", "1"), Map.entry("connectTimeout", "2s"),
                Map.entry("firstTokenTimeout", "30s"), Map.entry("idleTimeout", "30s"), Map.entry("totalTimeout", "2m")),
                Map.of()))) {
            provider.chat(ChatRequest.builder().addUserMessage("Hi").maxOutputTokens(5).extension("top_k", 3)
                    .build());
        }

        openai.verify(postRequestedFor(urlEqualTo(CHAT)).withHeader("Authorization", equalTo("Bearer " + KEY))
                .withHeader("OpenAI-Organization", equalTo("org-cfg")).withHeader("OpenAI-Project", equalTo("proj_cfg"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4.1-mini")))
                .withRequestBody(matchingJsonPath("$.max_tokens", equalTo("5")))
                .withRequestBody(matchingJsonPath("$.top_k", equalTo("3"))));
    }

    @Test
    void createsAKeylessProviderForALocalServer() {
        openai.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(OpenAiBodies.MINIMAL_COMPATIBLE)));

        try (OpenAiChatProvider provider = new OpenAiChatProviderFactory().create(config(Map.of("model", "llama3.2"),
                Map.of("OPENAI_BASE_URL", baseUrl())))) {
            provider.chat(ChatRequest.of(null, "Hi"));
        }

        openai.verify(postRequestedFor(urlEqualTo(CHAT)).withHeader("Authorization", absent()));
    }

    @Test
    void requiresAKeyForOpenAiNamingTheVariable() {
        assertThatThrownBy(() -> new OpenAiChatProviderFactory().create(config(Map.of(), Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OPENAI_API_KEY");
        assertThatThrownBy(() -> new OpenAiChatProviderFactory().create(config(Map.of("apiKeyEnv", "TEAM_OPENAI_KEY"),
                Map.of()))).hasMessageContaining("TEAM_OPENAI_KEY");
    }

    @Test
    void readsTheKeyFromTheEnvironment() {
        openai.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(OpenAiBodies.BASIC)));

        try (OpenAiChatProvider provider = new OpenAiChatProviderFactory().create(config(Map.of("baseUrl", baseUrl(),
                "model", OpenAiBodies.MODEL), Map.of("OPENAI_API_KEY", KEY)))) {
            provider.chat(ChatRequest.of(null, "Hi"));
        }

        openai.verify(postRequestedFor(urlEqualTo(CHAT)).withHeader("Authorization", equalTo("Bearer " + KEY)));
    }

    @Test
    void honoursMaxRetries() {
        openai.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(500, OpenAiBodies.error("server_error", null, null,
                "The server had an error."))));

        try (OpenAiChatProvider provider = new OpenAiChatProviderFactory().create(config(Map.of("apiKey", KEY,
                "baseUrl", baseUrl(), "model", OpenAiBodies.MODEL, "maxRetries", "0"), Map.of()))) {
            LlmException error = catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.of(null,
                    "Hi")));
            assertThat(error.category()).isEqualTo(ErrorTaxonomy.SERVER_ERROR);
        }

        openai.verify(1, postRequestedFor(urlEqualTo(CHAT)));
    }

    @Test
    void namesTheKeyOfAMalformedSetting() {
        assertThatThrownBy(() -> new OpenAiChatProviderFactory().create(config(Map.of("apiKey", KEY,
                "maxTokensField", "tokens"), Map.of()))).hasMessageContaining("maxTokensField");
        assertThatThrownBy(() -> new OpenAiChatProviderFactory().create(config(Map.of("apiKey", KEY,
                "streamUsage", "sometimes"), Map.of()))).hasMessageContaining("streamUsage");
        assertThatThrownBy(() -> new OpenAiChatProviderFactory().create(config(Map.of("apiKey", KEY,
                "firstTokenTimeout", "later"), Map.of()))).hasMessageContaining("firstTokenTimeout")
                .hasMessageNotContaining(KEY);
    }
}
