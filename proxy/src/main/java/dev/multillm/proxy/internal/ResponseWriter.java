package dev.multillm.proxy.internal;

import dev.multillm.core.ChatResponse;
import dev.multillm.core.Choice;
import dev.multillm.core.ToolCall;
import dev.multillm.core.Usage;
import dev.multillm.core.internal.wire.ResponseDecoder;
import jakarta.json.stream.JsonGenerator;

/**
 * Writes a whole {@code chat.completion} body from a {@link ChatResponse}: the server-side mirror
 * of core's {@code ResponseDecoder}, with the same field names (and {@code reasoning} for the
 * reasoning text, as Groq sends it). {@code usage} is written only when the upstream reported it.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
public final class ResponseWriter {
    private ResponseWriter() {
    }

    /**
     * The body.
     *
     * @param response the answer
     * @param id       the completion id to report
     * @param model    the model name to report (the public name the caller asked for)
     * @param created  the creation time, in epoch seconds
     */
    public static byte[] completion(ChatResponse response, String id, String model, long created) {
        return Json.write(g -> {
            g.writeStartObject();
            g.write("id", id);
            g.write("object", "chat.completion");
            g.write("created", created);
            g.write("model", model);
            g.writeKey("choices").writeStartArray();
            for (Choice choice : response.choices()) {
                writeChoice(g, choice);
            }
            g.writeEnd();
            if (response.usage().reported()) {
                g.writeKey("usage");
                writeUsage(g, response.usage());
            }
            Object tier = response.metadata().get(ResponseDecoder.META_SERVICE_TIER);
            if (tier instanceof String s) {
                g.write("service_tier", s);
            }
            Object fingerprint = response.metadata().get(ResponseDecoder.META_SYSTEM_FINGERPRINT);
            if (fingerprint instanceof String s) {
                g.write("system_fingerprint", s);
            } else {
                g.writeNull("system_fingerprint");
            }
            g.writeEnd();
        });
    }

    private static void writeChoice(JsonGenerator g, Choice choice) {
        g.writeStartObject();
        g.write("index", choice.index());
        g.writeKey("message").writeStartObject();
        g.write("role", "assistant");
        Json.stringOrNull(g, "content", choice.content());
        Json.stringOrNull(g, "refusal", choice.refusal());
        if (choice.reasoning() != null) {
            g.write("reasoning", choice.reasoning());
        }
        if (!choice.toolCalls().isEmpty()) {
            g.writeKey("tool_calls").writeStartArray();
            for (ToolCall call : choice.toolCalls()) {
                g.writeStartObject()
                        .write("id", call.id())
                        .write("type", "function")
                        .writeKey("function").writeStartObject()
                        .write("name", call.name())
                        .write("arguments", call.arguments())
                        .writeEnd()
                        .writeEnd();
            }
            g.writeEnd();
        }
        g.writeEnd();
        g.writeNull("logprobs");
        Json.stringOrNull(g, "finish_reason", choice.finishReason() == null ? null : choice.finishReason().wireValue());
        g.writeEnd();
    }

    /** Writes a {@code usage} object (the key must already be written). */
    static void writeUsage(JsonGenerator g, Usage usage) {
        g.writeStartObject()
                .write("prompt_tokens", usage.inputTokens())
                .write("completion_tokens", usage.outputTokens())
                .write("total_tokens", usage.totalTokens())
                .writeKey("prompt_tokens_details").writeStartObject()
                .write("cached_tokens", usage.cachedInputTokens())
                .writeEnd()
                .writeKey("completion_tokens_details").writeStartObject()
                .write("reasoning_tokens", usage.reasoningTokens())
                .writeEnd()
                .writeEnd();
    }
}
