package dev.multillm.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * An API key that never shows itself: {@code toString} is redacted, {@code hashCode} does not
 * depend on the secret, and {@link #redact(String)} scrubs it from any text before that text is
 * put into an exception or a log line.
 *
 * <p>Surrounding whitespace (such as the trailing newline of a key read from a file) is removed
 * when the key is created.
 *
 * <p>Thread-safety: immutable, safe to share.
 */
public final class ApiKey {
    private static final String REDACTED = "ApiKey[redacted]";

    private final String value;

    private ApiKey(String value) {
        this.value = value;
    }

    /**
     * Wraps a key.
     *
     * @throws IllegalArgumentException if the key is null or blank (the message never contains it)
     */
    public static ApiKey of(String value) {
        if (value == null) {
            throw new IllegalArgumentException("apiKey must not be null");
        }
        String trimmed = value.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("apiKey must not be blank");
        }
        return new ApiKey(trimmed);
    }

    /** The key itself, for the one place that writes the {@code Authorization} header. */
    public String reveal() {
        return value;
    }

    /** Returns {@code text} with every occurrence of this key replaced by {@code ***}. */
    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        return text.replace(value, "***");
    }

    /** Replaces every occurrence of the key (when present) in {@code text}; null-safe on both. */
    public static String redact(ApiKey key, String text) {
        return key == null ? text : key.redact(text);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ApiKey that
                && MessageDigest.isEqual(
                        value.getBytes(StandardCharsets.UTF_8), that.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        // Constant on purpose: a hash derived from the key would leak information about it.
        return ApiKey.class.hashCode();
    }

    @Override
    public String toString() {
        return REDACTED;
    }
}
