package dev.multillm.testkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Small helpers for provider tests that stub an OpenAI-compatible upstream with WireMock
 * directly: JSON answers, event streams, and reading back a recorded request body.
 *
 * <p>Thread-safety: stateless.
 */
public final class WireMockAnswers {
    private WireMockAnswers() {
    }

    /** A 200 JSON answer. */
    public static ResponseDefinitionBuilder json(String body) {
        return json(200, body);
    }

    /** A JSON answer with {@code status}. */
    public static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    /**
     * A 200 event stream: each payload becomes one {@code data:} event, except payloads that
     * start with {@code event:} or {@code :}, which are sent as they are.
     */
    public static ResponseDefinitionBuilder sse(String... payloads) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withHeader("Cache-Control", "no-cache").withBody(events(payloads));
    }

    /** The SSE text of {@code payloads}, as {@link #sse(String...)} sends it. */
    public static String events(String... payloads) {
        return Arrays.stream(payloads).map(p -> p.startsWith("event:") || p.startsWith(":") ? p + "\n\n"
                : "data: " + p + "\n\n").collect(Collectors.joining());
    }

    /** Parses a JSON request body. */
    public static JsonObject parse(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }
}
