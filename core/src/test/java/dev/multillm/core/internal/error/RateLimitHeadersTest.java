package dev.multillm.core.internal.error;

import static dev.multillm.core.internal.error.RetryAfterTest.headers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.RateLimitSnapshot;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

    @Test
    void readsGroqStyleHeaders() {
        RateLimitSnapshot snapshot = RateLimitHeaders.parse(headers(
                "x-ratelimit-limit-requests", "14400",
                "x-ratelimit-remaining-requests", "14370",
                "x-ratelimit-reset-requests", "2m59.56s",
                "x-ratelimit-limit-tokens", "18000",
                "x-ratelimit-remaining-tokens", "17997",
                "x-ratelimit-reset-tokens", "7.66s"));

        assertThat(snapshot).isEqualTo(new RateLimitSnapshot(14400L, 14370L, Duration.ofMillis(179_560),
                18000L, 17997L, Duration.ofMillis(7_660)));
    }

    @Test
    void readsOpenAiStyleHeaders() {
        RateLimitSnapshot snapshot = RateLimitHeaders.parse(headers(
                "x-ratelimit-limit-requests", "10000",
                "x-ratelimit-remaining-requests", "9999",
                "x-ratelimit-reset-requests", "6ms",
                "x-ratelimit-limit-tokens", "30000000",
                "x-ratelimit-remaining-tokens", "29999983",
                "x-ratelimit-reset-tokens", "6m0s"));

        assertThat(snapshot).isEqualTo(new RateLimitSnapshot(10000L, 9999L, Duration.ofMillis(6),
                30_000_000L, 29_999_983L, Duration.ofMinutes(6)));
    }

    @Test
    void returnsEmptyWhenNoHeaderIsPresent() {
        assertThat(RateLimitHeaders.parse(headers("content-type", "application/json")))
                .isSameAs(RateLimitSnapshot.EMPTY);
        assertThat(RateLimitHeaders.parse(null)).isSameAs(RateLimitSnapshot.EMPTY);
    }

    @Test
    void returnsEmptyWhenEveryValueIsUnusable() {
        assertThat(RateLimitHeaders.parse(headers(
                "x-ratelimit-remaining-requests", "lots",
                "x-ratelimit-reset-tokens", "soon")))
                .isSameAs(RateLimitSnapshot.EMPTY);
    }

    @Test
    void turnsUnparseableValuesIntoNullAndKeepsTheOthers() {
        RateLimitSnapshot snapshot = RateLimitHeaders.parse(headers(
                "x-ratelimit-limit-requests", "-3",
                "x-ratelimit-remaining-requests", "12.7",
                "x-ratelimit-reset-requests", "-1s",
                "x-ratelimit-limit-tokens", "99999999999999999999999",
                "x-ratelimit-remaining-tokens", "abc",
                "x-ratelimit-reset-tokens", "1d"));

        assertThat(snapshot).isEqualTo(new RateLimitSnapshot(null, 12L, null, null, null, null));
    }

    @Test
    void readsAResetInPlainSeconds() {
        RateLimitSnapshot snapshot = RateLimitHeaders.parse(headers(
                "x-ratelimit-reset-requests", "2",
                "x-ratelimit-reset-tokens", "0.5"));

        assertThat(snapshot).isEqualTo(new RateLimitSnapshot(null, null, Duration.ofSeconds(2),
                null, null, Duration.ofMillis(500)));
    }

    @Test
    void matchesNamesInAnyCaseAndOnlyWhole() {
        RateLimitSnapshot snapshot = RateLimitHeaders.parse(headers(
                "X-RateLimit-Limit-Requests", "100",
                "x-ratelimit-remaining-requestsx", "1",
                "x-ratelimit-", "2",
                "x-ratelimit-remaining", "3",
                "X-RATELIMIT-RESET-TOKENS", " 1.5s ",
                "x-request-id", "req_1"));

        assertThat(snapshot).isEqualTo(new RateLimitSnapshot(100L, null, null, null, null,
                Duration.ofMillis(1_500)));
    }
}
