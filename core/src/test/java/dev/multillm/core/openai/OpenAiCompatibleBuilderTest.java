package dev.multillm.core.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multillm.core.ApiKey;
import dev.multillm.core.ProviderConfig;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.Timeouts;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenAiCompatibleBuilderTest {

    /** A builder that shows what it resolved. */
    static final class Acme extends OpenAiCompatibleBuilder<Acme> {
        Acme() {
            super("https://api.acme.example/v1", "ACME_BASE_URL", "ACME_API_KEY");
        }

        ApiKey key() {
            return resolvedApiKey();
        }

        URI url() {
            return resolvedBaseUrl();
        }

        String model() {
            return defaultModel();
        }

        Acme keyless() {
            noApiKey();
            return this;
        }

        String missing() {
            return missingApiKeyMessage("Acme");
        }

        OpenAiCompatibleChatProvider build() {
            return coreBuilder("acme", url(), key()).build();
        }
    }

    private static Map<String, String> none() {
        return Map.of();
    }

    @Test
    void settersReturnTheConcreteBuilder() {
        Acme acme = new Acme().apiKey("k").baseUrl("http://localhost:1/v1").defaultModel("m")
                .timeouts(Timeouts.defaults()).retryPolicy(RetryPolicy.none()).environment(name -> null);

        assertThat(acme.key().reveal()).isEqualTo("k");
        assertThat(acme.url()).isEqualTo(URI.create("http://localhost:1/v1"));
        assertThat(acme.model()).isEqualTo("m");
    }

    @Test
    void fallsBackToTheVariablesTheSubclassNames() {
        Acme acme = new Acme().environment(Map.of("ACME_API_KEY", " k-env ", "ACME_BASE_URL",
                "http://127.0.0.1:9/v1")::get);

        assertThat(acme.key().reveal()).isEqualTo("k-env");
        assertThat(acme.url()).isEqualTo(URI.create("http://127.0.0.1:9/v1"));
    }

    @Test
    void fallsBackToTheDefaultApiRootAndNoKey() {
        Acme acme = new Acme().environment(none()::get);

        assertThat(acme.key()).isNull();
        assertThat(acme.url()).isEqualTo(URI.create("https://api.acme.example/v1"));
    }

    @Test
    void aKeylessBuilderIgnoresTheKeyVariableUntilAKeyIsSet() {
        Acme acme = new Acme().environment(Map.of("ACME_API_KEY", "k-env")::get).keyless();
        assertThat(acme.key()).isNull();

        assertThat(acme.apiKey("k").key().reveal()).isEqualTo("k");
    }

    @Test
    void namesAMalformedBaseUrlVariable() {
        Acme acme = new Acme().environment(Map.of("ACME_BASE_URL", "http://bad url")::get);

        assertThatThrownBy(acme::url).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ACME_BASE_URL");
    }

    @Test
    void saysWhereAMissingKeyGoes() {
        assertThat(new Acme().missing())
                .isEqualTo("Acme needs an API key: set the ACME_API_KEY environment variable or call apiKey(...)");
        assertThat(new Acme().configure(ProviderConfig.of(Map.of("apiKeyEnv", "TEAM_KEY"))
                .withEnvironment(name -> null)).missing())
                .isEqualTo("Acme needs an API key: set the TEAM_KEY environment variable or the apiKey"
                        + " configuration key");
    }

    @Test
    void configureReadsTheCommonKeys() {
        ProviderConfig config = ProviderConfig.of(Map.of("apiKey", "k", "baseUrl", "http://127.0.0.1:9/v1",
                "model", "m", "maxRetries", "0", "connectTimeout", "1s", "firstTokenTimeout", "2s",
                "idleTimeout", "3s", "totalTimeout", "4s")).withEnvironment(name -> null);

        try (OpenAiCompatibleChatProvider built = new Acme().configure(config).build()) {
            assertThat(built.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9/v1"));
            assertThat(built.retryPolicy()).isEqualTo(RetryPolicy.defaults().withMaxRetries(0));
            assertThat(built.id()).isEqualTo("acme");
        }
        Acme acme = new Acme().configure(config);
        assertThat(acme.key().reveal()).isEqualTo("k");
        assertThat(acme.model()).isEqualTo("m");
    }

    @Test
    void configureReadsTheKeyFromTheVariableApiKeyEnvNames() {
        ProviderConfig config = ProviderConfig.of(Map.of("apiKeyEnv", "TEAM_KEY"))
                .withEnvironment(Map.of("TEAM_KEY", "k-team", "ACME_API_KEY", "k-default")::get);

        assertThat(new Acme().configure(config).key().reveal()).isEqualTo("k-team");
    }

    @Test
    void configureReadsVariablesThroughTheConfiguration() {
        ProviderConfig config = ProviderConfig.of(Map.of())
                .withEnvironment(Map.of("ACME_API_KEY", "k-env", "ACME_BASE_URL", "http://127.0.0.1:9/v1")::get);

        Acme acme = new Acme().configure(config);

        assertThat(acme.key().reveal()).isEqualTo("k-env");
        assertThat(acme.url()).isEqualTo(URI.create("http://127.0.0.1:9/v1"));
    }

    @Test
    void configureNamesAMalformedKey() {
        assertThatThrownBy(() -> new Acme().configure(ProviderConfig.of(Map.of("maxRetries", "-1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRetries");
        assertThatThrownBy(() -> new Acme().configure(ProviderConfig.of(Map.of("idleTimeout", "soon"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleTimeout");
    }

    @Test
    void configureKeepsWhatItDoesNotOverride() {
        Acme acme = new Acme().apiKey("k").defaultModel("kept")
                .configure(ProviderConfig.of(Map.of()).withEnvironment(name -> null));

        assertThat(acme.model()).isEqualTo("kept");
        assertThat(acme.key().reveal()).isEqualTo("k");
    }
}
