package dev.multillm.core.internal.error;

import static dev.multillm.core.ErrorTaxonomy.AUTHENTICATION;
import static dev.multillm.core.ErrorTaxonomy.CONTENT_FILTERED;
import static dev.multillm.core.ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED;
import static dev.multillm.core.ErrorTaxonomy.INVALID_REQUEST;
import static dev.multillm.core.ErrorTaxonomy.MODEL_NOT_FOUND;
import static dev.multillm.core.ErrorTaxonomy.OUTPUT_VALIDATION_FAILED;
import static dev.multillm.core.ErrorTaxonomy.OVERLOADED;
import static dev.multillm.core.ErrorTaxonomy.PERMISSION_DENIED;
import static dev.multillm.core.ErrorTaxonomy.QUOTA_EXHAUSTED;
import static dev.multillm.core.ErrorTaxonomy.RATE_LIMITED;
import static dev.multillm.core.ErrorTaxonomy.SERVER_ERROR;
import static dev.multillm.core.ErrorTaxonomy.TIMEOUT;
import static dev.multillm.core.ErrorTaxonomy.UNKNOWN;
import static java.util.Map.entry;

import dev.multillm.core.ErrorTaxonomy;
import java.util.Locale;
import java.util.Map;

/**
 * The one table of the project that turns an upstream error into an {@link ErrorTaxonomy}
 * category. It decides from the HTTP status, the error {@code code} and the error {@code type}
 * only, never from message text.
 *
 * <p>The decision, in order (codes and types are compared case-insensitively):
 * <ol>
 *   <li><b>Specific codes</b> ({@link #SPECIFIC}): a {@code code}, or else a {@code type}, that
 *       names the failure precisely wins over the status. Example: 429 {@code insufficient_quota}
 *       is {@code QUOTA_EXHAUSTED}, not a retryable rate limit; 403 {@code model_not_found} is
 *       {@code MODEL_NOT_FOUND}. One exception: a rate-limit code on HTTP 413 is
 *       {@code CONTEXT_LENGTH_EXCEEDED}, because Groq answers 413 {@code rate_limit_exceeded}
 *       when one request alone is larger than the tokens-per-minute limit, and waiting never
 *       helps.</li>
 *   <li><b>Status</b> ({@link #byStatus(int)}): 400/422 {@code INVALID_REQUEST}, 401
 *       {@code AUTHENTICATION}, 402 {@code QUOTA_EXHAUSTED} (Payment Required, used by
 *       OpenRouter and gateways for exhausted credit), 403 {@code PERMISSION_DENIED}, 404
 *       {@code MODEL_NOT_FOUND} (on the chat endpoint a 404 is a missing model), 408
 *       {@code TIMEOUT}, 409 {@code SERVER_ERROR} (a transient conflict on the server; the
 *       official SDKs retry 408, 409, 429 and 5xx, and so does this category), 413
 *       {@code CONTEXT_LENGTH_EXCEEDED}, 429 {@code RATE_LIMITED}, 498 {@code OVERLOADED} (Groq
 *       flex capacity), 503 and 529 {@code OVERLOADED}, every other 5xx {@code SERVER_ERROR}.</li>
 *   <li><b>Generic types</b> ({@link #GENERIC}): only when there is no status (an error inside a
 *       200 stream) or the status is not in the table, a generic {@code code} or {@code type}
 *       such as {@code server_error} or {@code invalid_request_error} decides. Without a status a
 *       numeric {@code code} between 400 and 599 (vLLM, OpenRouter) is read as the status.</li>
 *   <li>Otherwise {@code UNKNOWN}.</li>
 * </ol>
 *
 * <p>Thread-safety: stateless, safe to call from any thread.
 */
public final class ErrorClassifier {

    /** Codes (or types) precise enough to win over the HTTP status. */
    static final Map<String, ErrorTaxonomy> SPECIFIC = Map.ofEntries(
            // The account is out of money or quota: waiting will not help.
            entry("insufficient_quota", QUOTA_EXHAUSTED),              // OpenAI 429 (code and type)
            entry("credit_balance_exhausted", QUOTA_EXHAUSTED),
            entry("billing_hard_limit_reached", QUOTA_EXHAUSTED),      // OpenAI
            entry("billing_not_active", QUOTA_EXHAUSTED),              // OpenAI 429
            // Too many requests or tokens for now.
            entry("rate_limit_exceeded", RATE_LIMITED),                // OpenAI and Groq 429
            // The request is too large for the model.
            entry("context_length_exceeded", CONTEXT_LENGTH_EXCEEDED), // OpenAI and Groq 400
            entry("string_above_max_length", CONTEXT_LENGTH_EXCEEDED), // OpenAI 400
            entry("request_too_large", CONTEXT_LENGTH_EXCEEDED),       // Groq 413
            // The model's output failed the requested schema (Groq keeps failed_generation).
            entry("json_validate_failed", OUTPUT_VALIDATION_FAILED),   // Groq 400
            entry("tool_use_failed", OUTPUT_VALIDATION_FAILED),        // Groq 400
            // The model does not exist, is not accessible or is retired.
            entry("model_not_found", MODEL_NOT_FOUND),                 // OpenAI and Groq 404, OpenAI 403
            entry("model_decommissioned", MODEL_NOT_FOUND),            // Groq 400/404
            // The key is missing or wrong.
            entry("invalid_api_key", AUTHENTICATION),                  // OpenAI and Groq 401
            entry("invalid_authentication", AUTHENTICATION),
            // A safety system refused the request or the answer.
            entry("content_filter", CONTENT_FILTERED),                 // Azure OpenAI 400
            entry("content_policy_violation", CONTENT_FILTERED),       // OpenAI 400
            // The request uses something this model does not take.
            entry("unsupported_parameter", INVALID_REQUEST),           // OpenAI 400
            entry("unsupported_value", INVALID_REQUEST),               // OpenAI 400
            // The provider is over capacity.
            entry("server_is_overloaded", OVERLOADED),                 // OpenAI 503
            entry("capacity_exceeded", OVERLOADED),                    // Groq 498
            entry("overloaded_error", OVERLOADED));                    // Anthropic-compatible 529

