package dev.multillm.testkit;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request a {@link FakeUpstream} received, exactly as it arrived.
 *
 * @param method     the HTTP method, such as {@code POST}
 * @param path       the request target: path and query, such as {@code /v1/chat/completions}
 * @param headers    the headers in arrival order (names as sent)
 * @param body       the body decoded as UTF-8, empty if none
 * @param connection the 1-based number of the TCP connection it arrived on
 *
 * <p>Thread-safety: immutable record.
 */
public record RecordedRequest(String method, String path, List<Map.Entry<String, String>> headers, String body,
                              int connection) {

    public RecordedRequest {
        headers = List.copyOf(headers);
        body = body == null ? "" : body;
    }

    /** The first value of header {@code name} (case-insensitive), or null. */
    public String header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    /** Every value of header {@code name} (case-insensitive). */
    public List<String> headerValues(String name) {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                values.add(header.getValue());
            }
        }
        return values;
    }

    /** The header names, lower-cased. */
    public List<String> headerNames() {
        return headers.stream().map(h -> h.getKey().toLowerCase(Locale.ROOT)).distinct().toList();
    }

    /**
     * The body parsed as a JSON object.
     *
     * @throws jakarta.json.JsonException if the body is not a JSON object
     */
    public JsonObject json() {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    /** The path without the query string. */
    public String pathOnly() {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    @Override
    public String toString() {
        // Headers are left out on purpose: they carry the credentials the provider sent.
        return "RecordedRequest[" + method + " " + path + ", " + body.length() + " chars, connection " + connection + "]";
    }
}
