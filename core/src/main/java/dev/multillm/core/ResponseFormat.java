package dev.multillm.core;

/**
 * The shape the answer must take: free text, any JSON object, or JSON matching a schema.
 *
 * @param type   text, JSON object or JSON schema
 * @param name   the schema's name (JSON schema only)
 * @param schema the JSON Schema as JSON text (JSON schema only)
 * @param strict whether the provider must enforce the schema exactly (JSON schema only)
 *
 * <p>Thread-safety: immutable record.
 */
public record ResponseFormat(Type type, String name, String schema, boolean strict) {
    /** The kinds of response format. */
    public enum Type { TEXT, JSON_OBJECT, JSON_SCHEMA }

    public ResponseFormat {
        Checks.notNull(type, "responseFormat.type");
        if (type == Type.JSON_SCHEMA) {
            Checks.notBlank(name, "responseFormat.name");
            Checks.notBlank(schema, "responseFormat.schema");
        }
    }

    /** Free text (the default). */
    public static ResponseFormat text() {
        return new ResponseFormat(Type.TEXT, null, null, false);
    }

    /** Any valid JSON object ("JSON mode"). */
    public static ResponseFormat jsonObject() {
        return new ResponseFormat(Type.JSON_OBJECT, null, null, false);
    }

    /** JSON that follows {@code schema}. */
    public static ResponseFormat jsonSchema(String name, String schema, boolean strict) {
        return new ResponseFormat(Type.JSON_SCHEMA, name, schema, strict);
    }
}
