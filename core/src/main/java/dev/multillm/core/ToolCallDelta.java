package dev.multillm.core;

/**
 * A fragment of a streamed tool call. The id and name usually arrive only in the first fragment
 * of a call; the arguments arrive in pieces that concatenate to the full JSON text.
 *
 * @param index          the call's position in the answer, null if the provider sent none
 * @param id             the call id, null after the first fragment
 * @param name           the function name, null after the first fragment
 * @param argumentsDelta the next piece of the arguments text, possibly empty
 *
 * <p>Thread-safety: immutable record.
 */
public record ToolCallDelta(Integer index, String id, String name, String argumentsDelta) {
    public ToolCallDelta {
        argumentsDelta = argumentsDelta == null ? "" : argumentsDelta;
    }
}
