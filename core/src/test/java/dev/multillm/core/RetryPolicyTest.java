package dev.multillm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void defaultsMatchTheOfficialSdks() {
        RetryPolicy policy = RetryPolicy.defaults();

        assertThat(policy.maxRetries()).isEqualTo(2);
        assertThat(policy.maxAttempts()).isEqualTo(3);
    }

    @Test
    void backoffGrowsExponentiallyUpToTheCap() {
        RetryPolicy policy = RetryPolicy.defaults();

        assertThat(policy.backoff(1, () -> 0.999999)).isBetween(Duration.ofMillis(499), Duration.ofMillis(500));
        assertThat(policy.backoff(2, () -> 0.999999)).isBetween(Duration.ofMillis(999), Duration.ofMillis(1000));
        assertThat(policy.backoff(10, () -> 0.999999)).isBetween(Duration.ofMillis(7999), Duration.ofSeconds(8));
    }

    @Test
    void fullJitterDrawsFromZeroToTheCeiling() {
        assertThat(RetryPolicy.defaults().backoff(3, () -> 0.0)).isEqualTo(Duration.ZERO);
        assertThat(RetryPolicy.defaults().backoff(3, () -> 0.5)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void noneNeverRetries() {
        assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
    }

    @Test
    void invalidSettingsNameTheField() {
        assertThatThrownBy(() -> RetryPolicy.defaults().withMaxRetries(-1)).hasMessageContaining("maxRetries");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(2), Duration.ofSeconds(1), 2, Duration.ZERO))
                .hasMessageContaining("maxBackoff");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 0.5, Duration.ZERO))
                .hasMessageContaining("multiplier");
    }
}
