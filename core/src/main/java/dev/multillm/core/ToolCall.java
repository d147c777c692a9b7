package dev.multillm.core;

/**
 * A function call the model asked for.
 *
 * @param id        the call id the tool result must echo
 * @param name      the function name
 * @param arguments the arguments as JSON text, exactly as the model produced them (which may be
 *                  invalid JSON; it is kept raw so nothing is lost)
 *
 * <p>Thread-safety: immutable record.
 */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        Checks.notNull(id, "toolCall.id");
        Checks.notBlank(name, "toolCall.name");
        arguments = arguments == null ? "" : arguments;
    }
}
