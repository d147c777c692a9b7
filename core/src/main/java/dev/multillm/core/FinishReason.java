package dev.multillm.core;

import java.util.Locale;

/**
 * Why the model stopped generating.
 *
 * <p>Thread-safety: immutable enum.
 */
public enum FinishReason {
    /** A natural end or a stop sequence. */
    STOP,
    /** The output token limit was reached; the answer is cut. */
    LENGTH,
    /** The model asked for tool calls. */
    TOOL_CALLS,
    /** The provider's content filter removed output. */
    CONTENT_FILTER,
    /** Any other reason the provider reported. */
    OTHER;

    /** Maps a wire value ({@code stop}, {@code length}, ...); null stays null. */
    public static FinishReason fromWire(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "stop", "end_turn", "stop_sequence", "eos" -> STOP;
            case "length", "max_tokens" -> LENGTH;
            case "tool_calls", "function_call", "tool_use" -> TOOL_CALLS;
            case "content_filter" -> CONTENT_FILTER;
            default -> OTHER;
        };
    }

    /** The OpenAI wire value. */
    public String wireValue() {
        return switch (this) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case TOOL_CALLS -> "tool_calls";
            case CONTENT_FILTER -> "content_filter";
            case OTHER -> "other";
        };
    }
}
