package dev.multillm.core.internal.wire;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.FinishReason;
import dev.multillm.core.LlmException;
import dev.multillm.core.ToolCallDelta;
import dev.multillm.core.Usage;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the {@code data:} payload of one streamed {@code chat.completion.chunk}.
 *
 * <p>This is the hot path: it runs for every token. It reads the payload's UTF-8 bytes in place
 * with a {@link JsonBytesReader}, matching keys without making strings of them and making a string
 * only of the values kept; it builds no tree (except for the rare error object, and for tool-call
 * arguments sent as a JSON object) and binds no records. Unknown fields of any nesting are
 * skipped; {@code null} is accepted wherever a value may be absent; empty text ({@code ""}) is read
 * as no text. Reasoning comes from {@code reasoning} (Groq, OpenRouter, newer vLLM) or else
 * {@code reasoning_content} (DeepSeek, older vLLM). Usage comes from the top-level {@code usage},
 * else Groq's {@code x_groq.usage}: a chunk carrying both counts once (each object is read by
 * {@link UsageFields}, as whole bodies' are). Numbers read as counts and
 * indexes follow JSON-P's {@code getLong} and {@code getInt}: a fraction is truncated, a value out
 * of range keeps its low bits.
 *
 * <p>Thread-safety: stateless and thread-safe; each call uses its own reader.
 */
public final class ChunkDecoder {
    private static final byte[] ID = ascii("id");
    private static final byte[] MODEL = ascii("model");
    private static final byte[] USAGE = ascii("usage");
    private static final byte[] ERROR = ascii("error");
    private static final byte[] X_GROQ = ascii("x_groq");
    private static final byte[] CHOICES = ascii("choices");
    private static final byte[] INDEX = ascii("index");
    private static final byte[] DELTA = ascii("delta");
    private static final byte[] FINISH_REASON = ascii("finish_reason");
    private static final byte[] CONTENT = ascii("content");
    private static final byte[] REFUSAL = ascii("refusal");
    private static final byte[] REASONING = ascii("reasoning");
    private static final byte[] REASONING_CONTENT = ascii("reasoning_content");
    private static final byte[] TOOL_CALLS = ascii("tool_calls");
    private static final byte[] FUNCTION = ascii("function");
    private static final byte[] NAME = ascii("name");
    private static final byte[] ARGUMENTS = ascii("arguments");

    private ChunkDecoder() {
    }

    /**
     * Decodes one payload given as text; the same as {@link #decode(byte[], int, int)} on its
     * UTF-8 bytes (a lone surrogate, which no decoded UTF-8 holds, becomes {@code '?'}).
     *
     * @param data the text of the event's {@code data} field (not {@code [DONE]})
     * @return the decoded chunk
     * @throws LlmException {@link ErrorTaxonomy#INVALID_RESPONSE} as {@link #decode(byte[], int, int)}
     */
    public static DecodedChunk decode(String data) {
        if (data == null) {
            throw WireJson.invalidResponse(null, "stream chunk is empty", null);
        }
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return decode(bytes, 0, bytes.length);
    }

    /**
     * Decodes one payload from its UTF-8 bytes {@code data[from, from + length)}, which are only
     * read, and only during the call. Text is decoded as {@code new String(bytes, UTF_8)} would
     * decode it: a malformed sequence in a string becomes U+FFFD.
     *
     * @return the decoded chunk
     * @throws LlmException {@link ErrorTaxonomy#INVALID_RESPONSE} when the payload is not one JSON
     *                      object (or reports a negative token count); it names no provider, which
     *                      the caller adds with {@link LlmException#toBuilder()}
     * @throws IndexOutOfBoundsException if the range is not inside {@code data}
     */
    public static DecodedChunk decode(byte[] data, int from, int length) {
        return decode(data, from, length, null, null);
    }

    /**
     * As {@link #decode(byte[], int, int)}, returning {@code knownId} and {@code knownModel}
     * themselves (not new equal strings) when the payload's {@code id} and {@code model} are the
     * same text: a stream repeats both in every chunk, and the previous chunk's strings serve.
     *
     * @param knownId    the id of an earlier chunk of the stream, or null
     * @param knownModel the model of an earlier chunk of the stream, or null
     */
    public static DecodedChunk decode(byte[] data, int from, int length, String knownId, String knownModel) {
        Objects.checkFromIndexSize(from, length, data.length);
        JsonBytesReader reader = new JsonBytesReader(data, from, length);
        try {
            if (reader.atEnd()) {
                throw WireJson.invalidResponse(null, "stream chunk is empty", null);
            }
            if (reader.peek() != ValueType.OBJECT) {
                throw WireJson.invalidResponse(null,
                        "stream chunk is not a JSON object: " + WireJson.snippet(data, from, length), null);
            }
            DecodedChunk decoded = new Reader(reader, knownId, knownModel).chunk();
            if (!reader.atEnd()) {
                throw WireJson.invalidResponse(null,
                        "stream chunk has text after its JSON object: " + WireJson.snippet(data, from, length), null);
            }
            return decoded;
        } catch (JsonException e) {
            throw WireJson.invalidResponse(null, "stream chunk is not valid JSON (" + e.getMessage() + "): "
                    + WireJson.snippet(data, from, length), e);
        }
    }

