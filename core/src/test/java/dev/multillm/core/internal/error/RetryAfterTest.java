package dev.multillm.core.internal.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2015-10-21T07:27:00Z"), ZoneOffset.UTC);

    static HttpHeaders headers(String... namesAndValues) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], List.of(namesAndValues[i + 1]));
        }
        return HttpHeaders.of(map, (name, value) -> true);
    }

    @ParameterizedTest(name = "retry-after-ms {0} is {1} ns")
    @CsvSource({"1500, 1500000000", "2.5, 2500000", "0, 0", "0.001, 1000", "' 250 ', 250000000"})
    void readsRetryAfterMsAsMilliseconds(String value, long nanos) {
        assertThat(RetryAfter.parse(headers("retry-after-ms", value), CLOCK)).contains(Duration.ofNanos(nanos));
    }

    @Test
    void prefersRetryAfterMsOverRetryAfter() {
        assertThat(RetryAfter.parse(headers("retry-after-ms", "120", "retry-after", "7"), CLOCK))
                .contains(Duration.ofMillis(120));
    }

    @ParameterizedTest(name = "retry-after {0} is {1} ns")
    @CsvSource({"2, 2000000000", "1.5, 1500000000", "0, 0", "86400, 86400000000000", "7.66, 7660000000"})
    void readsRetryAfterAsSeconds(String value, long nanos) {
        assertThat(RetryAfter.parse(headers("retry-after", value), CLOCK)).contains(Duration.ofNanos(nanos));
    }

    @Test
    void readsRetryAfterAsHttpDateAgainstTheClock() {
        assertThat(RetryAfter.parse(headers("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"), CLOCK))
                .contains(Duration.ofSeconds(60));
    }

    @Test
    void treatsAnHttpDateInThePastAsZero() {
        assertThat(RetryAfter.parse(headers("retry-after", "Wed, 21 Oct 2015 07:20:00 GMT"), CLOCK))
                .contains(Duration.ZERO);
    }

    @Test
    void ignoresNegativeRetryAfterMsAndFallsBackToRetryAfter() {
        assertThat(RetryAfter.parse(headers("retry-after-ms", "-5", "retry-after", "3"), CLOCK))
                .contains(Duration.ofSeconds(3));
    }

    @ParameterizedTest(name = "ignores retry-after \"{0}\"")
    @ValueSource(strings = {"-1", "soon", "", "1e3", "NaN", "Infinity", "2s", "1.", ".5", "Wed, 32 Oct 2015 07:28:00 GMT"})
    void ignoresGarbageRetryAfter(String value) {
        assertThat(RetryAfter.parse(headers("retry-after", value), CLOCK)).isEmpty();
        assertThat(RetryAfter.parse(headers("retry-after-ms", value), CLOCK)).isEmpty();
    }

    @Test
    void capsAWaitTooLargeToRepresent() {
        assertThat(RetryAfter.parse(headers("retry-after", "99999999999999999999999"), CLOCK))
                .contains(RetryAfter.MAX);
    }

    @Test
    void isEmptyWithoutHeaders() {
        assertThat(RetryAfter.parse(headers(), CLOCK)).isEmpty();
        assertThat(RetryAfter.parse(null, CLOCK)).isEmpty();
    }

    @ParameterizedTest(name = "x-should-retry \"{0}\"")
    @CsvSource({"true, true", "false, false", "TRUE, true", "' False ', false"})
    void readsXShouldRetry(String value, boolean expected) {
        assertThat(RetryAfter.shouldRetry(headers("x-should-retry", value))).contains(expected);
    }

    @Test
    void ignoresAnXShouldRetryThatIsNeitherTrueNorFalse() {
        assertThat(RetryAfter.shouldRetry(headers("x-should-retry", "maybe"))).isEmpty();
        assertThat(RetryAfter.shouldRetry(headers("x-should-retry", "1"))).isEmpty();
        assertThat(RetryAfter.shouldRetry(headers())).isEmpty();
        assertThat(RetryAfter.shouldRetry(null)).isEqualTo(Optional.empty());
    }
}
