package dev.multillm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UsageTest {

    @Test
    void cachedAndReasoningArePartsNotAddends() {
        Usage usage = Usage.of(100, 40, 50, 20);

        assertThat(usage.totalTokens()).isEqualTo(150);
        assertThat(usage.cachedInputTokens()).isEqualTo(40);
    }

    @Test
    void partsAreClampedToTheirTotals() {
        assertThat(Usage.of(10, 99, 5, 99)).isEqualTo(new Usage(10, 10, 5, 5, true));
    }

    @Test
    void notReportedIsNotZero() {
        assertThat(Usage.NOT_REPORTED.reported()).isFalse();
        assertThat(Usage.of(0, 0).reported()).isTrue();
        assertThat(Usage.NOT_REPORTED).isNotEqualTo(Usage.of(0, 0));
    }

    @Test
    void sumAcrossAttemptsIgnoresUnreported() {
        assertThat(Usage.of(1, 2).plus(Usage.NOT_REPORTED)).isEqualTo(Usage.of(1, 2));
        assertThat(Usage.NOT_REPORTED.plus(Usage.of(1, 2))).isEqualTo(Usage.of(1, 2));
        assertThat(Usage.of(1, 1, 2, 1).plus(Usage.of(3, 0, 4, 0))).isEqualTo(Usage.of(4, 1, 6, 1));
    }

    @Test
    void unreportedUsageCannotCarryCounts() {
        assertThatThrownBy(() -> new Usage(1, 0, 0, 0, false)).hasMessageContaining("unreported");
    }
}
