package dev.multillm.core;

/**
 * A function the model may call.
 *
 * @param name        function name ({@code [a-zA-Z0-9_-]}, at most 64 characters)
 * @param description what it does, may be null
 * @param parameters  JSON Schema of the arguments, as JSON text; null for no parameters
 * @param strict      whether the provider must follow the schema exactly (where supported)
 *
 * <p>Thread-safety: immutable record.
 */
public record Tool(String name, String description, String parameters, boolean strict) {
    public Tool {
        Checks.notBlank(name, "tool.name");
        if (name.length() > 64 || !name.matches("[a-zA-Z0-9_-]+")) {
            throw new IllegalArgumentException(
                    "tool.name must be 1-64 characters of a-z, A-Z, 0-9, _ or -: " + name);
        }
    }

    /** A non-strict function tool. */
    public static Tool function(String name, String description, String parametersJsonSchema) {
        return new Tool(name, description, parametersJsonSchema, false);
    }
}
