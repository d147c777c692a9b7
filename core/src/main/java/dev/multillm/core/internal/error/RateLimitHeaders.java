package dev.multillm.core.internal.error;

import dev.multillm.core.RateLimitSnapshot;
import java.math.BigDecimal;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
    private static final String PREFIX = "x-ratelimit-";
    /** In the order of {@link RateLimitSnapshot}'s components. */
    private static final String[] SUFFIXES = {"limit-requests", "remaining-requests", "reset-requests",
        "limit-tokens", "remaining-tokens", "reset-tokens"};

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
        // One pass over the headers rather than six case-insensitive lookups of long names that
        // share their first twelve characters: this runs on every response.
        String[] values = new String[SUFFIXES.length];
        boolean any = false;
        for (Map.Entry<String, List<String>> header : headers.map().entrySet()) {
            String name = header.getKey();
            if (name.length() <= PREFIX.length() || !name.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                    || header.getValue().isEmpty()) {
                continue;
            }
            for (int i = 0; i < SUFFIXES.length; i++) {
                String suffix = SUFFIXES[i];
                if (name.length() == PREFIX.length() + suffix.length()
                        && name.regionMatches(true, PREFIX.length(), suffix, 0, suffix.length())) {
                    values[i] = header.getValue().get(0).strip();
                    any = true;
                    break;
                }
            }
        }
        if (!any) {
            return RateLimitSnapshot.EMPTY;
        }
        RateLimitSnapshot snapshot = new RateLimitSnapshot(count(values[0]), count(values[1]), reset(values[2]),
                count(values[3]), count(values[4]), reset(values[5]));
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

    private static Long count(String value) {
        if (value == null || value.isEmpty() || !isUnsignedDecimal(value)) {
            return null;
        }
        if (value.length() <= 18 && value.indexOf('.') < 0) {
            return Long.parseLong(value); // the common case: at most 18 digits cannot overflow
        }
        BigDecimal number = new BigDecimal(value);
        return number.compareTo(MAX_LONG) > 0 ? null : number.longValue();
    }

    private static Duration reset(String value) {
        if (value == null || value.isEmpty()) {
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
