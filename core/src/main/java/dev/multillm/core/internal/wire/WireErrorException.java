package dev.multillm.core.internal.wire;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * A response body that looked like success (HTTP 200) but carried an {@code {"error":{...}}}
 * object instead of an answer. The caller classifies {@link #error()} through the error taxonomy.
 *
 * <p>The message names the upstream {@code type} and {@code code} only, never the upstream
 * message text (which may echo parts of a key).
 *
 * <p>Thread-safety: immutable after construction, safe to share.
 */
public final class WireErrorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient JsonObject error;

    /** Creates the exception for the upstream's {@code error} object. */
    public WireErrorException(JsonObject error) {
        super(describe(error));
        this.error = error == null ? JsonValue.EMPTY_JSON_OBJECT : error;
    }

    /** The upstream's {@code error} object, as sent (may have {@code message}, {@code type}, {@code code}). */
    public JsonObject error() {
        return error;
    }

    private static String describe(JsonObject error) {
        StringBuilder text = new StringBuilder("upstream returned an error object instead of an answer");
        if (error != null) {
            appendField(text, error, "type");
            appendField(text, error, "code");
        }
        return text.toString();
    }

    private static void appendField(StringBuilder text, JsonObject error, String name) {
        JsonValue value = error.get(name);
        if (value instanceof JsonString s) {
            text.append(" [").append(name).append('=').append(s.getString()).append(']');
        } else if (value != null && value.getValueType() == JsonValue.ValueType.NUMBER) {
            text.append(" [").append(name).append('=').append(value).append(']');
        }
    }
}
