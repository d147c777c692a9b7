package dev.multillm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ProviderConfigTest {

    @Test
    void valueWinsOverEnvironment() {
        ProviderConfig config = ProviderConfig.of(Map.of("baseUrl", "http://a"))
                .withEnvironment(Map.of("X_BASE_URL", "http://b")::get);

        assertThat(config.get("baseUrl", "X_BASE_URL")).contains("http://a");
        assertThat(ProviderConfig.empty().withEnvironment(Map.of("X_BASE_URL", "http://b")::get)
                .get("baseUrl", "X_BASE_URL")).contains("http://b");
    }

    @Test
    void apiKeyComesFromTheNamedVariable() {
        ProviderConfig config = ProviderConfig.of(Map.of("apiKeyEnv", "MY_KEY"))
                .withEnvironment(Map.of("MY_KEY", "sk-1\n", "GROQ_API_KEY", "gsk-2")::get);

        assertThat(config.apiKey("GROQ_API_KEY")).map(ApiKey::reveal).contains("sk-1");
        assertThat(ProviderConfig.empty().withEnvironment(Map.of("GROQ_API_KEY", "gsk-2")::get)
                .apiKey("GROQ_API_KEY")).map(ApiKey::reveal).contains("gsk-2");
    }

    @Test
    void toStringHidesKeys() {
        ProviderConfig config = ProviderConfig.of(Map.of("apiKey", "sk-CANARY", "model", "m"));

        assertThat(config.toString()).doesNotContain("sk-CANARY").contains("apiKey=***").contains("model=m");
    }

    @ParameterizedTest
    @CsvSource({"500ms, 500", "30s, 30000", "1.5s, 1500", "2m, 120000", "1h, 3600000", "PT2S, 2000"})
    void parsesDurations(String text, long millis) {
        assertThat(ProviderConfig.parseDuration("t", text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void malformedValuesNameTheKey() {
        ProviderConfig config = ProviderConfig.of(Map.of("idleTimeout", "soon", "maxRetries", "two"));

        assertThatThrownBy(() -> config.duration("idleTimeout")).hasMessageContaining("idleTimeout")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> config.integer("maxRetries")).hasMessageContaining("maxRetries");
    }
}
