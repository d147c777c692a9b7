package dev.multillm.core;

/**
 * The fixed set of failure categories every {@link LlmException} carries.
 *
 * <p>Categories are decided from structured fields (HTTP status, upstream error {@code code} and
 * {@code type}), never from message text. Each category states whether the same provider may be
 * retried, whether a fallback chain may move on to the next route, and whether it counts as a
 * health failure (the only failures that feed circuit breakers). The names are part of the CLI and
 * proxy contracts and never change.
 *
 * <p>Thread-safety: immutable enum, safe to share.
 */
public enum ErrorTaxonomy {
    /** The API key was missing or rejected (HTTP 401). */
    AUTHENTICATION(false, true, false),
    /** The key is valid but may not use this resource (HTTP 403). */
    PERMISSION_DENIED(false, true, false),
    /** The model does not exist or was decommissioned. */
    MODEL_NOT_FOUND(false, true, false),
    /** The request is malformed or uses an unsupported parameter (HTTP 400, 422). */
    INVALID_REQUEST(false, false, false),
    /** The prompt plus requested output exceed the model's context window (or HTTP 413). */
    CONTEXT_LENGTH_EXCEEDED(false, true, false),
    /** The provider's content policy blocked the request or the answer. */
    CONTENT_FILTERED(false, false, false),
    /** The model produced output that failed the requested JSON or tool schema. */
    OUTPUT_VALIDATION_FAILED(true, true, false),
    /** Too many requests or tokens for now (HTTP 429); retry after the server's delay. */
    RATE_LIMITED(true, true, false),
    /** The account's quota or credit is used up; retrying will not help. */
    QUOTA_EXHAUSTED(false, true, false),
    /** The provider is over capacity (HTTP 503, Groq 498, 529). */
    OVERLOADED(true, true, true),
    /** The provider failed (HTTP 500, 502, 504 and other 5xx). */
    SERVER_ERROR(true, true, true),
    /** A connect, first-token, idle or total timeout expired. */
    TIMEOUT(true, true, true),
    /** The connection could not be made or broke before a response arrived. */
    CONNECTION(true, true, true),
    /** The body could not be parsed, or a stream ended before any output. */
    INVALID_RESPONSE(true, true, true),
    /** A stream failed after output reached the caller; the partial response is attached. */
    STREAM_INTERRUPTED(false, false, true),
    /** The caller cancelled the call. */
    CANCELLED(false, false, false),
    /** The request needs a capability the provider does not declare. */
    UNSUPPORTED_CAPABILITY(false, true, false),
    /** Every route of a chain failed or was unavailable; the causes are suppressed exceptions. */
    NO_PROVIDER_AVAILABLE(false, false, false),
    /** Anything not classified above. */
    UNKNOWN(false, true, false);

    private final boolean retryable;
    private final boolean fallbackEligible;
    private final boolean healthFailure;

    ErrorTaxonomy(boolean retryable, boolean fallbackEligible, boolean healthFailure) {
        this.retryable = retryable;
        this.fallbackEligible = fallbackEligible;
        this.healthFailure = healthFailure;
    }

    /** Whether retrying the same provider may succeed. */
    public boolean retryable() {
        return retryable;
    }

    /** Whether a fallback chain should, by default, try its next route after this failure. */
    public boolean fallbackEligible() {
        return fallbackEligible;
    }

    /** Whether this failure says the provider is unhealthy (feeds circuit breakers). */
    public boolean healthFailure() {
        return healthFailure;
    }
}
