package dev.multillm.core.internal.error;

import dev.multillm.core.ApiKey;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.RateLimitSnapshot;
import dev.multillm.core.TimeoutPhase;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds the {@link LlmException} for a failed upstream call: an HTTP error response, or an
 * error object inside a 200 stream. Every provider goes through here, so the classification
 * ({@link ErrorClassifier}), the header reading ({@link RetryAfter}, {@link RateLimitHeaders})
 * and the scrubbing of secrets happen in one place.
 *
 * <p>Secrets: the provider's API key is removed from the raw body before anything reads it, and
 * every text that ends up in the exception (message, code, type, param, request id,
 * {@code failed_generation}) is scrubbed again of the key, of any {@code Bearer <token>} and of
 * the value of any {@code Authorization:} text, whatever key it carries. Upstream messages are
 * whitespace-collapsed and cut to {@value #MESSAGE_LIMIT} characters.
 *
 * <p>Thread-safety: stateless, safe to call from any thread.
 */
public final class HttpErrors {
    /** The longest upstream message kept, in characters. */
    public static final int MESSAGE_LIMIT = 500;

    private static final int FIELD_LIMIT = 200;
    private static final Pattern BEARER = Pattern.compile("(?i)\\bbearer\\s+\\S+");
    private static final Pattern AUTHORIZATION_VALUE =
            Pattern.compile("(?i)(\\bauthorization[\"']?\\s*[:=]\\s*[\"']?)(?!bearer \\*\\*\\*)(?:\\w+\\s+)?\\S+");
    private static final HttpHeaders NO_HEADERS = HttpHeaders.of(Map.of(), (name, value) -> true);

    private HttpErrors() {
    }

    /**
     * The exception for an HTTP error response.
     *
     * @param provider the provider id
     * @param status   the HTTP status
     * @param headers  the response headers; null means none
     * @param body     the response body as text; may be null, empty, HTML or not JSON
     * @param apiKey   the key the request was sent with, to scrub from every text; may be null
     * @param clock    the clock for {@code retry-after} HTTP dates; null means the system clock
     * @return the classified exception (a {@code RateLimitedException} for rate-limit and quota
     *         categories; an {@code LlmTimeoutException} with phase {@code FIRST_TOKEN} for 408)
     */
    public static LlmException fromResponse(String provider, int status, HttpHeaders headers, String body,
                                            ApiKey apiKey, Clock clock) {
        HttpHeaders responseHeaders = headers == null ? NO_HEADERS : headers;
        ErrorBody error = ErrorBodyParser.parse(ApiKey.redact(apiKey, body));
        ErrorTaxonomy category = ErrorClassifier.classify(status, error.code(), error.type());
        RateLimitSnapshot rateLimit = RateLimitHeaders.parse(responseHeaders);
        Duration retryAfter = RetryAfter.parse(responseHeaders, clock).orElse(null);
        if (retryAfter == null && category == ErrorTaxonomy.RATE_LIMITED) {
            retryAfter = resetOfExhaustedLimit(rateLimit, error.type());
        }
        LlmException.Builder builder = builder(category, provider, error, apiKey)
                .status(status)
                .requestId(field(requestId(responseHeaders), apiKey))
                .retryAfter(retryAfter)
                .shouldRetry(RetryAfter.shouldRetry(responseHeaders).orElse(null))
                .rateLimit(rateLimit);
        if (category == ErrorTaxonomy.TIMEOUT) {
            // The server gave up waiting (408) before it produced a response.
            builder.timeoutPhase(TimeoutPhase.FIRST_TOKEN);
        }
        return builder.build();
    }

    /**
     * The exception for an error object that arrived inside a 200 stream (an {@code {"error":…}}
     * chunk, an {@code event: error} or Groq's {@code x_groq.error}). There is no status, so the
     * category comes from the error's code and type alone.
     *
     * @param provider  the provider id
     * @param error     the error read with {@link ErrorBodyParser#fromJson}; null means no details
     * @param requestId the upstream request id, or null
     * @param apiKey    the key to scrub from every text; may be null
     * @return the classified exception
     */
    public static LlmException fromStreamError(String provider, ErrorBody error, String requestId, ApiKey apiKey) {
        ErrorBody details = error == null ? ErrorBody.ofMessage(null) : error;
        ErrorTaxonomy category = details.code() == null && details.type() == null
                // A bare error inside a 200 stream (Groq's x_groq.error is a plain string): the
                // server failed mid-generation, so it is a retryable server error, not UNKNOWN.
                ? ErrorTaxonomy.SERVER_ERROR
                : ErrorClassifier.classify(null, details.code(), details.type());
        LlmException.Builder builder = builder(category, provider, details, apiKey)
                .requestId(field(requestId, apiKey));
        if (category == ErrorTaxonomy.TIMEOUT) {
            builder.timeoutPhase(TimeoutPhase.IDLE);
        }
        return builder.build();
    }

    /**
     * {@code text} without the key, without any {@code Bearer} token and without the value of any
     * {@code Authorization:} text.
     *
     * @param text   any text; null stays null
     * @param apiKey the key to remove; may be null
     * @return the scrubbed text
     */
    public static String scrub(String text, ApiKey apiKey) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String scrubbed = ApiKey.redact(apiKey, text);
        scrubbed = BEARER.matcher(scrubbed).replaceAll("Bearer ***");
        return AUTHORIZATION_VALUE.matcher(scrubbed).replaceAll("$1***");
    }

    private static LlmException.Builder builder(ErrorTaxonomy category, String provider, ErrorBody error,
                                                ApiKey apiKey) {
        return LlmException.builder(category)
                .provider(provider)
                .errorCode(field(error.code(), apiKey))
                .errorType(field(error.type(), apiKey))
                .param(field(error.param(), apiKey))
                .failedGeneration(scrub(error.failedGeneration(), apiKey))
                .message(shorten(error.message(), apiKey, MESSAGE_LIMIT));
    }

    /**
     * For a rate limit without {@code retry-after}: the reset time of the limit that ran out,
     * known from a remaining count of zero or from the error type ({@code tokens} or
     * {@code requests}); null when neither says which.
     */
    private static Duration resetOfExhaustedLimit(RateLimitSnapshot rateLimit, String type) {
        boolean tokens = "tokens".equalsIgnoreCase(type) || Long.valueOf(0).equals(rateLimit.remainingTokens());
        boolean requests = "requests".equalsIgnoreCase(type)
                || Long.valueOf(0).equals(rateLimit.remainingRequests());
        Duration wait = null;
        if (tokens) {
            wait = longer(wait, rateLimit.resetTokens());
        }
        if (requests) {
            wait = longer(wait, rateLimit.resetRequests());
        }
        return wait;
    }

    private static Duration longer(Duration current, Duration candidate) {
        if (candidate == null) {
            return current;
        }
        return current == null || candidate.compareTo(current) > 0 ? candidate : current;
    }

    private static String requestId(HttpHeaders headers) {
        return headers.firstValue("x-request-id")
                .or(() -> headers.firstValue("request-id"))
                .map(String::strip)
                .filter(id -> !id.isEmpty())
                .orElse(null);
    }

    private static String field(String value, ApiKey apiKey) {
        return shorten(value, apiKey, FIELD_LIMIT);
    }

    /** Scrubbed first, then collapsed and cut: a cut never leaves half a key behind. */
    private static String shorten(String text, ApiKey apiKey, int limit) {
        if (text == null) {
            return null;
        }
        String collapsed = ErrorBodyParser.collapse(scrub(text, apiKey));
        if (collapsed.isEmpty()) {
            return null;
        }
        if (collapsed.length() <= limit) {
            return collapsed;
        }
        return ErrorBodyParser.cut(collapsed, limit - 1) + "\u2026";
    }
}
