package dev.multillm.core.internal.error;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the error body of a failed response, whatever shape the server chose, into an
 * {@link ErrorBody}.
 *
 * <p>Understood shapes, in this order:
 * <ul>
 *   <li>the OpenAI/Groq standard {@code {"error":{"message","type","code","param","failed_generation"}}}
 *       ({@code code} may be a JSON string, number or null);</li>
 *   <li>{@code {"error":"a plain string"}} (Ollama, LM Studio and others), with {@code code} and
 *       {@code type} read from the top level when present;</li>
 *   <li>a top-level {@code {"message":..,"type":..,"code":..}} (vLLM and other compatible servers);</li>
 *   <li>{@code {"detail": "..."}} or FastAPI's validation list {@code {"detail":[{"loc":..,"msg":..}]}};</li>
 *   <li>a JSON array whose first element is one of the above (Gemini's compatible endpoint);</li>
 *   <li>an HTML page, such as a gateway's 502: message {@code "HTML error page"} plus its
 *       {@code <title>}, never the page itself;</li>
 *   <li>an empty body: message {@value #EMPTY_BODY};</li>
 *   <li>anything else, invalid JSON included: the first {@value #PREVIEW_LIMIT} characters,
 *       whitespace collapsed.</li>
 * </ul>
 * This class never throws for any input and never returns null.
 *
 * <p>Thread-safety: stateless, safe to call from any thread.
 */
public final class ErrorBodyParser {
    /** The message for an empty or blank body. */
    public static final String EMPTY_BODY = "empty error body";
    /** The label of an HTML body. */
    public static final String HTML_PAGE = "HTML error page";
    /** How many characters of a body that is not understood become the message. */
    public static final int PREVIEW_LIMIT = 200;

    private static final int TITLE_LIMIT = 120;
    private static final Pattern TITLE = Pattern.compile("<title[^>]*>(.*?)</title\\s*>",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("<[^>]*>");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private ErrorBodyParser() {
    }

    /**
     * Parses an error response body.
     *
     * @param body the body text; may be null, empty, HTML or not JSON at all
     * @return the fields found; never null
     */
    public static ErrorBody parse(String body) {
        if (body == null || body.isBlank()) {
            return ErrorBody.ofMessage(EMPTY_BODY);
        }
        String text = body.strip();
        if (text.charAt(0) == '\uFEFF') {
            text = text.substring(1).strip();
            if (text.isEmpty()) {
                return ErrorBody.ofMessage(EMPTY_BODY);
            }
        }
        char first = text.charAt(0);
        if (first == '<') {
            return ErrorBody.ofMessage(describeMarkup(text));
        }
        if (first == '{' || first == '[') {
            JsonStructure json = read(text);
            JsonObject object = null;
            if (json instanceof JsonObject o) {
                object = o;
            } else if (json instanceof JsonArray array && !array.isEmpty()
                    && array.get(0) instanceof JsonObject o) {
                object = o;
            }
            if (object != null) {
                ErrorBody found = fromStructure(object);
                if (found != null) {
                    return found;
                }
            }
        }
        return ErrorBody.ofMessage(preview(text));
    }

    /**
     * Reads an error that arrived as JSON inside a stream: an {@code {"error":{...}}} or
     * {@code {"error":"..."}} chunk, a chunk carrying Groq's {@code x_groq.error}, or the error
     * object itself.
     *
     * @param errorObjectOrWrapper the chunk or error object; null gives an error without details
     * @return the fields found (all null when the object holds no error); never null
     */
    public static ErrorBody fromJson(JsonObject errorObjectOrWrapper) {
        if (errorObjectOrWrapper == null) {
            return ErrorBody.ofMessage(null);
        }
        ErrorBody found = fromStructure(errorObjectOrWrapper);
        if (found != null) {
            return found;
        }
        if (errorObjectOrWrapper.get("x_groq") instanceof JsonObject groq) {
            JsonValue error = groq.get("error");
            if (error instanceof JsonObject errorObject) {
                return fromErrorObject(errorObject);
            }
            String message = text(error);
            if (message != null) {
                return ErrorBody.ofMessage(message);
            }
        }
        return ErrorBody.ofMessage(null);
    }

    /** The error in {@code object}, or null when it holds none of the known shapes. */
    private static ErrorBody fromStructure(JsonObject object) {
        JsonValue error = object.get("error");
        if (error instanceof JsonObject errorObject) {
            return fromErrorObject(errorObject);
        }
        if (error instanceof JsonString errorText) {
            return new ErrorBody(blankToNull(errorText.getString()), text(object.get("code")),
                    text(object.get("type")), text(object.get("param")), text(object.get("failed_generation")));
        }
        if (object.containsKey("message") || object.containsKey("code") || object.containsKey("type")) {
            ErrorBody body = fromErrorObject(object);
            if (body.message() != null || body.code() != null || body.type() != null) {
                return body;
            }
        }
        if (object.containsKey("detail")) {
            String detail = detail(object.get("detail"));
            if (detail != null) {
                return ErrorBody.ofMessage(detail);
            }
        }
        return null;
    }

    private static ErrorBody fromErrorObject(JsonObject error) {
        String message = text(error.get("message"));
        if (message == null && error.containsKey("detail")) {
            message = detail(error.get("detail"));
        }
        return new ErrorBody(message, text(error.get("code")), text(error.get("type")),
                text(error.get("param")), text(error.get("failed_generation")));
    }

    /** FastAPI's {@code detail}: a string, or a list of {@code {"loc":[..],"msg":".."}} items. */
    private static String detail(JsonValue value) {
        if (value instanceof JsonArray items) {
            List<String> parts = new ArrayList<>();
            for (JsonValue item : items) {
                if (item instanceof JsonObject entry && entry.get("msg") instanceof JsonString msg) {
                    String location = location(entry.get("loc"));
                    parts.add(location == null ? msg.getString() : location + ": " + msg.getString());
                } else {
                    String text = text(item);
                    if (text != null) {
                        parts.add(text);
                    }
                }
            }
            return parts.isEmpty() ? null : String.join("; ", parts);
        }
        return text(value);
    }

    private static String location(JsonValue loc) {
        if (!(loc instanceof JsonArray path) || path.isEmpty()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (JsonValue segment : path) {
            names.add(segment instanceof JsonString s ? s.getString() : segment.toString());
        }
        return String.join(".", names);
    }

    /**
     * A JSON value as text: strings as they are, numbers in decimal, booleans as
     * {@code true}/{@code false}, objects and arrays as compact JSON; null, missing and blank
     * values as null.
     */
    private static String text(JsonValue value) {
        if (value == null) {
            return null;
        }
        return switch (value.getValueType()) {
            case NULL -> null;
            case STRING -> blankToNull(((JsonString) value).getString());
            // The number's own text: never expanded (1e999999999 must not become a billion digits).
            case NUMBER -> ((JsonNumber) value).toString();
            case TRUE -> "true";
            case FALSE -> "false";
            default -> value.toString();
        };
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static JsonStructure read(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.read();
        } catch (JsonException | IllegalStateException | NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    private static String describeMarkup(String text) {
        Matcher title = TITLE.matcher(text);
        if (title.find()) {
            String value = collapse(decodeEntities(TAG.matcher(title.group(1)).replaceAll(" ")));
            if (!value.isEmpty()) {
                return HTML_PAGE + ": " + cut(value, TITLE_LIMIT);
            }
        }
        return HTML_PAGE;
    }

    private static String decodeEntities(String text) {
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&nbsp;", " ").replace("&amp;", "&");
    }

    /** The first {@value #PREVIEW_LIMIT} characters of {@code text}, whitespace collapsed. */
    static String preview(String text) {
        return cut(collapse(text), PREVIEW_LIMIT);
    }

    static String collapse(String text) {
        return WHITESPACE.matcher(text).replaceAll(" ").strip();
    }

    /** {@code text} cut to at most {@code limit} characters, never inside a surrogate pair. */
    static String cut(String text, int limit) {
        if (text.length() <= limit) {
            return text;
        }
        int end = limit;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }
}
