package dev.multillm.proxy.internal;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.ToolCallDelta;
import dev.multillm.core.Usage;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes the server-sent events of one streamed answer: each {@link ChatChunk} as a
 * {@code data: {chat.completion.chunk}} event, the usage chunk (when the caller asked for it with
 * {@code stream_options.include_usage}) just before {@code data: [DONE]}, and the error event that
 * ends a stream which failed after output.
 *
 * <p>The first event of each choice carries {@code "role":"assistant"}, as OpenAI's does. Every
 * streamed tool-call fragment carries an {@code index} (the official SDKs require one): a provider
 * that sent none gets one assigned by call id, a fragment without id or index continuing the last
 * call. {@code type: function} goes with the fragment that opens a call.
 *
 * <p>Thread-safety: not thread-safe; one instance per stream, used by one thread at a time.
 */
public final class StreamEncoder {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

    private final String id;
    private final String model;
    private final long created;
    private final boolean includeUsage;
    private final Set<Integer> started = new HashSet<>();
    private final Map<Integer, ToolIndexes> toolIndexes = new HashMap<>();
    private Usage usage;

    /**
     * An encoder for one stream.
     *
     * @param id           the completion id every chunk carries
     * @param model        the model name to report
     * @param created      the creation time, in epoch seconds
     * @param includeUsage whether to send the usage chunk at the end
     */
    public StreamEncoder(String id, String model, long created, boolean includeUsage) {
        this.id = id;
        this.model = model;
        this.created = created;
        this.includeUsage = includeUsage;
    }

    /** The event for {@code chunk}, or null when the chunk carries nothing to send (usage is kept for the end). */
    public byte[] chunk(ChatChunk chunk) {
        if (chunk.usage() != null && chunk.usage().reported()) {
            usage = chunk.usage();
        }
        int index = chunk.choiceIndex();
        boolean first = !started.contains(index);
        boolean content = chunk.content() != null;
        boolean reasoning = chunk.reasoning() != null;
        boolean refusal = chunk.refusal() != null;
        boolean tools = !chunk.toolCalls().isEmpty();
        boolean finish = chunk.finishReason() != null;
        if (!first && !content && !reasoning && !refusal && !tools && !finish) {
            return null;
        }
        if (first && !content && !reasoning && !refusal && !tools && !finish && chunk.usage() != null) {
            return null; // a usage-only chunk does not open a choice
        }
        started.add(index);
        return event(Json.write(g -> {
            g.writeStartObject();
            header(g);
            g.writeKey("choices").writeStartArray().writeStartObject();
            g.write("index", index);
            g.writeKey("delta").writeStartObject();
            if (first) {
                g.write("role", "assistant");
                if (!content && !tools) {
                    g.write("content", "");
                }
            }
            if (content) {
                g.write("content", chunk.content());
            }
            if (reasoning) {
                g.write("reasoning", chunk.reasoning());
            }
            if (refusal) {
                g.write("refusal", chunk.refusal());
            }
            if (tools) {
                ToolIndexes indexes = toolIndexes.computeIfAbsent(index, k -> new ToolIndexes());
                g.writeKey("tool_calls").writeStartArray();
                for (ToolCallDelta delta : chunk.toolCalls()) {
                    g.writeStartObject();
                    g.write("index", indexes.indexOf(delta));
                    if (delta.id() != null) {
                        g.write("id", delta.id());
                        g.write("type", "function");
                    }
                    g.writeKey("function").writeStartObject();
                    if (delta.name() != null) {
                        g.write("name", delta.name());
                    }
                    g.write("arguments", delta.argumentsDelta());
                    g.writeEnd();
                    g.writeEnd();
                }
                g.writeEnd();
            }
            g.writeEnd();
            g.writeNull("logprobs");
            Json.stringOrNull(g, "finish_reason", finish ? chunk.finishReason().wireValue() : null);
            g.writeEnd().writeEnd();
            g.writeEnd();
        }));
    }

    /** The last usage the stream reported, null if none. */
    public Usage usage() {
        return usage;
    }

    /** The events that end a successful stream: the usage chunk when asked for, then {@code [DONE]}. */
    public byte[] end() {
        if (!includeUsage || usage == null) {
            return DONE.clone();
        }
        byte[] usageEvent = event(Json.write(g -> {
            g.writeStartObject();
            header(g);
            g.writeKey("choices").writeStartArray().writeEnd();
            g.writeKey("usage");
            ResponseWriter.writeUsage(g, usage);
            g.writeEnd();
        }));
        byte[] all = new byte[usageEvent.length + DONE.length];
        System.arraycopy(usageEvent, 0, all, 0, usageEvent.length);
        System.arraycopy(DONE, 0, all, usageEvent.length, DONE.length);
        return all;
    }

    /** The event that ends a stream which failed after output: {@code data: {"error":{...}}}, no {@code [DONE]}. */
    public static byte[] error(ApiError error) {
        return event(Json.write(error::writeDocument));
    }

    /** An SSE comment that keeps idle connections (and the proxies between) open. */
    public static byte[] keepAlive() {
        return KEEP_ALIVE.clone();
    }

    private void header(jakarta.json.stream.JsonGenerator g) {
        g.write("id", id);
        g.write("object", "chat.completion.chunk");
        g.write("created", created);
        g.write("model", model);
        g.writeNull("system_fingerprint");
    }

    private static byte[] event(byte[] json) {
        byte[] out = new byte[json.length + 8];
        out[0] = 'd';
        out[1] = 'a';
        out[2] = 't';
        out[3] = 'a';
        out[4] = ':';
        out[5] = ' ';
        System.arraycopy(json, 0, out, 6, json.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }

    /** Assigns the wire index of each streamed tool call of one choice. */
    private static final class ToolIndexes {
        private final Map<String, Integer> byId = new HashMap<>();
        private int next;
        private int last = -1;

        int indexOf(ToolCallDelta delta) {
            if (delta.index() != null) {
                int index = delta.index();
                if (delta.id() != null) {
                    byId.putIfAbsent(delta.id(), index);
                }
                next = Math.max(next, index + 1);
                last = index;
                return index;
            }
            if (delta.id() != null) {
                Integer known = byId.get(delta.id());
                if (known == null) {
                    known = next++;
                    byId.put(delta.id(), known);
                }
                last = known;
                return known;
            }
            if (last < 0) {
                last = next++;
            }
            return last;
        }
    }
}