    /** Codes or types too generic to override a status; used when no status decides. */
    static final Map<String, ErrorTaxonomy> GENERIC = Map.ofEntries(
            entry("server_error", SERVER_ERROR),                       // OpenAI 500 and in-stream
            entry("internal_error", SERVER_ERROR),
            entry("internal_server_error", SERVER_ERROR),              // Groq
            entry("internalservererror", SERVER_ERROR),                // vLLM
            entry("api_error", SERVER_ERROR),                          // Anthropic-compatible
            entry("invalid_request_error", INVALID_REQUEST),           // OpenAI and Groq 4xx
            entry("badrequesterror", INVALID_REQUEST),                 // vLLM
            entry("authentication_error", AUTHENTICATION),
            entry("permission_error", PERMISSION_DENIED),
            entry("not_found_error", MODEL_NOT_FOUND),
            entry("notfounderror", MODEL_NOT_FOUND),                   // vLLM
            entry("rate_limit_error", RATE_LIMITED),
            entry("tokens", RATE_LIMITED),                             // OpenAI and Groq 429 type
            entry("requests", RATE_LIMITED));                          // OpenAI and Groq 429 type

    private ErrorClassifier() {
    }

    /**
     * Classifies an upstream error.
     *
     * @param status the HTTP status, or null for an error that arrived inside a 200 stream
     * @param code   the error {@code code} (a number as its decimal text), or null
     * @param type   the error {@code type}, or null
     * @return the category; never null
     */
    public static ErrorTaxonomy classify(Integer status, String code, String type) {
        String normalizedCode = normalize(code);
        String normalizedType = normalize(type);

        ErrorTaxonomy specific = lookup(SPECIFIC, normalizedCode, normalizedType);
        if (specific != null) {
            if (specific == RATE_LIMITED && status != null && status == 413) {
                return CONTEXT_LENGTH_EXCEEDED;
            }
            return specific;
        }

        Integer effectiveStatus = status != null ? status : statusFromCode(normalizedCode);
        if (effectiveStatus != null) {
            ErrorTaxonomy fromStatus = byStatus(effectiveStatus);
            if (fromStatus != UNKNOWN) {
                return fromStatus;
            }
        }

        ErrorTaxonomy generic = lookup(GENERIC, normalizedCode, normalizedType);
        return generic != null ? generic : UNKNOWN;
    }

    /** The category an HTTP status alone implies; {@code UNKNOWN} when the status says nothing. */
    static ErrorTaxonomy byStatus(int status) {
        return switch (status) {
            case 400, 422 -> INVALID_REQUEST;
            case 401 -> AUTHENTICATION;
            case 402 -> QUOTA_EXHAUSTED;
            case 403 -> PERMISSION_DENIED;
            case 404 -> MODEL_NOT_FOUND;
            case 408 -> TIMEOUT;
            case 409 -> SERVER_ERROR;
            case 413 -> CONTEXT_LENGTH_EXCEEDED;
            case 429 -> RATE_LIMITED;
            case 498, 503, 529 -> OVERLOADED;
            default -> status >= 500 && status <= 599 ? SERVER_ERROR : UNKNOWN;
        };
    }

    private static ErrorTaxonomy lookup(Map<String, ErrorTaxonomy> table, String code, String type) {
        ErrorTaxonomy byCode = code == null ? null : table.get(code);
        if (byCode != null) {
            return byCode;
        }
        return type == null ? null : table.get(type);
    }

    /** A numeric code that looks like an HTTP error status (vLLM and OpenRouter put it there). */
    private static Integer statusFromCode(String code) {
        if (code == null || code.length() != 3) {
            return null;
        }
        for (int i = 0; i < 3; i++) {
            char c = code.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        int value = Integer.parseInt(code);
        return value >= 400 && value <= 599 ? value : null;
    }

    private static String normalize(String value) {
        if (value == null) {
            return null;
        }
        String stripped = value.strip();
        return stripped.isEmpty() ? null : stripped.toLowerCase(Locale.ROOT);
    }
}
