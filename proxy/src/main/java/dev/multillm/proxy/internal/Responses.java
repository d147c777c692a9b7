package dev.multillm.proxy.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Writes whole responses: JSON bodies, OpenAI-shaped errors with their headers, plain text.
 *
 * <p>Thread-safety: stateless.
 */
final class Responses {
    static final String JSON = "application/json";
    static final String REQUEST_ID = "x-request-id";

    private Responses() {
    }

    /** Writes a complete JSON response and completes {@code callback} when it is sent. */
    static void json(Response response, int status, byte[] body, Callback callback) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** Writes a complete text response. */
    static void text(Response response, int status, String contentType, String body, Callback callback) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** Writes {@code error} with its status, {@code x-should-retry} and {@code retry-after} headers. */
    static void error(Response response, ApiError error, Callback callback) {
        errorHeaders(response.getHeaders(), error);
        json(response, error.status(), error.body(), callback);
    }

    /** Sets the headers that go with {@code error}. */
    static void errorHeaders(HttpFields.Mutable headers, ApiError error) {
        headers.put("x-should-retry", Boolean.toString(error.shouldRetry()));
        if (error.retryAfter() != null) {
            headers.put(HttpHeader.RETRY_AFTER, error.retryAfterSeconds());
            headers.put("retry-after-ms", Long.toString(Math.max(1, error.retryAfter().toMillis())));
        }
        if (error.status() == 401) {
            headers.put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"multillm\"");
        }
    }
}
