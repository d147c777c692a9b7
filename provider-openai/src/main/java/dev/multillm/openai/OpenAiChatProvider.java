package dev.multillm.openai;

import dev.multillm.core.ApiKey;
import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.openai.OpenAiCompatibleBuilder;
import dev.multillm.core.openai.OpenAiCompatibleChatProvider;
import dev.multillm.core.spi.ForwardingChatProvider;
import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * OpenAI's chat-completions API, and any server that speaks it (vLLM, Ollama, LM Studio, llama.cpp
 * server, Together, Fireworks, DeepSeek, OpenRouter...).
 *
 * <p>A thin configuration of core's {@link OpenAiCompatibleChatProvider}: OpenAI's allow-list of
 * request fields ({@link #OPENAI_FIELDS}, plus {@link Builder#extraFields} for a compatible
 * server's own), {@code max_completion_tokens} (or {@code max_tokens} for older compatible
 * servers), {@code stream_options.include_usage} on every stream, and the
 * {@code OpenAI-Organization} / {@code OpenAI-Project} headers. The wire codec, the error table,
 * retries, timeouts and streaming are core's: refusals are {@link ChatResponse#refusal()}, every
 * choice of {@code n > 1} is in {@link ChatResponse#choices()}, cached and reasoning tokens are in
 * {@link ChatResponse#usage()}, and {@code insufficient_quota} is never retried.
 *
 * <p>The key defaults to {@value #API_KEY_ENV} and the base URL to {@value #BASE_URL_ENV}, else
 * {@value #DEFAULT_BASE_URL}. A server other than {@code api.openai.com} may be used without a key.
 * {@link #models()} lists the server's models ({@code GET /models}).
 *
 * <pre>{@code
 * try (OpenAiChatProvider local = OpenAiChatProvider.builder().baseUrl("http://127.0.0.1:11434/v1")
 *         .defaultModel("llama3.2").maxTokensField("max_tokens").build()) {
 *     System.out.println(local.chat(ChatRequest.of(null, "Hello")).content());
 * }
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; share one instance and {@link #close()} it at shutdown.
 */
public final class OpenAiChatProvider extends ForwardingChatProvider {

    /** The provider id. */
    public static final String ID = "openai";

    /** OpenAI's API root. */
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    /** The environment variable the API key is read from by default. */
    public static final String API_KEY_ENV = "OPENAI_API_KEY";

    /** The environment variable that overrides the base URL. */
    public static final String BASE_URL_ENV = "OPENAI_BASE_URL";

    /** The environment variable of the default organization (as in OpenAI's SDKs). */
    public static final String ORGANIZATION_ENV = "OPENAI_ORG_ID";

    /** The environment variable of the default project (as in OpenAI's SDKs). */
    public static final String PROJECT_ENV = "OPENAI_PROJECT_ID";

    /** The header that selects the organization. */
    public static final String ORGANIZATION_HEADER = "OpenAI-Organization";

    /** The header that selects the project. */
    public static final String PROJECT_HEADER = "OpenAI-Project";

    /** The host whose API always needs a key. */
    static final String OPENAI_HOST = "api.openai.com";

    /**
     * The top-level request keys OpenAI documents for chat completions, without the token-limit
     * key (that is {@link Builder#maxTokensField}). Standard fields come from {@link ChatRequest};
     * the others ({@code frequency_penalty}, {@code presence_penalty}, {@code logit_bias},
     * {@code store}, {@code metadata}, {@code prediction}, {@code modalities}, {@code audio},
     * {@code web_search_options}, {@code verbosity}, {@code prompt_cache_key},
     * {@code safety_identifier}) are passed as {@link ChatRequest#extensions()}. The deprecated
     * {@code functions} and {@code function_call} are left out.
     */
    public static final Set<String> OPENAI_FIELDS = Set.of(
            "model", "messages", "tools", "tool_choice", "parallel_tool_calls", "response_format", "temperature",
            "top_p", "stop", "seed", "user", "reasoning_effort", "n", "logprobs", "top_logprobs", "service_tier",
            "stream", "stream_options", "frequency_penalty", "presence_penalty", "logit_bias", "store", "metadata",
            "prediction", "modalities", "audio", "web_search_options", "verbosity", "prompt_cache_key",
            "safety_identifier");

    private final URI baseUrl;
    private final String defaultModel;
    private final Set<String> allowedFields;

    private OpenAiChatProvider(ChatProvider delegate, URI baseUrl, String defaultModel, Set<String> allowedFields) {
        super(delegate);
        this.baseUrl = baseUrl;
        this.defaultModel = defaultModel;
        this.allowedFields = allowedFields;
    }

    /** A new builder; the key defaults to {@value #API_KEY_ENV}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A view with another retry policy that shares this provider's connections. */
    @Override
    public OpenAiChatProvider withRetryPolicy(RetryPolicy policy) {
        return new OpenAiChatProvider(delegate().withRetryPolicy(Objects.requireNonNull(policy, "policy")), baseUrl,
                defaultModel, allowedFields);
    }

    /** The API root requests go to. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** The model used when a request names none; null if none was configured. */
    public String defaultModel() {
        return defaultModel;
    }

    /** The top-level request keys this instance sends. */
    public Set<String> allowedFields() {
        return allowedFields;
    }

    @Override
    public String toString() {
        return "OpenAiChatProvider[id=" + id() + ", baseUrl=" + baseUrl + ", defaultModel=" + defaultModel + "]";
    }

    /** Whether {@code url} is OpenAI's own API, which always needs a key. */
    static boolean isOpenAi(URI url) {
        return url.getHost() != null && url.getHost().toLowerCase(Locale.ROOT).equals(OPENAI_HOST);
    }

    /**
     * Mutable builder for {@link OpenAiChatProvider}: the key defaults to {@value #API_KEY_ENV},
     * the base URL to {@value #BASE_URL_ENV}, else {@value #DEFAULT_BASE_URL}; they, and the
     * {@code OPENAI_*} defaults of the organization and project, are read through
     * {@link #environment(java.util.function.Function)}.
     *
     * <p>Thread-safety: not thread-safe; {@link #build()} copies what it needs.
     */
    public static final class Builder extends OpenAiCompatibleBuilder<Builder> {
        private String id = ID;
        private String organization;
        private String project;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String maxTokensField = "max_completion_tokens";
        private final Set<String> extraFields = new LinkedHashSet<>();
        private boolean streamUsage = true;
        private Capabilities capabilities = Capabilities.ALL;

        private Builder() {
            super(DEFAULT_BASE_URL, BASE_URL_ENV, API_KEY_ENV);
        }

        /**
         * The id reported in responses, errors and events ({@value #ID} by default); give each
         * compatible server its own, such as {@code vllm}, when several are used side by side.
         */
        public Builder id(String id) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("id must not be blank");
            }
            this.id = id.strip();
            return this;
        }

        /**
         * Sends no key and ignores {@value #API_KEY_ENV}: for a local server that needs none. Not
         * allowed with {@code api.openai.com}.
         */
        public Builder withoutApiKey() {
            noApiKey();
            return this;
        }

        /** Sent as {@value #ORGANIZATION_HEADER}; when not set, {@value #ORGANIZATION_ENV} is read. */
        public Builder organization(String organization) {
            this.organization = blankToNull(organization);
            return this;
        }

        /** Sent as {@value #PROJECT_HEADER}; when not set, {@value #PROJECT_ENV} is read. */
        public Builder project(String project) {
            this.project = blankToNull(project);
            return this;
        }

        /** Another header sent with every request (such as OpenRouter's {@code HTTP-Referer}). */
        public Builder header(String name, String value) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("header name must not be blank");
            }
            if ("authorization".equalsIgnoreCase(name.strip())) {
                throw new IllegalArgumentException("set the Authorization header through apiKey(...)");
            }
            headers.put(name.strip(), Objects.requireNonNull(value, "header " + name));
            return this;
        }

        /**
         * The key that carries {@link ChatRequest#maxOutputTokens()}: {@code max_completion_tokens}
         * (default; OpenAI's reasoning models reject {@code max_tokens}) or {@code max_tokens} for
         * older compatible servers.
         */
        public Builder maxTokensField(String field) {
            if (!"max_completion_tokens".equals(field) && !"max_tokens".equals(field)) {
                throw new IllegalArgumentException("maxTokensField must be max_completion_tokens or max_tokens, was "
                        + field);
            }
            this.maxTokensField = field;
            return this;
        }

        /**
         * Top-level keys a compatible server accepts beyond OpenAI's (vLLM's {@code top_k},
         * {@code min_p}, {@code repetition_penalty}, ...), sent from {@link ChatRequest#extensions()}.
         */
        public Builder extraFields(Collection<String> fields) {
            for (String field : Objects.requireNonNull(fields, "extraFields")) {
                if (field == null || field.isBlank()) {
                    throw new IllegalArgumentException("extraFields must not contain blank names");
                }
                extraFields.add(field.strip());
            }
            return this;
        }

        /**
         * Whether streams ask for a final usage chunk with {@code stream_options.include_usage}
         * (default true); turn off for a server that rejects {@code stream_options}.
         */
        public Builder streamUsage(boolean streamUsage) {
            this.streamUsage = streamUsage;
            return this;
        }

        /** What the server supports ({@link Capabilities#ALL} by default). */
        public Builder capabilities(Capabilities capabilities) {
            this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
            return this;
        }

        /**
         * Creates the provider.
         *
         * @throws IllegalArgumentException when {@code api.openai.com} is used without a key (set
         *                                  {@value #API_KEY_ENV}), or the base URL is not an
         *                                  http(s) URL
         */
        public OpenAiChatProvider build() {
            URI url = resolvedBaseUrl();
            ApiKey key = resolvedApiKey();
            if (key == null && isOpenAi(url)) {
                throw new IllegalArgumentException(missingApiKeyMessage("OpenAI")
                        + "; only other OpenAI-compatible servers may be used without one");
            }
            Set<String> allowed = new LinkedHashSet<>(OPENAI_FIELDS);
            allowed.add(maxTokensField);
            allowed.addAll(extraFields);
            OpenAiCompatibleChatProvider.Builder core = coreBuilder(id, url, key)
                    .capabilities(capabilities)
                    .allowedFields(allowed)
                    .maxTokensField(maxTokensField)
                    .streamUsage(streamUsage);
            String org = organization != null ? organization : env(ORGANIZATION_ENV);
            if (org != null) {
                core.header(ORGANIZATION_HEADER, org);
            }
            String proj = project != null ? project : env(PROJECT_ENV);
            if (proj != null) {
                core.header(PROJECT_HEADER, proj);
            }
            headers.forEach(core::header);
            OpenAiCompatibleChatProvider built = core.build();
            return new OpenAiChatProvider(built, built.baseUrl(), defaultModel(), Set.copyOf(allowed));
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }
    }
}
