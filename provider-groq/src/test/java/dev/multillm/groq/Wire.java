package dev.multillm.groq;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Small helpers to answer like Groq does, from WireMock on loopback. */
final class Wire {
    private Wire() {
    }

    /** A 200 JSON answer. */
    static ResponseDefinitionBuilder json(String body) {
        return json(200, body);
    }

    /** A JSON answer with {@code status}. */
    static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    /** A 200 event stream: each payload becomes one {@code data:} event, as sent. */
    static ResponseDefinitionBuilder sse(String... payloads) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withHeader("Cache-Control", "no-cache").withBody(events(payloads));
    }

    /** The SSE text of {@code payloads}. */
    static String events(String... payloads) {
        return Arrays.stream(payloads).map(p -> p.startsWith("event:") || p.startsWith(":") ? p + "\n\n"
                : "data: " + p + "\n\n").collect(Collectors.joining());
    }

    /** Parses a request body. */
    static JsonObject parse(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }
}
