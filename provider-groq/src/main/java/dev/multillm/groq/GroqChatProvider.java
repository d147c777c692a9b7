package dev.multillm.groq;

import dev.multillm.core.ApiKey;
import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ModelInfo;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.Sleeper;
import dev.multillm.core.Timeouts;
import dev.multillm.core.event.ChatListener;
import dev.multillm.core.openai.OpenAiCompatibleChatProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

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
 *
 * <pre>{@code
 * try (GroqChatProvider groq = GroqChatProvider.builder().defaultModel("llama-3.3-70b-versatile").build()) {
 *     System.out.println(groq.chat(ChatRequest.of(null, "Hello")).content());
 * }
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; share one instance and {@link #close()} it at shutdown.
 */
public final class GroqChatProvider implements ChatProvider {

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

    private final ChatProvider delegate;
    private final URI baseUrl;
    private final String defaultModel;

    private GroqChatProvider(ChatProvider delegate, URI baseUrl, String defaultModel) {
        this.delegate = delegate;
        this.baseUrl = baseUrl;
        this.defaultModel = defaultModel;
    }

    /** A new builder; the key defaults to {@value #API_KEY_ENV}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Capabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public Capabilities capabilities(String model) {
        return delegate.capabilities(model);
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        return delegate.chat(request);
    }

    @Override
    public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
        return delegate.chatAsync(request);
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        return delegate.stream(request);
    }

    /** The models Groq lists ({@code GET /models}), with their context windows. */
    @Override
    public List<ModelInfo> models() {
        return delegate.models();
    }

    /** A view with another retry policy that shares this provider's connections. */
    @Override
    public GroqChatProvider withRetryPolicy(RetryPolicy policy) {
        return new GroqChatProvider(delegate.withRetryPolicy(Objects.requireNonNull(policy, "policy")), baseUrl,
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
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "GroqChatProvider[baseUrl=" + baseUrl + ", defaultModel=" + defaultModel + "]";
    }

    /**
     * Mutable builder for {@link GroqChatProvider}.
     *
     * <p>Thread-safety: not thread-safe; {@link #build()} copies what it needs.
     */
    public static final class Builder {
        private ApiKey apiKey;
        private URI baseUrl;
        private String defaultModel;
        private HttpClient httpClient;
        private Timeouts timeouts = Timeouts.defaults();
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private DoubleSupplier random;
        private ChatListener listener = ChatListener.NONE;
        private Function<String, String> environment = System::getenv;

        private Builder() {
        }

        /** The API key; when not set, {@value #API_KEY_ENV} is read. */
        public Builder apiKey(ApiKey apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            return this;
        }

        /** The API key as text (surrounding whitespace is removed; the key never appears in errors). */
        public Builder apiKey(String apiKey) {
            return apiKey(ApiKey.of(apiKey));
        }

        /** The API root; when not set, {@value #BASE_URL_ENV} or {@value #DEFAULT_BASE_URL}. */
        public Builder baseUrl(URI baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /** The API root as text. */
        public Builder baseUrl(String baseUrl) {
            return baseUrl(parseUrl(baseUrl, "baseUrl"));
        }

        /** The model used when a request names none. */
        public Builder defaultModel(String defaultModel) {
            this.defaultModel = defaultModel == null || defaultModel.isBlank() ? null : defaultModel.strip();
            return this;
        }

        /** A client to use (and share) instead of creating one; it is not closed with the provider. */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /** Connect, first-token, idle and total timeouts. */
        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
            return this;
        }

        /** How retryable failures are retried when the provider is used alone. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** The clock deadlines are read on (inject a fake one in tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How to wait between tries (inject a recording one in tests). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Uniform numbers in [0, 1) for backoff jitter (inject a fixed one in tests). */
        public Builder random(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Receives attempt, retry, first-token and usage events. */
        public Builder listener(ChatListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Where {@value #API_KEY_ENV} and {@value #BASE_URL_ENV} are read; the process environment by default. */
        public Builder environment(Function<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * Creates the provider.
         *
         * @throws IllegalArgumentException when no API key is set and {@value #API_KEY_ENV} is
         *                                  empty, or the base URL is not an http(s) URL
         */
        public GroqChatProvider build() {
            ApiKey key = apiKey;
            if (key == null) {
                String fromEnvironment = environment.apply(API_KEY_ENV);
                if (fromEnvironment == null || fromEnvironment.isBlank()) {
                    throw new IllegalArgumentException("Groq needs an API key: set the " + API_KEY_ENV
                            + " environment variable or call apiKey(...)");
                }
                key = ApiKey.of(fromEnvironment);
            }
            URI url = baseUrl;
            if (url == null) {
                String fromEnvironment = environment.apply(BASE_URL_ENV);
                url = fromEnvironment == null || fromEnvironment.isBlank() ? URI.create(DEFAULT_BASE_URL)
                        : parseUrl(fromEnvironment, BASE_URL_ENV);
            }
            OpenAiCompatibleChatProvider.Builder core = OpenAiCompatibleChatProvider.builder()
                    .id(ID)
                    .baseUrl(url)
                    .apiKey(key)
                    .defaultModel(defaultModel)
                    .httpClient(httpClient)
                    .timeouts(timeouts)
                    .retryPolicy(retryPolicy)
                    .clock(clock)
                    .sleeper(sleeper)
                    .listener(listener)
                    .capabilities(GroqModels.DEFAULT)
                    .modelCapabilities(GroqModels::capabilities)
                    .validator(new GroqRequestValidator(defaultModel))
                    .allowedFields(ALLOWED_FIELDS)
                    .maxTokensField("max_completion_tokens")
                    .streamUsage(true);
            if (random != null) {
                core.random(random);
            }
            OpenAiCompatibleChatProvider built = core.build();
            return new GroqChatProvider(built, built.baseUrl(), defaultModel);
        }

        private static URI parseUrl(String text, String field) {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException(field + " must not be blank");
            }
            try {
                return URI.create(text.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + " is not a valid URL: " + text.strip());
            }
        }
    }
}