    private static byte[] ascii(String key) {
        return key.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * One pass over one payload; positioned at the top-level object.
     *
     * <p>The reader doubles as the first choice's fields, and that choice's chunk is built once
     * the whole payload is read (the model may come after the choices), so the common one-choice
     * payload allocates one {@link ChatChunk} and one {@code List.of(chunk)}, nothing in between.
     */
    private static final class Reader extends ChoiceDelta {
        private final JsonBytesReader r;
        private Map<String, Object> timings;
        /** How many choices the (last) {@code choices} array had; the first is this reader. */
        private int choiceCount;
        /** The choices after the first, for the rare payload with several; else null. */
        private List<ChoiceDelta> moreChoices;

        private final String knownId;
        private final String knownModel;

        Reader(JsonBytesReader reader, String knownId, String knownModel) {
            this.r = reader;
            this.knownId = knownId;
            this.knownModel = knownModel;
        }

        DecodedChunk chunk() {
            String id = null;
            String model = null;
            Usage usage = null;
            JsonObject error = null;
            GroqPart groq = null;
            r.beginObject();
            while (r.nextKey()) {
                if (r.keyIs(ID)) {
                    id = text(knownId);
                } else if (r.keyIs(MODEL)) {
                    model = text(knownModel);
                } else if (r.keyIs(CHOICES)) {
                    choices();
                } else if (r.keyIs(USAGE)) {
                    usage = usage();
                } else if (r.keyIs(X_GROQ)) {
                    groq = groq();
                } else if (r.keyIs(ERROR)) {
                    error = error();
                } else {
                    r.skipValue();
                }
            }
            if (groq != null) {
                if (usage == null) {
                    usage = groq.usage;
                }
                if (error == null) {
                    error = groq.error;
                }
            }
            List<ChatChunk> chunks;
            if (choiceCount == 0) {
                chunks = List.of();
            } else if (choiceCount == 1) {
                chunks = List.of(toChunk(this, model));
            } else {
                ChatChunk[] all = new ChatChunk[choiceCount];
                all[0] = toChunk(this, model);
                for (int k = 1; k < choiceCount; k++) {
                    all[k] = toChunk(moreChoices.get(k - 1), model);
                }
                chunks = List.of(all);
            }
            return new DecodedChunk(id, model, chunks, usage, error, groq == null ? null : groq.id, timings);
        }

        private static ChatChunk toChunk(ChoiceDelta c, String model) {
            return new ChatChunk(c.index, c.content, c.reasoning != null ? c.reasoning : c.reasoningContent,
                    c.refusal, c.toolCalls, c.finishReason, null, model);
        }

        /** Reads a {@code choices} value; a later {@code choices} key replaces an earlier one. */
        private void choices() {
            choiceCount = 0;
            moreChoices = null;
            if (r.peek() != ValueType.ARRAY) {
                r.skipValue();
                return;
            }
            r.beginArray();
            while (r.nextElement()) {
                if (r.peek() != ValueType.OBJECT) {
                    r.skipValue();
                    continue;
                }
                ChoiceDelta c;
                if (choiceCount == 0) {
                    c = this;
                    reset();
                } else {
                    c = new ChoiceDelta();
                    if (moreChoices == null) {
                        moreChoices = new ArrayList<>(2);
                    }
                    moreChoices.add(c);
                }
                choice(c, choiceCount);
                choiceCount++;
            }
        }

        private void choice(ChoiceDelta c, int position) {
            c.index = position;
            r.beginObject();
            while (r.nextKey()) {
                if (r.keyIs(DELTA)) {
                    delta(c);
                } else if (r.keyIs(INDEX)) {
                    if (r.peek() == ValueType.NUMBER) {
                        c.index = r.readInt();
                    } else {
                        r.skipValue();
                    }
                } else if (r.keyIs(FINISH_REASON)) {
                    c.finishReason = FinishReason.fromWire(WireJson.emptyToNull(text()));
                } else {
                    r.skipValue();
                }
            }
        }

        private void delta(ChoiceDelta c) {
            if (r.peek() != ValueType.OBJECT) {
                r.skipValue();
                return;
            }
            r.beginObject();
            while (r.nextKey()) {
                if (r.keyIs(CONTENT)) {
                    c.content = WireJson.emptyToNull(text());
                } else if (r.keyIs(REASONING)) {
                    c.reasoning = WireJson.emptyToNull(text());
                } else if (r.keyIs(TOOL_CALLS)) {
                    c.toolCalls = toolCalls();
                } else if (r.keyIs(REFUSAL)) {
                    c.refusal = WireJson.emptyToNull(text());
                } else if (r.keyIs(REASONING_CONTENT)) {
                    c.reasoningContent = WireJson.emptyToNull(text());
                } else {
                    r.skipValue();
                }
            }
        }

        private List<ToolCallDelta> toolCalls() {
            if (r.peek() != ValueType.ARRAY) {
                r.skipValue();
                return List.of();
            }
            ToolCallDelta first = null;
            List<ToolCallDelta> calls = null;
            r.beginArray();
            while (r.nextElement()) {
                if (r.peek() != ValueType.OBJECT) {
                    r.skipValue();
                    continue;
                }
                ToolCallDelta call = toolCall();
                if (first == null) {
                    first = call;
                } else {
                    if (calls == null) {
                        calls = new ArrayList<>(4);
                        calls.add(first);
                    }
                    calls.add(call);
                }
            }
            // Immutable already, so ChatChunk keeps it as it is instead of copying it.
            return first == null ? List.of() : calls == null ? List.of(first) : List.copyOf(calls);
        }

        private ToolCallDelta toolCall() {
            Integer index = null;
            String id = null;
            String name = null;
            String arguments = null;
            r.beginObject();
            while (r.nextKey()) {
                if (r.keyIs(INDEX)) {
                    if (r.peek() == ValueType.NUMBER) {
                        index = r.readInt();
                    } else {
                        r.skipValue();
                    }
                } else if (r.keyIs(ID)) {
                    id = WireJson.emptyToNull(text());
                } else if (r.keyIs(FUNCTION) && r.peek() == ValueType.OBJECT) {
                    r.beginObject();
                    while (r.nextKey()) {
                        if (r.keyIs(ARGUMENTS)) {
                            // Text normally; a server that sends a JSON object gets it serialized.
                            arguments = r.peek() == ValueType.OBJECT ? tree().toString() : text();
                        } else if (r.keyIs(NAME)) {
                            name = WireJson.emptyToNull(text());
                        } else {
                            r.skipValue();
                        }
                    }
                } else {
                    r.skipValue(); // "type" too: it may be "function", "" or absent
                }
            }
            return new ToolCallDelta(index, id, name, arguments);
        }

        /**
         * Reads a {@code usage} value; Groq's timing fields in it become metadata
         * {@code groq.<field>}, where a later value that is a number replaces an earlier one.
         */
        private Usage usage() {
            if (r.peek() != ValueType.OBJECT) {
                r.skipValue();
                return null;
            }
            UsageFields fields = UsageFields.read(r);
            for (int k = 0; k < UsageFields.TIMING_FIELDS.size(); k++) {
                double seconds = fields.lastNumericTiming(k);
                if (!Double.isNaN(seconds)) {
                    if (timings == null) {
                        timings = new LinkedHashMap<>(4);
                    }
                    timings.put(UsageFields.timingKey(k), seconds);
                }
            }
            return fields.usage(null);
        }

        private GroqPart groq() {
            if (r.peek() != ValueType.OBJECT) {
                r.skipValue();
                return null;
            }
            GroqPart groq = new GroqPart();
            r.beginObject();
            while (r.nextKey()) {
                if (r.keyIs(ID)) {
                    groq.id = text();
                } else if (r.keyIs(USAGE)) {
                    groq.usage = usage();
                } else if (r.keyIs(ERROR)) {
                    groq.error = error();
                } else {
                    r.skipValue();
                }
            }
            return groq;
        }

        /** Errors are rare: a tree is fine here. A bare string becomes {@code {"message": ...}}. */
        private JsonObject error() {
            return switch (r.peek()) {
                case OBJECT -> tree();
                case STRING -> WireJson.errorFromString(r.readString());
                default -> {
                    r.skipValue();
                    yield null;
                }
            };
        }

        /** The object at the reader, validated by the reader, as a JSON-P tree. */
        private JsonObject tree() {
            return WireJson.readTree(r).asJsonObject();
        }

        /** A string, or a number as written; null (the value skipped) for anything else. */
        private String text() {
            return text(null);
        }

        /** A string or number value as text; {@code reuse} itself when the value is that text. */
        private String text(String reuse) {
            return switch (r.peek()) {
                case STRING -> r.readString(reuse);
                case NUMBER -> r.readNumberText();
                default -> {
                    r.skipValue();
                    yield null;
                }
            };
        }
    }

    /** What one choice of the payload said. */
    private static class ChoiceDelta {
        int index;
        String content;
        String reasoning;
        String reasoningContent;
        String refusal;
        List<ToolCallDelta> toolCalls = List.of();
        FinishReason finishReason;

        /** Back to what a fresh instance holds. */
        final void reset() {
            index = 0;
            content = null;
            reasoning = null;
            reasoningContent = null;
            refusal = null;
            toolCalls = List.of();
            finishReason = null;
        }
    }

    /** Groq's {@code x_groq} object. */
    private static final class GroqPart {
        String id;
        Usage usage;
        JsonObject error;
    }
}
