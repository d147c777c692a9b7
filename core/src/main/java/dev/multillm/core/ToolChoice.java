package dev.multillm.core;

/**
 * Whether and which tool the model must call.
 *
 * @param mode         auto, none, required, or a named function
 * @param functionName the function when {@code mode} is {@link Mode#FUNCTION}
 *
 * <p>Thread-safety: immutable record.
 */
public record ToolChoice(Mode mode, String functionName) {
    /** The kinds of tool choice. */
    public enum Mode { AUTO, NONE, REQUIRED, FUNCTION }

    public ToolChoice {
        Checks.notNull(mode, "toolChoice.mode");
        if (mode == Mode.FUNCTION) {
            Checks.notBlank(functionName, "toolChoice.functionName");
        } else if (functionName != null) {
            throw new IllegalArgumentException("toolChoice.functionName is only valid with mode FUNCTION");
        }
    }

    /** The model decides. */
    public static ToolChoice auto() {
        return new ToolChoice(Mode.AUTO, null);
    }

    /** No tool calls. */
    public static ToolChoice none() {
        return new ToolChoice(Mode.NONE, null);
    }

    /** At least one tool call. */
    public static ToolChoice required() {
        return new ToolChoice(Mode.REQUIRED, null);
    }

    /** Exactly this function. */
    public static ToolChoice function(String name) {
        return new ToolChoice(Mode.FUNCTION, name);
    }
}
