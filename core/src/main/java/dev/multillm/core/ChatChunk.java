package dev.multillm.core;

import java.util.List;

/**
 * One increment of a streamed answer. Most chunks carry a content delta; others carry reasoning,
 * refusal text, tool-call fragments, the finish reason or the final usage.
 *
 * @param choiceIndex    the choice this chunk belongs to (0 unless several were requested)
 * @param content        the next piece of the answer text, null if none
 * @param reasoning      the next piece of reasoning text, null if none
 * @param refusal        the next piece of refusal text, null if none
 * @param toolCalls      tool-call fragments, possibly empty
 * @param finishReason   set on the chunk that ends the choice
 * @param usage          set on the chunk that reports usage, otherwise null
 * @param model          the model that produced the chunk, when the provider says
 *
 * <p>Thread-safety: immutable record.
 */
public record ChatChunk(int choiceIndex, String content, String reasoning, String refusal,
                        List<ToolCallDelta> toolCalls, FinishReason finishReason, Usage usage, String model) {

    public ChatChunk {
        toolCalls = toolCalls == null || toolCalls.isEmpty() ? List.of() : List.copyOf(toolCalls);
    }

    /** A chunk with only a content delta. */
    public static ChatChunk content(String text) {
        return new ChatChunk(0, text, null, null, List.of(), null, null, null);
    }

    /** Whether this chunk carries output the caller sees (text, reasoning, refusal or tool calls). */
    public boolean hasOutput() {
        return (content != null && !content.isEmpty())
                || (reasoning != null && !reasoning.isEmpty())
                || (refusal != null && !refusal.isEmpty())
                || !toolCalls.isEmpty();
    }
}
