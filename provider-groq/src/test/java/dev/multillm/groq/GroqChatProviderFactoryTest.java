package dev.multillm.groq;

import dev.multillm.testkit.WireMockAnswers;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
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
import dev.multillm.core.LlmTimeoutException;
import dev.multillm.core.ProviderConfig;
import dev.multillm.core.TimeoutPhase;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GroqChatProviderFactoryTest {
    static final String KEY = "gsk_CANARY_factory_0123456789";
    static final String CHAT = "/openai/v1/chat/completions";

    @RegisterExtension
    static WireMockExtension groq = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    static String baseUrl() {
        return "http://127.0.0.1:" + groq.getPort() + "/openai/v1";
    }

    private static ProviderConfig config(Map<String, String> values, Map<String, String> environment) {
        return ProviderConfig.of(values).withEnvironment(environment::get);
    }

    @Test
    void isFoundThroughServiceLoaderByItsId() {
        assertThat(ChatProviders.factory("groq")).isInstanceOf(GroqChatProviderFactory.class);
        assertThat(ChatProviders.available()).extracting(f -> f.id()).contains("groq");
        assertThat(new GroqChatProviderFactory().description()).contains("api.groq.com");
    }

    @Test
    void createsAProviderFromConfigurationKeys() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(GroqBodies.BASIC)));

        try (ChatProvider provider = ChatProviders.create("groq", config(Map.of("apiKey", KEY, "baseUrl", baseUrl(),
                "model", "llama-3.1-8b-instant"), Map.of()))) {
            assertThat(provider).isInstanceOf(GroqChatProvider.class);
            provider.chat(ChatRequest.of(null, "hi"));
        }

        groq.verify(postRequestedFor(urlEqualTo(CHAT)).withHeader("Authorization", equalTo("Bearer " + KEY))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.model",
                        equalTo("llama-3.1-8b-instant"))));
    }

    @Test
    void readsTheKeyAndBaseUrlFromTheEnvironment() {
        try (GroqChatProvider provider = new GroqChatProviderFactory().create(config(Map.of(),
                Map.of("GROQ_API_KEY", KEY, "GROQ_BASE_URL", baseUrl())))) {
            assertThat(provider.baseUrl().toString()).isEqualTo(baseUrl());
        }
    }

    @Test
    void readsTheKeyFromTheVariableApiKeyEnvNames() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(GroqBodies.BASIC)));

        try (GroqChatProvider provider = new GroqChatProviderFactory().create(config(Map.of("apiKeyEnv", "MY_GROQ_KEY",
                "baseUrl", baseUrl(), "model", GroqBodies.MODEL), Map.of("MY_GROQ_KEY", KEY)))) {
            provider.chat(ChatRequest.of(null, "hi"));
        }

        groq.verify(postRequestedFor(urlEqualTo(CHAT)).withHeader("Authorization", equalTo("Bearer " + KEY)));
    }

    @Test
    void failsWithoutAKeyNamingTheVariableToSet() {
        assertThatThrownBy(() -> new GroqChatProviderFactory().create(config(Map.of(), Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GROQ_API_KEY");
        assertThatThrownBy(() -> new GroqChatProviderFactory().create(config(Map.of("apiKeyEnv", "TEAM_KEY"),
                Map.of()))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TEAM_KEY");
    }

    @Test
    void honoursMaxRetries() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(500, GroqBodies.error("internal_server_error", null,
                "Internal Server Error"))));

        try (GroqChatProvider provider = new GroqChatProviderFactory().create(config(Map.of("apiKey", KEY,
                "baseUrl", baseUrl(), "model", GroqBodies.MODEL, "maxRetries", "0"), Map.of()))) {
            LlmException error = catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.of(null,
                    "hi")));
            assertThat(error.category()).isEqualTo(ErrorTaxonomy.SERVER_ERROR);
        }

        groq.verify(1, postRequestedFor(urlEqualTo(CHAT)));
    }

    @Test
    void honoursTheFirstTokenTimeout() {
        groq.stubFor(post(urlEqualTo(CHAT)).willReturn(WireMockAnswers.json(GroqBodies.BASIC).withFixedDelay(5_000)));

        try (GroqChatProvider provider = new GroqChatProviderFactory().create(config(Map.of("apiKey", KEY,
                "baseUrl", baseUrl(), "model", GroqBodies.MODEL, "maxRetries", "0", "firstTokenTimeout", "150ms",
                "connectTimeout", "2s", "idleTimeout", "30s", "totalTimeout", "1m"), Map.of()))) {
            LlmTimeoutException error = catchThrowableOfType(LlmTimeoutException.class,
                    () -> provider.chat(ChatRequest.of(null, "hi")));
            assertThat(error.phase()).isEqualTo(TimeoutPhase.FIRST_TOKEN);
        }
    }

    @Test
    void namesTheKeyOfAMalformedSetting() {
        assertThatThrownBy(() -> new GroqChatProviderFactory().create(config(Map.of("apiKey", KEY,
                "idleTimeout", "soon"), Map.of()))).hasMessageContaining("idleTimeout").hasMessageNotContaining(KEY);
        assertThatThrownBy(() -> new GroqChatProviderFactory().create(config(Map.of("apiKey", KEY,
                "maxRetries", "many"), Map.of()))).hasMessageContaining("maxRetries").hasMessageNotContaining(KEY);
    }
}
