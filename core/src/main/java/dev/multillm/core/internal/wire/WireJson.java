package dev.multillm.core.internal.wire;

import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.Usage;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The shared JSON-P provider and factories of the wire codec (looked up once), and small helpers.
 *
 * <p>Thread-safety: stateless; the factories are thread-safe and shared.
 */
final class WireJson {
    /** Looked up once: {@code Json.createXxx} would search the class path on every call. */
    static final JsonProvider PROVIDER = JsonProvider.provider();
    /** Parsson's own buffer pool, if Parsson is the provider: see {@link ParssonBuffers}. */
    private static final Map<String, ?> CONFIG = factoryConfig(PROVIDER);
    static final JsonParserFactory PARSERS = PROVIDER.createParserFactory(CONFIG);

    /** At most this many characters of an unparseable body are quoted in an error message. */
    static final int SNIPPET_LENGTH = 200;

    private WireJson() {
    }

    /** The first {@value #SNIPPET_LENGTH} characters of {@code text}, quoted, for error messages. */
    static String snippet(String text) {
        if (text == null) {
            return "null";
        }
        String cut = text.length() <= SNIPPET_LENGTH ? text : text.substring(0, SNIPPET_LENGTH) + "...";
        return "'" + cut + "'";
    }

    /**
     * The same as {@link #snippet(String)} of {@code new String(data, from, length, UTF_8)}, decoding
     * only the bytes the snippet can need: no character takes more than four bytes, so the bytes
     * cut off cannot change the first {@value #SNIPPET_LENGTH} characters, and there are more than
     * that many when bytes were cut off.
     */
    static String snippet(byte[] data, int from, int length) {
        int needed = (SNIPPET_LENGTH + 1) * 4;
        return snippet(new String(data, from, Math.min(length, needed), StandardCharsets.UTF_8));
    }

    static LlmException invalidResponse(String provider, String message, Throwable cause) {
        return LlmException.builder(ErrorTaxonomy.INVALID_RESPONSE).provider(provider).message(message)
                .cause(cause).build();
    }

    /**
     * Parses one complete JSON value. Unlike {@code JsonReader.readValue}, text after the value is
     * an error, not silently ignored.
     *
     * @throws JsonException when the text is not exactly one JSON value
     */
    static JsonValue readValue(String text) {
        try (JsonParser parser = PARSERS.createParser(new StringSource(text))) {
            if (!parser.hasNext()) {
                throw new JsonException("no JSON value");
            }
            parser.next();
            JsonValue value = parser.getValue();
            if (parser.hasNext()) {
                throw new JsonException("text after the JSON value");
            }
            return value;
        } catch (IllegalStateException | NoSuchElementException e) {
            throw new JsonException(e.getMessage(), e);
        }
    }

    /**
     * The next value of {@code reader} as a JSON-P tree, for the rare value wanted whole (an error
     * object, tool-call arguments sent as JSON): the reader validates and skips it, then Parsson
     * parses its text.
     *
     * @throws JsonException when the value is malformed, and also for Parsson's own limits on
     *                       numbers (over 1,100 characters, an exponent beyond {@code int}), which
     *                       Parsson reports with other exceptions
     */
    static JsonValue readTree(JsonBytesReader reader) {
        String text = reader.skipValueAsText();
        try {
            return readValue(text);
        } catch (UnsupportedOperationException | NumberFormatException e) {
            throw new JsonException(e.getMessage(), e);
        }
    }

    /** An error given as a bare string, wrapped as {@code {"message": text}}. */
    static JsonObject errorFromString(String text) {
        return PROVIDER.createObjectBuilder().add("message", text).build();
    }

    /** Reported usage; a negative count is a broken body, not a reason for an IllegalArgumentException. */
    static Usage usage(String provider, long input, long cached, long output, long reasoning) {
        if (input < 0 || cached < 0 || output < 0 || reasoning < 0) {
            throw invalidResponse(provider, "usage has a negative token count", null);
        }
        return Usage.of(input, cached, output, reasoning);
    }

    /** Empty text is no text: providers send {@code ""} where they mean "nothing". */
    static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    private static Map<String, ?> factoryConfig(JsonProvider provider) {
        if (provider.getClass().getName().startsWith("org.eclipse.parsson.")) {
            return ParssonBuffers.CONFIG; // only then is Parsson's BufferPool type loaded
        }
        return Map.of();
    }

    /**
     * The text of a {@link String} as a {@link Reader} for the JSON-P parser: a
     * {@link java.io.StringReader} without its lock and per-call checks (one parser reads it, on
     * one thread, once).
     *
     * <p>Thread-safety: not thread-safe; one parser's.
     */
    static final class StringSource extends Reader {
        private final String text;
        private int next;

        StringSource(String text) {
            super(text); // the lock Reader requires; never used
            this.text = text;
        }

        @Override
        public int read(char[] buffer, int offset, int length) {
            int left = text.length() - next;
            if (left <= 0) {
                return -1;
            }
            if (length <= 0) {
                return 0;
            }
            int n = Math.min(length, left);
            text.getChars(next, next + n, buffer, offset);
            next += n;
            return n;
        }

        @Override
        public int read() {
            return next < text.length() ? text.charAt(next++) : -1;
        }

        @Override
        public void close() {
            // nothing to release
        }
    }

    /**
     * Parsson's parser and generator take a 4096-char buffer from a pool and give it back when
     * closed. Its default pool is a {@code ConcurrentLinkedQueue} behind a weak reference: a queue
     * node allocated on every return, and after each garbage collection the pool is gone and every
     * parser allocates 8 KiB afresh. For a parser per streamed chunk, this pool instead keeps a
     * few buffers in fixed slots (two per processor, at most 32: a bounded 8 KiB each) and
     * allocates nothing to take or return one. Buffers Parsson grew for a long token are not kept.
     *
     * <p>Thread-safety: lock-free; slots are claimed with atomic swaps.
     */
    private static final class ParssonBuffers implements org.eclipse.parsson.api.BufferPool {
        static final Map<String, ?> CONFIG = Map.of(org.eclipse.parsson.api.BufferPool.class.getName(),
                new ParssonBuffers(Runtime.getRuntime().availableProcessors() * 2));
        /** Parsson's own buffer size. */
        private static final int BUFFER_CHARS = 4096;

        private final AtomicReferenceArray<char[]> slots;
        private final int mask;

        private ParssonBuffers(int wanted) {
            int size = Integer.highestOneBit(Math.max(2, Math.min(32, wanted)) * 2 - 1);
            this.slots = new AtomicReferenceArray<>(size);
            this.mask = size - 1;
        }

        @Override
        public char[] take() {
            int start = (int) Thread.currentThread().getId();
            for (int k = 0; k <= mask; k++) {
                int i = (start + k) & mask;
                if (slots.getPlain(i) != null) {
                    char[] buffer = slots.getAndSet(i, null);
                    if (buffer != null) {
                        return buffer;
                    }
                }
            }
            return new char[BUFFER_CHARS];
        }

        @Override
        public void recycle(char[] buffer) {
            if (buffer == null || buffer.length != BUFFER_CHARS) {
                return;
            }
            int start = (int) Thread.currentThread().getId();
            for (int k = 0; k <= mask; k++) {
                int i = (start + k) & mask;
                if (slots.getPlain(i) == null && slots.compareAndSet(i, null, buffer)) {
                    return;
                }
            }
        }
    }
}
