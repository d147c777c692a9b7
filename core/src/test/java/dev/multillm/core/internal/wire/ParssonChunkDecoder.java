package dev.multillm.core.internal.wire;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.FinishReason;
import dev.multillm.core.LlmException;
import dev.multillm.core.ToolCallDelta;
import dev.multillm.core.Usage;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The test oracle for {@link ChunkDecoder}: its implementation before it read bytes, on JSON-P's
 * streaming parser (Parsson), kept verbatim apart from two additions.
 *
 * <p>First, the payload is parsed once as a tree before it is decoded: Parsson's
 * {@code skipObject} and {@code skipArray} only count brackets, so the streaming decoder accepted
 * malformed JSON inside skipped values, which {@link ChunkDecoder} rejects. Second, any exception is
 * a rejection: the old decoder let a few of Parsson's own exceptions escape unwrapped (a number
 * over 1,100 characters, an exponent beyond {@code int}, nesting 1,000 deep), which the new one
 * reports as {@link ErrorTaxonomy#INVALID_RESPONSE}.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class ParssonChunkDecoder {
    private ParssonChunkDecoder() {
    }

    /**
     * Decodes {@code data} as the old decoder did, or returns null where it rejected the payload
     * (or should have: see the class comment).
     */
    static DecodedChunk decodeOrNull(String data) {
        try {
            WireJson.readValue(data);
            return decode(data);
        } catch (RuntimeException rejected) {
            return null;
        }
    }

    /**
     * Decodes one payload.
     *
     * @param data the text of the event's {@code data} field (not {@code [DONE]})
     * @return the decoded chunk
     * @throws LlmException {@link ErrorTaxonomy#INVALID_RESPONSE} when the payload is not one JSON
     *                      object (or reports a negative token count); it names no provider, which
     *                      the caller adds with {@link LlmException#toBuilder()}
     */
    static DecodedChunk decode(String data) {
        if (data == null || data.isBlank()) {
            throw WireJson.invalidResponse(null, "stream chunk is empty", null);
        }
        try (JsonParser parser = WireJson.PARSERS.createParser(new WireJson.StringSource(data))) {
            if (!parser.hasNext() || parser.next() != Event.START_OBJECT) {
                throw WireJson.invalidResponse(null,
                        "stream chunk is not a JSON object: " + WireJson.snippet(data), null);
            }
            DecodedChunk decoded = new Reader(parser).chunk();
            if (parser.hasNext()) { // throws on trailing text
                throw WireJson.invalidResponse(null,
                        "stream chunk has text after its JSON object: " + WireJson.snippet(data), null);
            }
            return decoded;
        } catch (JsonException | IllegalStateException | NoSuchElementException | ArithmeticException e) {
            throw WireJson.invalidResponse(null,
                    "stream chunk is not valid JSON (" + e.getMessage() + "): " + WireJson.snippet(data), e);
        }
    }

    /**
     * One pass over one payload; positioned just after the top-level START_OBJECT.
     *
     * <p>Keys are matched by length, then {@link String#equals} (no {@code switch} on strings: it
     * hashes every key, a fresh string each time). The reader doubles as the first choice's
     * fields, and that choice's chunk is built once the whole payload is read (the model may come
     * after the choices), so the common one-choice payload allocates one {@link ChatChunk} and one
     * {@code List.of(chunk)}, nothing in between.
     */
    private static final class Reader extends ChoiceDelta {
        private final JsonParser p;
        private Map<String, Object> timings;
        /** How many choices the (last) {@code choices} array had; the first is this reader. */
        private int choiceCount;
        /** The choices after the first, for the rare payload with several; else null. */
        private List<ChoiceDelta> moreChoices;

        Reader(JsonParser parser) {
            this.p = parser;
        }

        DecodedChunk chunk() {
            String id = null;
            String model = null;
            Usage usage = null;
            JsonObject error = null;
            GroqPart groq = null;
            while (p.next() == Event.KEY_NAME) {
                String key = p.getString();
                Event value = p.next();
                switch (key.length()) {
                    case 2 -> {
                        if (key.equals("id")) {
                            id = string(value);
                        } else {
                            skip(value);
                        }
                    }
                    case 5 -> {
                        if (key.equals("model")) {
                            model = string(value);
                        } else if (key.equals("usage")) {
                            usage = usage(value);
                        } else if (key.equals("error")) {
                            error = error(value);
                        } else {
                            skip(value);
                        }
                    }
                    case 6 -> {
                        if (key.equals("x_groq")) {
                            groq = groq(value);
                        } else {
                            skip(value);
                        }
                    }
                    case 7 -> {
                        if (key.equals("choices")) {
                            choices(value);
                        } else {
                            skip(value);
                        }
                    }
                    default -> skip(value);
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
        private void choices(Event value) {
            choiceCount = 0;
            moreChoices = null;
            if (value != Event.START_ARRAY) {
                skip(value);
                return;
            }
            Event e;
            while ((e = p.next()) != Event.END_ARRAY) {
                if (e == Event.START_OBJECT) {
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
                } else {
                    skip(e);
                }
            }
        }

        private void choice(ChoiceDelta c, int position) {
            c.index = position;
            while (p.next() == Event.KEY_NAME) {
                String key = p.getString();
                Event value = p.next();
                switch (key.length()) {
                    case 5 -> {
                        if (key.equals("index")) {
                            if (value == Event.VALUE_NUMBER) {
                                c.index = p.getInt();
                            } else {
                                skip(value);
                            }
                        } else if (key.equals("delta")) {
                            delta(value, c);
                        } else {
                            skip(value);
                        }
                    }
                    case 13 -> {
                        if (key.equals("finish_reason")) {
                            c.finishReason = FinishReason.fromWire(WireJson.emptyToNull(string(value)));
                        } else {
                            skip(value);
                        }
                    }
                    default -> skip(value);
                }
            }
        }

        private void delta(Event value, ChoiceDelta c) {
            if (value != Event.START_OBJECT) {
                skip(value);
                return;
            }
            while (p.next() == Event.KEY_NAME) {
                String key = p.getString();
                Event v = p.next();
                switch (key.length()) {
                    case 7 -> {
                        if (key.equals("content")) {
                            c.content = WireJson.emptyToNull(string(v));
                        } else if (key.equals("refusal")) {
                            c.refusal = WireJson.emptyToNull(string(v));
                        } else {
                            skip(v);
                        }
                    }
                    case 9 -> {
                        if (key.equals("reasoning")) {
                            c.reasoning = WireJson.emptyToNull(string(v));
                        } else {
                            skip(v);
                        }
                    }
                    case 10 -> {
                        if (key.equals("tool_calls")) {
                            c.toolCalls = toolCalls(v);
                        } else {
                            skip(v);
                        }
                    }
                    case 17 -> {
                        if (key.equals("reasoning_content")) {
                            c.reasoningContent = WireJson.emptyToNull(string(v));
                        } else {
                            skip(v);
                        }
                    }
                    default -> skip(v);
                }
            }
        }

        private List<ToolCallDelta> toolCalls(Event value) {
            if (value != Event.START_ARRAY) {
                skip(value);
                return List.of();
            }
            ToolCallDelta first = null;
            List<ToolCallDelta> calls = null;
            Event e;
            while ((e = p.next()) != Event.END_ARRAY) {
                if (e == Event.START_OBJECT) {
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
                } else {
                    skip(e);
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
            while (p.next() == Event.KEY_NAME) {
                String key = p.getString();
                Event v = p.next();
                if (key.equals("index")) {
                    if (v == Event.VALUE_NUMBER) {
                        index = p.getInt();
                    } else {
                        skip(v);
                    }
                } else if (key.equals("id")) {
                    id = WireJson.emptyToNull(string(v));
                } else if (key.equals("function")) {
                    if (v != Event.START_OBJECT) {
                        skip(v);
                        continue;
                    }
                    while (p.next() == Event.KEY_NAME) {
                        String fkey = p.getString();
                        Event fv = p.next();
                        if (fkey.equals("arguments")) {
                            // Text normally; a server that sends a JSON object gets it serialized.
                            arguments = fv == Event.START_OBJECT ? p.getObject().toString() : string(fv);
                        } else if (fkey.equals("name")) {
                            name = WireJson.emptyToNull(string(fv));
                        } else {
                            skip(fv);
                        }
                    }
                } else {
                    skip(v); // "type" too: it may be "function", "" or absent
                }
            }
            return new ToolCallDelta(index, id, name, arguments);
        }

        private Usage usage(Event value) {
            if (value != Event.START_OBJECT) {
                skip(value);
                return null;
            }
            Long input = null;
            Long output = null;
            long cached = 0;
            long cacheHit = 0;
            long reasoning = 0;
            while (p.next() == Event.KEY_NAME) {
                String key = p.getString();
                Event v = p.next();
                switch (key) {
                    case "prompt_tokens" -> input = number(v);
                    case "completion_tokens" -> output = number(v);
                    case "prompt_cache_hit_tokens" -> cacheHit = orZero(number(v));
                    case "prompt_tokens_details" -> cached = detail(v, "cached_tokens");
                    case "completion_tokens_details" -> reasoning = detail(v, "reasoning_tokens");
                    case "queue_time", "prompt_time", "completion_time", "total_time" -> timing(key, v);
                    default -> skip(v);
                }
            }
            if (input == null && output == null) {
                return null;
            }
            return WireJson.usage(null, orZero(input), cached != 0 ? cached : cacheHit, orZero(output), reasoning);
        }

        /** Groq's timing fields (seconds), kept as metadata {@code groq.<field>}. */
        private void timing(String field, Event value) {
            if (value != Event.VALUE_NUMBER) {
                skip(value);
                return;
            }
            if (timings == null) {
                timings = new java.util.LinkedHashMap<>(4);
            }
            timings.put("groq." + field, p.getBigDecimal().doubleValue());
        }

        private long detail(Event value, String wanted) {
            if (value != Event.START_OBJECT) {
                skip(value);
                return 0;
            }
            long result = 0;
            while (p.next() == Event.KEY_NAME) {
                String key = p.getString();
                Event v = p.next();
                if (wanted.equals(key)) {
                    result = orZero(number(v));
                } else {
                    skip(v);
                }
            }
            return result;
        }

        private GroqPart groq(Event value) {
            if (value != Event.START_OBJECT) {
                skip(value);
                return null;
            }
            GroqPart groq = new GroqPart();
            while (p.next() == Event.KEY_NAME) {
                String key = p.getString();
                Event v = p.next();
                switch (key) {
                    case "id" -> groq.id = string(v);
                    case "usage" -> groq.usage = usage(v);
                    case "error" -> groq.error = error(v);
                    default -> skip(v);
                }
            }
            return groq;
        }

        /** Errors are rare: a tree is fine here. A bare string becomes {@code {"message": ...}}. */
        private JsonObject error(Event value) {
            if (value == Event.START_OBJECT) {
                return p.getObject();
            }
            if (value == Event.VALUE_STRING) {
                return WireJson.errorFromString(p.getString());
            }
            skip(value);
            return null;
        }

        private String string(Event value) {
            if (value == Event.VALUE_STRING || value == Event.VALUE_NUMBER) {
                return p.getString();
            }
            skip(value);
            return null;
        }

        private Long number(Event value) {
            if (value == Event.VALUE_NUMBER) {
                return p.isIntegralNumber() ? p.getLong() : p.getBigDecimal().longValue();
            }
            skip(value);
            return null;
        }

        private static long orZero(Long value) {
            return value == null ? 0 : value;
        }

        private void skip(Event value) {
            if (value == Event.START_OBJECT) {
                p.skipObject();
            } else if (value == Event.START_ARRAY) {
                p.skipArray();
            }
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
