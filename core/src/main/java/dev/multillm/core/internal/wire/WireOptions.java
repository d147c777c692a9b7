package dev.multillm.core.internal.wire;

import java.util.Set;

/**
 * How one provider's chat-completions endpoint wants its request body written.
 *
 * <p>{@code model}, {@code messages} and {@code stream} are always written; every other top-level
 * key, extension keys included, must be in {@code allowedFields} when the request sets it, or
 * {@link RequestEncoder} rejects the request (Groq answers 400 to a field it does not know).
 *
 * @param provider       the provider id, named in errors
 * @param allowedFields  the top-level JSON keys the provider accepts
 * @param maxTokensField {@code max_completion_tokens} or {@code max_tokens}: the key that carries
 *                       {@code ChatRequest.maxOutputTokens}
 * @param streamUsage    whether to ask for a final usage chunk with
 *                       {@code "stream_options":{"include_usage":true}} when streaming (written
 *                       only when {@code stream_options} is allowed)
 *
 * <p>Thread-safety: immutable record.
 */
public record WireOptions(String provider, Set<String> allowedFields, String maxTokensField, boolean streamUsage) {

    /** The wire key of the newer output-token limit (OpenAI, Groq). */
    public static final String MAX_COMPLETION_TOKENS = "max_completion_tokens";

    /** The wire key of the older output-token limit (most OpenAI-compatible servers). */
    public static final String MAX_TOKENS = "max_tokens";

    /** The standard top-level keys of OpenAI's chat-completions request that multillm writes. */
    public static final Set<String> CHAT_COMPLETIONS_FIELDS = Set.of(
            "model", "messages", "tools", "tool_choice", "parallel_tool_calls", "response_format",
            "temperature", "top_p", MAX_COMPLETION_TOKENS, "stop", "seed", "user", "reasoning_effort",
            "n", "logprobs", "top_logprobs", "service_tier", "stream", "stream_options");

    public WireOptions {
        if (provider == null || provider.isBlank()) {
            throw new IllegalArgumentException("provider must not be blank");
        }
        if (allowedFields == null) {
            throw new IllegalArgumentException("allowedFields must not be null");
        }
        allowedFields = Set.copyOf(allowedFields);
        if (!MAX_COMPLETION_TOKENS.equals(maxTokensField) && !MAX_TOKENS.equals(maxTokensField)) {
            throw new IllegalArgumentException("maxTokensField must be '" + MAX_COMPLETION_TOKENS + "' or '"
                    + MAX_TOKENS + "', was " + maxTokensField);
        }
    }

    /** Whether the provider accepts the top-level key. */
    public boolean allows(String key) {
        return allowedFields.contains(key);
    }
}
