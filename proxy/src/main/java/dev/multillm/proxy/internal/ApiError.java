package dev.multillm.proxy.internal;

import jakarta.json.stream.JsonGenerator;
import java.time.Duration;
import java.util.Objects;

/**
 * An error answer in OpenAI's shape: an HTTP status and the body
 * {@code {"error":{"message","type","param","code"}}}, plus the headers that go with it.
 *
 * @param status           the HTTP status
 * @param type             OpenAI's {@code error.type}, such as {@code invalid_request_error}
 * @param code             OpenAI's {@code error.code}, may be null
 * @param param            the request parameter at fault, may be null
 * @param message          the human-readable message, already free of secrets
 * @param retryAfter       sent as {@code retry-after} (whole seconds, rounded up) and
 *                         {@code retry-after-ms}; null when there is nothing to say
 * @param shouldRetry      sent as {@code x-should-retry}, which the official SDKs obey
 * @param failedGeneration Groq's {@code failed_generation}, kept for output-validation failures;
 *                         null otherwise
 *
 * <p>Thread-safety: immutable record.
 */
public record ApiError(int status, String type, String code, String param, String message, Duration retryAfter,
                       boolean shouldRetry, String failedGeneration) {

    public ApiError {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
        if (retryAfter != null && (retryAfter.isNegative() || retryAfter.isZero())) {
            retryAfter = null;
        }
    }

    /** A 400 {@code invalid_request_error} caused by the caller's request. */
    public static ApiError invalidRequest(String code, String param, String message) {
        return new ApiError(400, "invalid_request_error", code, param, message, null, false, null);
    }

    /** The same error with another message. */
    public ApiError withMessage(String newMessage) {
        return new ApiError(status, type, code, param, newMessage, retryAfter, shouldRetry, failedGeneration);
    }

    /** The {@code {"error":{...}}} body. */
    public byte[] body() {
        return Json.write(this::writeDocument);
    }

    /** Writes the {@code {"error":{...}}} document. */
    void writeDocument(JsonGenerator g) {
        g.writeStartObject().writeKey("error").writeStartObject();
        g.write("message", message);
        g.write("type", type);
        Json.stringOrNull(g, "param", param);
        Json.stringOrNull(g, "code", code);
        if (failedGeneration != null) {
            g.write("failed_generation", failedGeneration);
        }
        g.writeEnd().writeEnd();
    }

    /** The value of the {@code retry-after} header (seconds, rounded up), or null. */
    public String retryAfterSeconds() {
        if (retryAfter == null) {
            return null;
        }
        long millis = retryAfter.toMillis();
        return Long.toString(Math.max(1, (millis + 999) / 1000));
    }

    /** An exception carrying this error, for the request parser. */
    public Rejection toException() {
        return new Rejection(this);
    }

    /**
     * A request the proxy rejects before anything reaches an upstream.
     *
     * <p>Thread-safety: immutable.
     */
    public static final class Rejection extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient ApiError error;

        Rejection(ApiError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }

        /** The error to answer with. */
        public ApiError error() {
            return error;
        }
    }
}
