package dev.multillm.proxy.internal;

import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * The JSON-P provider and factories the proxy shares (looked up once), and small helpers.
 *
 * <p>Thread-safety: stateless; the factories are thread-safe.
 */
final class Json {
    /** Looked up once: {@code Json.createXxx} searches the class path on every call. */
    static final JsonProvider PROVIDER = JsonProvider.provider();
    static final JsonParserFactory PARSERS = PROVIDER.createParserFactory(Map.of());
    static final JsonGeneratorFactory GENERATORS = PROVIDER.createGeneratorFactory(Map.of());

    private Json() {
    }

    /**
     * Parses exactly one JSON value from UTF-8 bytes; text after the value is an error.
     *
     * @throws JsonException when the bytes are not exactly one JSON value
     */
    static JsonValue parse(byte[] utf8) {
        try (JsonParser parser = PARSERS.createParser(new ByteArrayInputStream(utf8), StandardCharsets.UTF_8)) {
            if (!parser.hasNext()) {
                throw new JsonException("the body is empty");
            }
            parser.next();
            JsonValue value = parser.getValue();
            if (parser.hasNext()) {
                throw new JsonException("unexpected text after the JSON value");
            }
            return value;
        } catch (IllegalStateException | NoSuchElementException e) {
            throw new JsonException(e.getMessage() == null ? "malformed JSON" : e.getMessage(), e);
        }
    }

    /** Writes one JSON document with {@code body} and returns its UTF-8 bytes. */
    static byte[] write(Consumer<JsonGenerator> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = GENERATORS.createGenerator(out, StandardCharsets.UTF_8)) {
            body.accept(g);
        }
        return out.toByteArray();
    }

    /** Writes {@code value} under {@code key}, or JSON null when it is null. */
    static void stringOrNull(JsonGenerator g, String key, String value) {
        if (value == null) {
            g.writeNull(key);
        } else {
            g.write(key, value);
        }
    }
}
