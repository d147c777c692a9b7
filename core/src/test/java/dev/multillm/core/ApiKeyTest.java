package dev.multillm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiKeyTest {
    private static final String CANARY = "gsk_CANARY0123456789abcdef";

    @Test
    void toStringNeverShowsTheKey() {
        ApiKey key = ApiKey.of(CANARY);

        assertThat(key.toString()).doesNotContain(CANARY).doesNotContain("CANARY").contains("redacted");
        assertThat(String.valueOf(key)).doesNotContain(CANARY);
    }

    @Test
    void hashCodeDoesNotDependOnTheKey() {
        assertThat(ApiKey.of(CANARY).hashCode()).isEqualTo(ApiKey.of("sk-other").hashCode());
    }

    @Test
    void equalsComparesTheSecret() {
        assertThat(ApiKey.of(CANARY)).isEqualTo(ApiKey.of(CANARY)).isNotEqualTo(ApiKey.of("sk-other"));
    }

    @Test
    void trailingNewlineIsStrippedSoItNeverReachesAMessage() {
        ApiKey key = ApiKey.of(CANARY + "\n");

        assertThat(key.reveal()).isEqualTo(CANARY);
    }

    @Test
    void redactScrubsEveryOccurrence() {
        ApiKey key = ApiKey.of(CANARY);

        assertThat(key.redact("bad key " + CANARY + " and again " + CANARY))
                .isEqualTo("bad key *** and again ***");
        assertThat(ApiKey.redact(null, "text")).isEqualTo("text");
    }

    @Test
    void blankKeyIsRejectedWithoutEchoingIt() {
        assertThatThrownBy(() -> ApiKey.of("  \n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("apiKey must not be blank");
        assertThatThrownBy(() -> ApiKey.of(null)).hasMessage("apiKey must not be null");
    }
}
