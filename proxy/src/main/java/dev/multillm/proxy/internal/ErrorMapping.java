package dev.multillm.proxy.internal;

import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.LlmTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one table that turns an {@link ErrorTaxonomy} category into the HTTP status and the
 * OpenAI-shaped error body an OpenAI client expects (documented in the module's README).
 *
 * <p>Rules beyond the table:
 * <ul>
 *   <li>Upstream authentication failures are the proxy operator's problem, not the caller's: they
 *       become {@code 502} with code {@code upstream_authentication_failed} and a fixed message
 *       (an upstream's message may echo part of the upstream key), never a {@code 401}, which
 *       would tell the caller that its own proxy key is wrong.</li>
 *   <li>{@link ErrorTaxonomy#NO_PROVIDER_AVAILABLE} whose routes all failed the same way is
 *       answered as that category (every route rate limited is a {@code 429} with the shortest
 *       {@code retry-after}); mixed failures are a {@code 503}.</li>
 *   <li>Every message is scrubbed of secrets; {@code x-should-retry} tells the official SDKs
 *       whether a retry can help.</li>
 * </ul>
 *
 * <p>Thread-safety: immutable, safe to share.
 */
public final class ErrorMapping {

    /**
     * One row of the table.
     *
     * @param status      the HTTP status
     * @param type        OpenAI's {@code error.type}
     * @param code        the {@code error.code} used when the upstream gave none (or when the
     *                    upstream's own code must not be passed on)
     * @param shouldRetry the {@code x-should-retry} header
     * @param summary     the start of the message
     *
     * <p>Thread-safety: immutable record.
     */
    public record Row(int status, String type, String code, boolean shouldRetry, String summary) {
    }

    private static final String INVALID = "invalid_request_error";
    private static final String SERVER = "server_error";

    /** The table, one row per category. */
    public static final Map<ErrorTaxonomy, Row> TABLE = Map.ofEntries(
            Map.entry(ErrorTaxonomy.AUTHENTICATION, new Row(502, SERVER, "upstream_authentication_failed", false,
                    "The proxy's credentials for the upstream provider were rejected; this is a proxy"
                            + " configuration problem, not a problem with your API key")),
            Map.entry(ErrorTaxonomy.PERMISSION_DENIED, new Row(403, "permission_error", "permission_denied", false,
                    "The upstream provider refused access to this model or resource")),
            Map.entry(ErrorTaxonomy.MODEL_NOT_FOUND, new Row(404, INVALID, "model_not_found", false,
                    "The upstream provider does not know the model")),
            Map.entry(ErrorTaxonomy.INVALID_REQUEST, new Row(400, INVALID, "invalid_request", false,
                    "Invalid request")),
            Map.entry(ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED, new Row(400, INVALID, "context_length_exceeded", false,
                    "The messages and requested output exceed the model's context length")),
            Map.entry(ErrorTaxonomy.CONTENT_FILTERED, new Row(400, INVALID, "content_filter", false,
                    "The upstream provider's content filter blocked the request or the answer")),
            Map.entry(ErrorTaxonomy.OUTPUT_VALIDATION_FAILED, new Row(422, INVALID, "output_validation_failed", true,
                    "The model's output did not match the requested JSON or tool schema")),
            Map.entry(ErrorTaxonomy.RATE_LIMITED, new Row(429, "rate_limit_error", "rate_limit_exceeded", true,
                    "Rate limit reached upstream")),
            Map.entry(ErrorTaxonomy.QUOTA_EXHAUSTED, new Row(429, "insufficient_quota", "insufficient_quota", false,
                    "The upstream account's quota is exhausted")),
            Map.entry(ErrorTaxonomy.OVERLOADED, new Row(503, SERVER, "overloaded", true,
                    "The upstream provider is overloaded")),
            Map.entry(ErrorTaxonomy.SERVER_ERROR, new Row(502, SERVER, "upstream_server_error", true,
                    "The upstream provider failed")),
            Map.entry(ErrorTaxonomy.TIMEOUT, new Row(504, SERVER, "upstream_timeout", true,
                    "The upstream provider timed out")),
            Map.entry(ErrorTaxonomy.CONNECTION, new Row(502, SERVER, "upstream_connection_failed", true,
                    "Could not connect to the upstream provider")),
            Map.entry(ErrorTaxonomy.INVALID_RESPONSE, new Row(502, SERVER, "upstream_invalid_response", true,
                    "The upstream provider sent an invalid response")),
            Map.entry(ErrorTaxonomy.STREAM_INTERRUPTED, new Row(502, SERVER, "stream_interrupted", false,
                    "The stream failed after output was sent")),
            Map.entry(ErrorTaxonomy.CANCELLED, new Row(499, INVALID, "request_cancelled", false,
                    "The request was cancelled")),
            Map.entry(ErrorTaxonomy.UNSUPPORTED_CAPABILITY, new Row(400, INVALID, "unsupported_capability", false,
                    "No route of this model supports what the request needs")),
            Map.entry(ErrorTaxonomy.NO_PROVIDER_AVAILABLE, new Row(503, SERVER, "no_provider_available", true,
                    "No upstream route could answer")),
            Map.entry(ErrorTaxonomy.UNKNOWN, new Row(500, SERVER, "internal_error", false,
                    "The request failed")));

    /** Categories whose upstream {@code code} is passed on (they describe the caller's request). */
    private static final Set<ErrorTaxonomy> KEEPS_UPSTREAM_CODE =
            EnumSet.of(ErrorTaxonomy.INVALID_REQUEST, ErrorTaxonomy.OUTPUT_VALIDATION_FAILED);

    /** Categories whose upstream message is never passed on. */
    private static final Set<ErrorTaxonomy> HIDES_UPSTREAM_MESSAGE = EnumSet.of(ErrorTaxonomy.AUTHENTICATION);

    /** Capability names of {@link dev.multillm.core.Capabilities} and the request field that needs each. */
    private static final Map<String, String> CAPABILITY_PARAMS = Map.of(
            "tools", "tools", "parallelToolCalls", "parallel_tool_calls", "jsonMode", "response_format",
            "jsonSchema", "response_format", "vision", "messages", "multipleChoices", "n", "streaming", "stream");

    private static final int MAX_MESSAGE = 2000;

    private final Scrubber scrubber;

    /** A mapping whose messages are cleaned by {@code scrubber}. */
    public ErrorMapping(Scrubber scrubber) {
        this.scrubber = scrubber;
    }

    /** The row for {@code category}. */
    public static Row row(ErrorTaxonomy category) {
        return TABLE.get(category);
    }

    /** The error answer for {@code failure}. */
    public ApiError map(LlmException failure) {
        ErrorTaxonomy category = failure.category();
        if (category == ErrorTaxonomy.NO_PROVIDER_AVAILABLE) {
            ErrorTaxonomy unanimous = unanimousCause(failure);
            if (unanimous != null) {
                return build(unanimous, failure, shortestRetryAfter(failure));
            }
        }
        return build(category, failure, retryAfterOf(failure));
    }

    /** The error event for a stream that failed after output was sent. */
    public ApiError mapMidStream(LlmException failure) {
        LlmException cause = failure.category() == ErrorTaxonomy.STREAM_INTERRUPTED
                && failure.getCause() instanceof LlmException inner ? inner : null;
        Row row = TABLE.get(ErrorTaxonomy.STREAM_INTERRUPTED);
        String detail = cause != null ? describe(cause.category(), cause) : describe(failure.category(), failure);
        return new ApiError(row.status(), row.type(), row.code(), null,
                clip(row.summary() + ": " + detail), null, false, null);
    }

    private ApiError build(ErrorTaxonomy category, LlmException failure, Duration retryAfter) {
        Row row = TABLE.get(category);
        String code = row.code();
        if (KEEPS_UPSTREAM_CODE.contains(category) && failure.errorCode() != null
                && failure.category() == category && !failure.errorCode().isBlank()) {
            code = scrubber.scrub(failure.errorCode());
        }
        String param = param(category, failure);
        String failedGeneration = category == ErrorTaxonomy.OUTPUT_VALIDATION_FAILED
                ? scrubber.scrub(failure.failedGeneration()) : null;
        String message = clip(describe(category, failure));
        return new ApiError(row.status(), row.type(), code, param, message,
                row.status() == 429 || row.status() == 503 ? retryAfter : null, row.shouldRetry(), failedGeneration);
    }

    private String param(ErrorTaxonomy category, LlmException failure) {
        return switch (category) {
            case MODEL_NOT_FOUND -> "model";
            case CONTEXT_LENGTH_EXCEEDED -> "messages";
            case UNSUPPORTED_CAPABILITY -> failure.param() == null ? null
                    : CAPABILITY_PARAMS.getOrDefault(failure.param(), scrubber.scrub(failure.param()));
            case INVALID_REQUEST, OUTPUT_VALIDATION_FAILED, CONTENT_FILTERED ->
                    failure.category() == category ? scrubber.scrub(failure.param()) : null;
            default -> null;
        };
    }

    /** The summary of {@code category}, then the upstream's own (scrubbed) message when it may be shown. */
    private String describe(ErrorTaxonomy category, LlmException failure) {
        StringBuilder text = new StringBuilder(TABLE.get(category).summary());
        if (failure instanceof LlmTimeoutException timeout) {
            text.append(" (").append(timeout.phase()).append(" timeout)");
        }
        if (failure.category() == ErrorTaxonomy.NO_PROVIDER_AVAILABLE && category != failure.category()) {
            text.append(" on every route");
        }
        String upstream = failure.upstreamMessage();
        if (!HIDES_UPSTREAM_MESSAGE.contains(category) && !HIDES_UPSTREAM_MESSAGE.contains(failure.category())
                && upstream != null && !upstream.isBlank()) {
            text.append(": ").append(scrubber.scrub(upstream.strip()));
        }
        return text.toString();
    }

    /** The one category every route of a chain failed with, or null when they differ. */
    private static ErrorTaxonomy unanimousCause(LlmException failure) {
        List<LlmException> causes = causes(failure);
        if (causes.isEmpty()) {
            return null;
        }
        ErrorTaxonomy first = causes.get(0).category();
        if (first == ErrorTaxonomy.NO_PROVIDER_AVAILABLE) {
            return null;
        }
        for (LlmException cause : causes) {
            if (cause.category() != first) {
                return null;
            }
        }
        return first;
    }

    private static List<LlmException> causes(LlmException failure) {
        List<LlmException> causes = new ArrayList<>();
        for (Throwable suppressed : failure.getSuppressed()) {
            if (suppressed instanceof LlmException llm) {
                causes.add(llm);
            }
        }
        return causes;
    }

    private static Duration retryAfterOf(LlmException failure) {
        Duration own = failure.retryAfter();
        if (own != null || failure.category() != ErrorTaxonomy.NO_PROVIDER_AVAILABLE) {
            return own;
        }
        return shortestRetryAfter(failure);
    }

    private static Duration shortestRetryAfter(LlmException failure) {
        Duration shortest = failure.retryAfter();
        for (LlmException cause : causes(failure)) {
            Duration wait = cause.retryAfter();
            if (wait != null && !wait.isNegative() && (shortest == null || wait.compareTo(shortest) < 0)) {
                shortest = wait;
            }
        }
        return shortest;
    }

    private static String clip(String text) {
        return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "...";
    }
}
