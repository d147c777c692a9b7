package dev.multillm.core.internal.error;

import dev.multillm.core.RateLimitSnapshot;
import java.math.BigDecimal;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;

/**
 * Reads the {@code x-ratelimit-*} response headers that OpenAI, Groq and many compatible servers
 * send into a {@link RateLimitSnapshot}.
 *
 * <p>Headers: {@code x-ratelimit-limit-requests}, {@code x-ratelimit-remaining-requests},
 * {@code x-ratelimit-reset-requests}, {@code x-ratelimit-limit-tokens},
 * {@code x-ratelimit-remaining-tokens}, {@code x-ratelimit-reset-tokens}. Counts are
 * non-negative integers (a decimal is rounded down); resets are Go durations such as
 * {@code 2m59.56s}, {@code 7.66s} or {@code 330ms}, or plain seconds (see {@link GoDuration}).
 * A missing, negative or unparseable value becomes null; this class never throws.
 *
 * <p>Thread-safety: stateless, safe to call from any thread.
 */
public final class RateLimitHeaders {
    private static final BigDecimal MAX_LONG = BigDecimal.valueOf(Long.MAX_VALUE);

    private RateLimitHeaders() {
    }

    /**
     * The rate-limit state in {@code headers}.
     *
     * @param headers the response headers; null means none
     * @return the snapshot; {@link RateLimitSnapshot#EMPTY} when no header is usable
     */
    public static RateLimitSnapshot parse(HttpHeaders headers) {
        if (headers == null) {
            return RateLimitSnapshot.EMPTY;
        }
        RateLimitSnapshot snapshot = new RateLimitSnapshot(
                count(headers, "x-ratelimit-limit-requests"),
                count(headers, "x-ratelimit-remaining-requests"),
                reset(headers, "x-ratelimit-reset-requests"),
                count(headers, "x-ratelimit-limit-tokens"),
                count(headers, "x-ratelimit-remaining-tokens"),
                reset(headers, "x-ratelimit-reset-tokens"));
        return snapshot.isEmpty() ? RateLimitSnapshot.EMPTY : snapshot;
    }

    /**
     * The first value of header {@code name}, or null; cheaper than {@link HttpHeaders#firstValue}
     * (a stream and an Optional per lookup), which matters on every response.
     */
    public static String first(HttpHeaders headers, String name) {
        List<String> values = headers.map().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String stripped(HttpHeaders headers, String name) {
        String value = first(headers, name);
        return value == null ? "" : value.strip();
    }

    private static Long count(HttpHeaders headers, String name) {
        String value = stripped(headers, name);
        if (value.isEmpty() || !isUnsignedDecimal(value)) {
            return null;
        }
        if (value.length() <= 18 && value.indexOf('.') < 0) {
            return Long.parseLong(value); // the common case: at most 18 digits cannot overflow
        }
        BigDecimal number = new BigDecimal(value);
        return number.compareTo(MAX_LONG) > 0 ? null : number.longValue();
    }

    private static Duration reset(HttpHeaders headers, String name) {
        String value = stripped(headers, name);
        if (value.isEmpty()) {
            return null;
        }
        try {
            Duration duration = GoDuration.parse(value);
            return duration.isNegative() ? null : duration;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isUnsignedDecimal(String value) {
        int dots = 0;
        int digits = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c >= '0' && c <= '9') {
                digits++;
            } else {
                return false;
            }
        }
        return dots <= 1 && digits > 0 && value.charAt(0) != '.' && value.charAt(value.length() - 1) != '.';
    }
}
