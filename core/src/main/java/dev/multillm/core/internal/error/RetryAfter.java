package dev.multillm.core.internal.error;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the server's retry hints from response headers, as the official OpenAI and Groq SDKs
 * do: {@code retry-after-ms}, {@code retry-after} and {@code x-should-retry}.
 *
 * <p>Order: {@code retry-after-ms} (milliseconds, decimals allowed) first; then
 * {@code retry-after} as (decimal) seconds or as an HTTP date in RFC 1123 form, a date in the
 * past meaning zero. Negative, empty and unparseable values are ignored, so the next source is
 * tried. A value too large to represent is capped at {@link #MAX} (the caller then sees a wait
 * far beyond any deadline and fails over instead of sleeping). Whether a wait is too long is not
 * decided here: the retry owner compares it with the time left.
 *
 * <p>Thread-safety: stateless, safe to call from any thread.
 */
public final class RetryAfter {
    /** The largest wait reported: a signed 64-bit count of nanoseconds (about 292 years). */
    public static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);

    private static final BigDecimal NANOS_PER_MILLI = BigDecimal.valueOf(1_000_000L);
    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private RetryAfter() {
    }

    /**
     * The wait the server asked for.
     *
     * @param headers the response headers; null means none
     * @param clock   the clock that an HTTP date is measured against; null means the system clock
     * @return the wait, zero or more; empty when the server gave no usable hint
     */
    public static Optional<Duration> parse(HttpHeaders headers, Clock clock) {
        if (headers == null) {
            return Optional.empty();
        }
        Optional<Duration> millis = headers.firstValue("retry-after-ms")
                .flatMap(value -> decimal(value, NANOS_PER_MILLI));
        if (millis.isPresent()) {
            return millis;
        }
        Optional<String> retryAfter = headers.firstValue("retry-after").map(String::strip);
        if (retryAfter.isEmpty()) {
            return Optional.empty();
        }
        Optional<Duration> seconds = decimal(retryAfter.get(), NANOS_PER_SECOND);
        if (seconds.isPresent()) {
            return seconds;
        }
        return httpDate(retryAfter.get(), clock == null ? Clock.systemUTC() : clock);
    }

    /**
     * The server's explicit verdict on retrying, from {@code x-should-retry: true|false}
     * (case-insensitive).
     *
     * @param headers the response headers; null means none
     * @return the verdict; empty when the header is absent or neither {@code true} nor {@code false}
     */
    public static Optional<Boolean> shouldRetry(HttpHeaders headers) {
        if (headers == null) {
            return Optional.empty();
        }
        Optional<String> value = headers.firstValue("x-should-retry").map(v -> v.strip().toLowerCase(Locale.ROOT));
        if (value.isEmpty()) {
            return Optional.empty();
        }
        return switch (value.get()) {
            case "true" -> Optional.of(Boolean.TRUE);
            case "false" -> Optional.of(Boolean.FALSE);
            default -> Optional.empty();
        };
    }

    /** An unsigned decimal ({@code 2}, {@code 1.5}) times {@code nanosPerUnit}. */
    private static Optional<Duration> decimal(String raw, BigDecimal nanosPerUnit) {
        String value = raw.strip();
        if (!isUnsignedDecimal(value)) {
            return Optional.empty();
        }
        BigDecimal nanos = new BigDecimal(value).multiply(nanosPerUnit).setScale(0, RoundingMode.DOWN);
        if (nanos.compareTo(MAX_NANOS) > 0) {
            return Optional.of(MAX);
        }
        return Optional.of(Duration.ofNanos(nanos.longValueExact()));
    }

    private static boolean isUnsignedDecimal(String value) {
        int length = value.length();
        int i = 0;
        while (i < length && isDigit(value.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return false;
        }
        if (i == length) {
            return true;
        }
        if (value.charAt(i) != '.') {
            return false;
        }
        int fractionStart = ++i;
        while (i < length && isDigit(value.charAt(i))) {
            i++;
        }
        return i == length && i > fractionStart;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static Optional<Duration> httpDate(String value, Clock clock) {
        Instant when;
        try {
            when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        Duration wait = Duration.between(clock.instant(), when);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    }
}
