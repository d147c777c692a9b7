package dev.multillm.core.internal.wire;

import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.Usage;
import jakarta.json.JsonValue.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What one {@code usage} object says, read from a {@link JsonBytesReader}: the token counts and
 * Groq's timing fields. Streamed chunks and whole bodies carry the same object, so
 * {@link ChunkDecoder} and {@link ResponseDecoder} both read it here.
 *
 * <p>The counts: {@code prompt_tokens} and {@code completion_tokens}; cached input from
 * {@code prompt_tokens_details.cached_tokens}, else (when that is absent or zero) DeepSeek's
 * {@code prompt_cache_hit_tokens}; reasoning from {@code completion_tokens_details.reasoning_tokens}.
 * For a key given twice the last value counts; a value that is not a number counts as absent.
 * Numbers are read as JSON-P's {@code getLong} reads them: a fraction is truncated, a value out of
 * range keeps its low bits. Unknown keys are skipped.
 *
 * <p>The timing fields ({@code queue_time}, ..., in seconds) are kept two ways, because the two
 * decoders always kept them differently where a field is given twice: {@link #timing(int)} is what
 * a tree of the object holds (the last value, if it is a number), {@link #lastNumericTiming(int)}
 * the last value that was a number.
 *
 * <p>Thread-safety: not thread-safe; one instance per object read, used by one thread.
 */
final class UsageFields {
    /** Groq's timing fields, in the order of the indexes {@link #timing(int)} takes. */
    static final List<String> TIMING_FIELDS = List.of("queue_time", "prompt_time", "completion_time", "total_time");
    /** The metadata key of each timing field: {@code groq.<field>}. */
    private static final String[] TIMING_KEYS = TIMING_FIELDS.stream().map(f -> "groq." + f).toArray(String[]::new);
    private static final byte[][] TIMINGS = TIMING_FIELDS.stream().map(UsageFields::ascii).toArray(byte[][]::new);
    private static final byte[] PROMPT_TOKENS = ascii("prompt_tokens");
    private static final byte[] COMPLETION_TOKENS = ascii("completion_tokens");
    private static final byte[] PROMPT_CACHE_HIT_TOKENS = ascii("prompt_cache_hit_tokens");
    private static final byte[] PROMPT_TOKENS_DETAILS = ascii("prompt_tokens_details");
    private static final byte[] CACHED_TOKENS = ascii("cached_tokens");
    private static final byte[] COMPLETION_TOKENS_DETAILS = ascii("completion_tokens_details");
    private static final byte[] REASONING_TOKENS = ascii("reasoning_tokens");

    private final JsonBytesReader r;
    private boolean hasInput;
    private boolean hasOutput;
    private long input;
    private long output;
    private long cached;
    private long cacheHit;
    private long reasoning;
    /** The last numeric value of each timing field, NaN for none; null until a timing field is seen. */
    private double[] timings;
    /** Bit {@code k}: the last value of timing field {@code k} was not a number. */
    private int lastNotNumeric;

    private UsageFields(JsonBytesReader reader) {
        this.r = reader;
    }

    /** Reads the object the reader is at (its next value must be an object). */
    static UsageFields read(JsonBytesReader reader) {
        UsageFields fields = new UsageFields(reader);
        fields.readObject();
        return fields;
    }

    /** The metadata key of timing field {@code field}: {@code groq.<name>}. */
    static String timingKey(int field) {
        return TIMING_KEYS[field];
    }

    /**
     * The usage the object reports, or null when it gives neither {@code prompt_tokens} nor
     * {@code completion_tokens} (then it reports none, which is not zero).
     *
     * @param provider named in the exception, may be null
     * @throws LlmException {@link ErrorTaxonomy#INVALID_RESPONSE} for a negative count
     */
    Usage usage(String provider) {
        if (!hasInput && !hasOutput) {
            return null;
        }
        return WireJson.usage(provider, input, cached != 0 ? cached : cacheHit, output, reasoning);
    }

    /** Timing field {@code field} as a tree holds it: its last value if that is a number, else NaN. */
    double timing(int field) {
        return (lastNotNumeric & 1 << field) != 0 ? Double.NaN : lastNumericTiming(field);
    }

    /** The last value of timing field {@code field} that was a number, NaN if none was. */
    double lastNumericTiming(int field) {
        return timings == null ? Double.NaN : timings[field];
    }

    private void readObject() {
        r.beginObject();
        while (r.nextKey()) {
            if (r.keyIs(PROMPT_TOKENS)) {
                hasInput = r.peek() == ValueType.NUMBER;
                input = count();
            } else if (r.keyIs(COMPLETION_TOKENS)) {
                hasOutput = r.peek() == ValueType.NUMBER;
                output = count();
            } else if (r.keyIs(PROMPT_CACHE_HIT_TOKENS)) {
                cacheHit = count();
            } else if (r.keyIs(PROMPT_TOKENS_DETAILS)) {
                cached = detail(CACHED_TOKENS);
            } else if (r.keyIs(COMPLETION_TOKENS_DETAILS)) {
                reasoning = detail(REASONING_TOKENS);
            } else {
                timingOrSkip();
            }
        }
    }

    private void timingOrSkip() {
        for (int k = 0; k < TIMINGS.length; k++) {
            if (r.keyIs(TIMINGS[k])) {
                if (r.peek() == ValueType.NUMBER) {
                    if (timings == null) {
                        timings = new double[TIMINGS.length];
                        Arrays.fill(timings, Double.NaN);
                    }
                    timings[k] = r.readDouble();
                    lastNotNumeric &= ~(1 << k);
                } else {
                    r.skipValue();
                    lastNotNumeric |= 1 << k;
                }
                return;
            }
        }
        r.skipValue();
    }

    /** The count in the object under {@code wanted}, or 0; 0 when the value is not an object. */
    private long detail(byte[] wanted) {
        if (r.peek() != ValueType.OBJECT) {
            r.skipValue();
            return 0;
        }
        long result = 0;
        r.beginObject();
        while (r.nextKey()) {
            if (r.keyIs(wanted)) {
                result = count();
            } else {
                r.skipValue();
            }
        }
        return result;
    }

    /** A number as a count; 0 (the value skipped) for anything else. */
    private long count() {
        if (r.peek() == ValueType.NUMBER) {
            return r.readLong();
        }
        r.skipValue();
        return 0;
    }

    private static byte[] ascii(String key) {
        return key.getBytes(StandardCharsets.US_ASCII);
    }
}
