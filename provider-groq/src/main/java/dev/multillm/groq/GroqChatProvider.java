package dev.multillm.groq;

import dev.multillm.core.ApiKey;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.openai.OpenAiCompatibleBuilder;
import dev.multillm.core.openai.OpenAiCompatibleChatProvider;
import dev.multillm.core.spi.ForwardingChatProvider;
import java.net.URI;
import java.util.Objects;
import java.util.Set;

/**
 * Groq's chat-completions API ({@code https://api.groq.com/openai/v1}).
 *
 * <p>A thin configuration of core's {@link OpenAiCompatibleChatProvider}: Groq's id, base URL,
 * allow-list of request fields ({@link #ALLOWED_FIELDS}; Groq answers 400 to a field it does not
 * know), the checks for what Groq rejects (n &ne; 1, logprobs, logit_bias, JSON mode with tools,
 * {@code reasoning_format} with {@code include_reasoning}, ...) and a small table of per-model
 * capabilities (structured outputs, vision, reasoning). The wire codec, the error table, retries,
 * timeouts and streaming are core's, so Groq's specifics there ({@code x_groq.id} as the request
 * id, {@code x_groq.usage}, timing fields as {@link ChatResponse#metadata()}, 498
 * {@code capacity_exceeded}, {@code json_validate_failed} with {@code failed_generation}, 413
 * request too large, Go-duration rate-limit headers) behave the same way on every path.
 * {@link #models()} lists Groq's models ({@code GET /models}) with their context windows.
 *
 * <pre>{@code
 * try (GroqChatProvider groq = GroqChatProvider.builder().defaultModel("llama-3.3-70b-versatile").build()) {
 *     System.out.println(groq.chat(ChatRequest.of(null, "Hello")).content());
 * }
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; share one instance and {@link #close()} it at shutdown.
 */
public final class GroqChatProvider extends ForwardingChatProvider {

    /** The provider id. */
    public static final String ID = "groq";

    /** Groq's OpenAI-compatible API root. */
    public static final String DEFAULT_BASE_URL = "https://api.groq.com/openai/v1";

    /** The environment variable the API key is read from by default. */
    public static final String API_KEY_ENV = "GROQ_API_KEY";

    /** The environment variable that overrides the base URL. */
    public static final String BASE_URL_ENV = "GROQ_BASE_URL";

    /**
     * The top-level request keys sent to Groq: the chat-completions fields Groq documents and
     * accepts. Standard fields come from {@link ChatRequest}; Groq's own ({@code include_reasoning},
     * {@code search_settings}, {@code documents}, {@code citation_options},
     * {@code compound_custom}, {@code disable_tool_validation}) and {@code frequency_penalty} /
     * {@code presence_penalty} are passed as {@link ChatRequest#extensions()}. Deliberately left
     * out: {@code logit_bias} and {@code top_logprobs} (no Groq model supports them), the deprecated
     * {@code max_tokens}, {@code functions}, {@code function_call}, {@code include_domains},
     * {@code exclude_domains}, and {@code metadata} / {@code store} ("not currently supported").
     * {@code n} and {@code logprobs} are listed because Groq accepts {@code n: 1} and
     * {@code logprobs: false}; other values are refused before sending.
     */
    public static final Set<String> ALLOWED_FIELDS = Set.of(
            "model", "messages", "temperature", "top_p", "max_completion_tokens", "stop", "seed", "tools",
            "tool_choice", "parallel_tool_calls", "response_format", "reasoning_format", "reasoning_effort",
            "include_reasoning", "service_tier", "user", "stream", "stream_options", "n", "logprobs",
            "frequency_penalty", "presence_penalty", "search_settings", "documents", "citation_options",
            "compound_custom", "disable_tool_validation");

    private final URI baseUrl;
    private final String defaultModel;

    private GroqChatProvider(ChatProvider delegate, URI baseUrl, String defaultModel) {
        super(delegate);
        this.baseUrl = baseUrl;
        this.defaultModel = defaultModel;
    }

    /** A new builder; the key defaults to {@value #API_KEY_ENV}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A view with another retry policy that shares this provider's connections. */
    @Override
    public GroqChatProvider withRetryPolicy(RetryPolicy policy) {
        return new GroqChatProvider(delegate().withRetryPolicy(Objects.requireNonNull(policy, "policy")), baseUrl,
                defaultModel);
    }

    /** The API root requests go to. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** The model used when a request names none; null if none was configured. */
    public String defaultModel() {
        return defaultModel;
    }

    @Override
    public String toString() {
        return "GroqChatProvider[baseUrl=" + baseUrl + ", defaultModel=" + defaultModel + "]";
    }

    /**
     * Mutable builder for {@link GroqChatProvider}: the key defaults to {@value #API_KEY_ENV}, the
     * base URL to {@value #BASE_URL_ENV}, else {@value #DEFAULT_BASE_URL}; both are read through
     * {@link #environment(java.util.function.Function)}.
     *
     * <p>Thread-safety: not thread-safe; {@link #build()} copies what it needs.
     */
    public static final class Builder extends OpenAiCompatibleBuilder<Builder> {

        private Builder() {
            super(DEFAULT_BASE_URL, BASE_URL_ENV, API_KEY_ENV);
        }

        /**
         * Creates the provider.
         *
         * @throws IllegalArgumentException when no API key is set and {@value #API_KEY_ENV} is
         *                                  empty, or the base URL is not an http(s) URL
         */
        public GroqChatProvider build() {
            ApiKey key = resolvedApiKey();
            if (key == null) {
                throw new IllegalArgumentException(missingApiKeyMessage("Groq"));
            }
            OpenAiCompatibleChatProvider built = coreBuilder(ID, resolvedBaseUrl(), key)
                    .capabilities(GroqModels.DEFAULT)
                    .modelCapabilities(GroqModels::capabilities)
                    .validator(new GroqRequestValidator(defaultModel()))
                    .allowedFields(ALLOWED_FIELDS)
                    .maxTokensField("max_completion_tokens")
                    .streamUsage(true)
                    .build();
            return new GroqChatProvider(built, built.baseUrl(), defaultModel());
        }
    }
}
