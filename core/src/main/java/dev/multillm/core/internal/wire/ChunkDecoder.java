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
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Reads the {@code data:} payload of one streamed {@code chat.completion.chunk}.
 *
 * <p>This is the hot path: it runs for every token. It reads with JSON-P's streaming
 * {@link JsonParser} and builds no tree (except for the rare error object) and binds no records.
 * Unknown fields of any nesting are skipped; {@code null} is accepted wherever a value may be
 * absent; empty text ({@code ""}) is read as no text. Reasoning comes from {@code reasoning} (Groq,
 * OpenRouter, newer vLLM) or else {@code reasoning_content} (DeepSeek, older vLLM). Usage comes
 * from the top-level {@code usage}, else Groq's {@code x_groq.usage}: a chunk carrying both counts
 * once.
 *
 * <p>Thread-safety: stateless and thread-safe; the JSON-P parser factory is shared.
 */
public final class ChunkDecoder {
    private ChunkDecoder() {
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
    public static DecodedChunk decode(String data) {
        if (data == null || data.isBlank()) {
            throw WireJson.invalidResponse(null, "stream chunk is empty", null);
        }
        try (JsonParser parser = WireJson.PARSERS.createParser(new StringReader(data))) {
            if (!parser.hasNext() || parser.next() != Event.START_OBJECT) {
                throw WireJson.invalidResponse(null, "stream chunk is not a JSON object: " + WireJson.snippet(data),
                        null);
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

    /** One pass over one payload; positioned just after the top-level START_OBJECT. */
    private static final class Reader {
        private final JsonParser p;
        private Map<String, Object> timings;

        Reader(JsonParser parser) {
            this.p = parser;
        }

        DecodedChunk chunk() {
            String id = null;
            String model = null;
            List<ChoiceDelta> choices = List.of();
            Usage usage = null;
            JsonObject error = null;
            GroqPart groq = null;
            while (p.next() == Event.KEY_NAME) {
                String key = p.getString();
                Event value = p.next();
                switch (key) {
                    case "id" -> id = string(value);
                    case "model" -> model = string(value);
                    case "choices" -> choices = choices(value);
                    case "usage" -> usage = usage(value);
                    case "x_groq" -> groq = groq(value);
                    case "error" -> error = error(value);
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
            if (choices.isEmpty()) {
                chunks = List.of();
            } else {
                chunks = new ArrayList<>(choices.size());
                for (ChoiceDelta c : choices) {
                    chunks.add(new ChatChunk(c.index, c.content, c.reasoning != null ? c.reasoning : c.reasoningContent,
                            c.refusal, c.toolCalls, c.finishReason, null, model));
                }
            }
            return new DecodedChunk(id, model, chunks, usage, error, groq == null ? null : groq.id, timings);
        }

        private List<ChoiceDelta> choices(Event value) {
            if (value != Event.START_ARRAY) {
                skip(value);
                return List.of();
            }
            List<ChoiceDelta> choices = new ArrayList<>(1);
            Event e;
            while ((e = p.next()) != Event.END_ARRAY) {
                if (e == Event.START_OBJECT) {
                    choices.add(choice(choices.size()));
                } else {
                    skip(e);
                }
            }
            return choices;
        }

        private ChoiceDelta choice(int position) {
            ChoiceDelta c = new ChoiceDelta();
            c.index = position;
            while (p.next() == Event.KEY_NAME) {
                String key = p.getString();
                Event value = p.next();
                switch (key) {
                    case "index" -> {
                        if (value == Event.VALUE_NUMBER) {
                            c.index = p.getInt();
                        } else {
                            skip(value);
                        }
                    }
                    case "delta" -> delta(value, c);
                    case "finish_reason" -> c.finishReason = FinishReason.fromWire(WireJson.emptyToNull(string(value)));
                    default -> skip(value);
                }
            }
            return c;
        }

        private void delta(Event value, ChoiceDelta c) {
            if (value != Event.START_OBJECT) {
                skip(value);
                return;
            }
            while (p.next() == Event.KEY_NAME) {
                String key = p.getString();
                Event v = p.next();
                switch (key) {
                    case "content" -> c.content = WireJson.emptyToNull(string(v));
                    case "reasoning" -> c.reasoning = WireJson.emptyToNull(string(v));
                    case "reasoning_content" -> c.reasoningContent = WireJson.emptyToNull(string(v));
                    case "refusal" -> c.refusal = WireJson.emptyToNull(string(v));
                    case "tool_calls" -> c.toolCalls = toolCalls(v);
                    default -> skip(v);
                }
            }
        }

        private List<ToolCallDelta> toolCalls(Event value) {
            if (value != Event.START_ARRAY) {
                skip(value);
                return List.of();
            }
            List<ToolCallDelta> calls = new ArrayList<>(1);
            Event e;
            while ((e = p.next()) != Event.END_ARRAY) {
                if (e == Event.START_OBJECT) {
                    calls.add(toolCall());
                } else {
                    skip(e);
                }
            }
            return calls;
        }

        private ToolCallDelta toolCall() {
            Integer index = null;
            String id = null;
            String name = null;
            String arguments = null;
            while (p.next() == Event.KEY_NAME) {
                String key = p.getString();
                Event v = p.next();
                switch (key) {
                    case "index" -> {
                        if (v == Event.VALUE_NUMBER) {
                            index = p.getInt();
                        } else {
                            skip(v);
                        }
                    }
                    case "id" -> id = WireJson.emptyToNull(string(v));
                    case "function" -> {
                        if (v != Event.START_OBJECT) {
                            skip(v);
                            continue;
                        }
                        while (p.next() == Event.KEY_NAME) {
                            String fkey = p.getString();
                            Event fv = p.next();
                            if ("name".equals(fkey)) {
                                name = WireJson.emptyToNull(string(fv));
                            } else if ("arguments".equals(fkey)) {
                                // Text normally; a server that sends a JSON object gets it serialized.
                                arguments = fv == Event.START_OBJECT ? p.getObject().toString() : string(fv);
                            } else {
                                skip(fv);
                            }
                        }
                    }
                    default -> skip(v); // "type" too: it may be "function", "" or absent
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
    private static final class ChoiceDelta {
        int index;
        String content;
        String reasoning;
        String reasoningContent;
        String refusal;
        List<ToolCallDelta> toolCalls = List.of();
        FinishReason finishReason;
    }

    /** Groq's {@code x_groq} object. */
    private static final class GroqPart {
        String id;
        Usage usage;
        JsonObject error;
    }
}
