package dev.multillm.core;

import java.util.List;

/**
 * One generated answer, for requests that ask for several ({@link ChatRequest#choices()}).
 *
 * @param index        the choice index
 * @param content      the text, null if the model produced none
 * @param reasoning    reasoning text kept apart from the content, may be null
 * @param refusal      the model's refusal text, null unless it refused
 * @param toolCalls    tool calls, possibly empty
 * @param finishReason why generation stopped, null if not reported
 *
 * <p>Thread-safety: immutable record.
 */
public record Choice(int index, String content, String reasoning, String refusal, List<ToolCall> toolCalls,
                     FinishReason finishReason) {
    public Choice {
        toolCalls = Checks.listCopy(toolCalls, "choice.toolCalls");
    }
}
