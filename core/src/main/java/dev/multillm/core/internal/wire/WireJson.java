package dev.multillm.core.internal.wire;

import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.Usage;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The shared JSON-P provider and factories of the wire codec (looked up once), and small helpers.
 *
 * <p>Thread-safety: stateless; the factories are thread-safe and shared.
 */
final class WireJson {
    /** Looked up once: {@code Json.createXxx} would search the class path on every call. */
    static final JsonProvider PROVIDER = JsonProvider.provider();
    static final JsonParserFactory PARSERS = PROVIDER.createParserFactory(Map.of());
    static final JsonGeneratorFactory GENERATORS = PROVIDER.createGeneratorFactory(Map.of());

    /** At most this many characters of an unparseable body are quoted in an error message. */
    static final int SNIPPET_LENGTH = 200;

    private WireJson() {
    }

    /** The first {@value #SNIPPET_LENGTH} characters of {@code text}, quoted, for error messages. */
    static String snippet(String text) {
        if (text == null) {
            return "null";
        }
        String cut = text.length() <= SNIPPET_LENGTH ? text : text.substring(0, SNIPPET_LENGTH) + "...";
        return "'" + cut + "'";
    }

    static LlmException invalidResponse(String provider, String message, Throwable cause) {
        return LlmException.builder(ErrorTaxonomy.INVALID_RESPONSE).provider(provider).message(message)
                .cause(cause).build();
    }

    /**
     * Parses one complete JSON value. Unlike {@code JsonReader.readValue}, text after the value is
     * an error, not silently ignored.
     *
     * @throws JsonException when the text is not exactly one JSON value
     */
    static JsonValue readValue(String text) {
        try (JsonParser parser = PARSERS.createParser(new StringReader(text))) {
            if (!parser.hasNext()) {
                throw new JsonException("no JSON value");
            }
            parser.next();
            JsonValue value = parser.getValue();
            if (parser.hasNext()) {
                throw new JsonException("text after the JSON value");
            }
            return value;
        } catch (IllegalStateException | NoSuchElementException e) {
            throw new JsonException(e.getMessage(), e);
        }
    }

    /** An error given as a bare string, wrapped as {@code {"message": text}}. */
    static JsonObject errorFromString(String text) {
        return PROVIDER.createObjectBuilder().add("message", text).build();
    }

    /** Reported usage; a negative count is a broken body, not a reason for an IllegalArgumentException. */
    static Usage usage(String provider, long input, long cached, long output, long reasoning) {
        if (input < 0 || cached < 0 || output < 0 || reasoning < 0) {
            throw invalidResponse(provider, "usage has a negative token count", null);
        }
        return Usage.of(input, cached, output, reasoning);
    }

    /** Empty text is no text: providers send {@code ""} where they mean "nothing". */
    static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
