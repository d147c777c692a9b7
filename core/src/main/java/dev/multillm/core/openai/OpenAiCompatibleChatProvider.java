package dev.multillm.core.openai;

import dev.multillm.core.ApiKey;
import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.Deadline;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.ModelInfo;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.Sleeper;
import dev.multillm.core.Timeouts;
import dev.multillm.core.event.ChatListener;
import dev.multillm.core.internal.call.CallSettings;
import dev.multillm.core.internal.call.StreamingCall;
import dev.multillm.core.internal.call.UnaryCall;
import dev.multillm.core.internal.error.HttpErrors;
import dev.multillm.core.internal.http.Transport;
import dev.multillm.core.internal.http.TransportErrors;
import dev.multillm.core.internal.wire.RequestEncoder;
import dev.multillm.core.internal.wire.WireOptions;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * A {@link ChatProvider} for any server that speaks the OpenAI chat-completions protocol.
 *
 * <p>Requests are written from an allow-list of top-level fields: a request that sets a field
 * the server does not accept fails with {@link ErrorTaxonomy#INVALID_REQUEST} naming it, before
 * anything is sent. Responses are read tolerantly. Used alone it retries like the official SDKs;
 * inside a chain, the chain calls {@link #withRetryPolicy(RetryPolicy)} with
 * {@link RetryPolicy#none()} and owns the retries.
 *
 * <p>Thread-safety: thread-safe; share one instance and {@link #close()} it at shutdown.
 */
public final class OpenAiCompatibleChatProvider implements ChatProvider {

    /** Every top-level field this implementation can write. */
    public static final Set<String> ALL_FIELDS = Set.of("model", "messages", "tools", "tool_choice",
            "parallel_tool_calls", "response_format", "temperature", "top_p", "max_completion_tokens", "max_tokens",
            "stop", "seed", "user", "reasoning_effort", "reasoning_format", "n", "logprobs", "top_logprobs",
            "service_tier", "stream", "stream_options");

    private final String id;
    private final String defaultModel;
    private final Capabilities capabilities;
    private final Function<String, Capabilities> modelCapabilities;
    private final Consumer<ChatRequest> validator;
    private final WireOptions wireOptions;
    private final String modelsPath;
    private final Timeouts timeouts;
    private final CallSettings settings;
    private final Transport transport;
    private final boolean ownsTransport;
    private final AtomicBoolean closed;

    private OpenAiCompatibleChatProvider(Builder b) {
        this.id = b.id;
        this.defaultModel = b.defaultModel;
        this.capabilities = b.capabilities;
        this.modelCapabilities = b.modelCapabilities;
        this.validator = b.validator;
        this.wireOptions = new WireOptions(b.id, Set.copyOf(b.allowedFields), b.maxTokensField, b.streamUsage);
        this.modelsPath = b.modelsPath;
        this.timeouts = b.timeouts;
        this.transport = new Transport(b.baseUrl, b.apiKey, b.headers, b.httpClient, b.timeouts.connect());
        this.ownsTransport = true;
        this.closed = new AtomicBoolean();
        this.settings = new CallSettings(b.id, transport, b.chatPath, b.timeouts, b.retryPolicy, b.clock, b.sleeper,
                b.random, b.listener);
    }

    private OpenAiCompatibleChatProvider(OpenAiCompatibleChatProvider shared, RetryPolicy policy) {
        this.id = shared.id;
        this.defaultModel = shared.defaultModel;
        this.capabilities = shared.capabilities;
        this.modelCapabilities = shared.modelCapabilities;
        this.validator = shared.validator;
        this.wireOptions = shared.wireOptions;
        this.modelsPath = shared.modelsPath;
        this.timeouts = shared.timeouts;
        this.transport = shared.transport;
        this.ownsTransport = false;
        this.closed = shared.closed;
        CallSettings s = shared.settings;
        this.settings = new CallSettings(s.provider(), s.transport(), s.chatPath(), s.timeouts(), policy, s.clock(),
                s.sleeper(), s.random(), s.listener());
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public Capabilities capabilities(String model) {
        if (model == null || modelCapabilities == null) {
            return capabilities;
        }
        Capabilities specific = modelCapabilities.apply(model);
        return specific == null ? capabilities : specific;
    }

    /** The retry policy calls of this instance use. */
    public RetryPolicy retryPolicy() {
        return settings.retryPolicy();
    }

    /** The base URL requests go to. */
    public URI baseUrl() {
        return transport.baseUrl();
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        Prepared prepared = prepare(request, false);
        return UnaryCall.call(settings, prepared.model, prepared.body, deadline(request));
    }

    @Override
    public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
        Prepared prepared = prepare(request, false);
        return UnaryCall.start(settings, prepared.model, prepared.body, deadline(request));
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        Prepared prepared = prepare(request, true);
        return StreamingCall.start(settings, prepared.model, prepared.body, deadline(request));
    }

    @Override
    public List<ModelInfo> models() {
        ensureOpen();
        CompletableFuture<HttpResponse<String>> sent = transport.send(
                transport.request(modelsPath).header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = sent.get(timeouts.firstToken().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            throw LlmException.builder(ErrorTaxonomy.CANCELLED).provider(id).message("interrupted").cause(e).build();
        } catch (TimeoutException e) {
            sent.cancel(true);
            throw LlmException.builder(ErrorTaxonomy.TIMEOUT).provider(id)
                    .timeoutPhase(dev.multillm.core.TimeoutPhase.FIRST_TOKEN).message("listing models timed out")
                    .build();
        } catch (ExecutionException e) {
            throw TransportErrors.map(id, e.getCause());
        }
        if (response.statusCode() / 100 != 2) {
            throw HttpErrors.fromResponse(id, response.statusCode(), response.headers(), response.body(),
                    transport.apiKey(), settings.clock());
        }
        return parseModels(response.body());
    }

    private List<ModelInfo> parseModels(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            JsonObject root = reader.readObject();
            List<ModelInfo> models = new ArrayList<>();
            for (JsonValue value : root.getJsonArray("data")) {
                JsonObject model = value.asJsonObject();
                String ownedBy = model.containsKey("owned_by") && !model.isNull("owned_by")
                        ? model.getString("owned_by") : null;
                int window = model.containsKey("context_window") && model.get("context_window")
                        .getValueType() == JsonValue.ValueType.NUMBER ? model.getInt("context_window") : 0;
                models.add(new ModelInfo(model.getString("id"), ownedBy, window));
            }
            return List.copyOf(models);
        } catch (RuntimeException e) {
            throw LlmException.builder(ErrorTaxonomy.INVALID_RESPONSE).provider(id)
                    .message("cannot read the model list: " + e.getClass().getSimpleName()).cause(e).build();
        }
    }

    @Override
    public ChatProvider withRetryPolicy(RetryPolicy policy) {
        return new OpenAiCompatibleChatProvider(this, Objects.requireNonNull(policy, "policy"));
    }

    @Override
    public void close() {
        if (ownsTransport && closed.compareAndSet(false, true)) {
            transport.close();
        }
    }

    @Override
    public String toString() {
        return "OpenAiCompatibleChatProvider[id=" + id + ", baseUrl=" + transport.baseUrl() + "]";
    }

    // ---- before anything is sent ----

    private record Prepared(String model, byte[] body) {
    }

    private Prepared prepare(ChatRequest request, boolean stream) {
        ensureOpen();
        if (request == null) {
            throw new IllegalArgumentException("request must not be null");
        }
        String model = request.model() != null ? request.model() : defaultModel;
        if (model == null) {
            throw LlmException.builder(ErrorTaxonomy.INVALID_REQUEST).provider(id).param("model")
                    .message("model must be set: the request names none and the provider has no default model")
                    .build();
        }
        String missing = capabilities(model).missingFor(request, stream);
        if (missing != null) {
            throw unsupported(missing, model);
        }
        if (validator != null) {
            try {
                validator.accept(request);
            } catch (IllegalArgumentException e) {
                throw LlmException.builder(ErrorTaxonomy.INVALID_REQUEST).provider(id).message(e.getMessage())
                        .cause(e).build();
            }
        }
        return new Prepared(model, RequestEncoder.encode(request, model, stream, wireOptions));
    }

    private LlmException unsupported(String capability, String model) {
        String field = switch (capability) {
            case "jsonMode", "jsonSchema" -> "responseFormat";
            case "vision" -> "messages";
            case "multipleChoices" -> "choices";
            case "streaming" -> "stream";
            default -> capability;
        };
        return LlmException.builder(ErrorTaxonomy.UNSUPPORTED_CAPABILITY).provider(id).param(field)
                .message(id + " does not support " + capability + " for model " + model
                        + " (requested by ChatRequest." + field + ")").build();
    }

    private Deadline deadline(ChatRequest request) {
        return Deadline.after(settings.clock(), request.timeout() != null ? request.timeout() : timeouts.total());
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("provider " + id + " is closed");
        }
    }

    /**
     * Mutable builder for {@link OpenAiCompatibleChatProvider}.
     *
     * <p>Thread-safety: not thread-safe; {@link #build()} copies what it needs.
     */
    public static final class Builder {
        private String id = "openai-compatible";
        private URI baseUrl;
        private ApiKey apiKey;
        private String defaultModel;
        private HttpClient httpClient;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Timeouts timeouts = Timeouts.defaults();
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private ChatListener listener = ChatListener.NONE;
        private Capabilities capabilities = Capabilities.ALL;
        private Function<String, Capabilities> modelCapabilities;
        private Consumer<ChatRequest> validator;
        private final Set<String> allowedFields = new LinkedHashSet<>(ALL_FIELDS);
        private String maxTokensField = "max_completion_tokens";
        private boolean streamUsage = true;
        private String chatPath = "/chat/completions";
        private String modelsPath = "/models";

        private Builder() {
        }

        /** The provider id reported in responses, errors and events. */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /** The API root, e.g. {@code https://api.openai.com/v1}. Required. */
        public Builder baseUrl(URI baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /** The API root as text. */
        public Builder baseUrl(String baseUrl) {
            if (baseUrl == null || baseUrl.isBlank()) {
                throw new IllegalArgumentException("baseUrl must not be blank");
            }
            try {
                return baseUrl(URI.create(baseUrl.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("baseUrl is not a valid URL: " + baseUrl);
            }
        }

        /** The key sent as {@code Authorization: Bearer}; null for servers that need none. */
        public Builder apiKey(ApiKey apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** The model used when a request names none. */
        public Builder defaultModel(String defaultModel) {
            this.defaultModel = defaultModel;
            return this;
        }

        /**
         * A client to use instead of creating one (for a proxy, an authenticator or sharing);
         * it is not shut down by {@link OpenAiCompatibleChatProvider#close()}.
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /** A header sent with every request (e.g. {@code OpenAI-Organization}). */
        public Builder header(String name, String value) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("header name must not be blank");
            }
            if ("authorization".equalsIgnoreCase(name)) {
                throw new IllegalArgumentException("set the Authorization header through apiKey(...)");
            }
            headers.put(name, Objects.requireNonNull(value, "header " + name));
            return this;
        }

        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = timeouts;
            return this;
        }

        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = retryPolicy;
            return this;
        }

        /** The clock deadlines are read on (inject a fake one in tests). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** How to wait between tries (inject a recording one in tests). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        /** Uniform numbers in [0, 1) for backoff jitter. */
        public Builder random(DoubleSupplier random) {
            this.random = random;
            return this;
        }

        public Builder listener(ChatListener listener) {
            this.listener = listener;
            return this;
        }

        /** What the provider supports by default. */
        public Builder capabilities(Capabilities capabilities) {
            this.capabilities = capabilities;
            return this;
        }

        /** Per-model capabilities; return null to fall back to the default ones. */
        public Builder modelCapabilities(Function<String, Capabilities> modelCapabilities) {
            this.modelCapabilities = modelCapabilities;
            return this;
        }

        /**
         * Provider-specific request checks run before encoding; throw
         * {@link IllegalArgumentException} (naming the field) or {@link LlmException}.
         */
        public Builder validator(Consumer<ChatRequest> validator) {
            this.validator = validator;
            return this;
        }

        /** Replaces the top-level request fields the server accepts. */
        public Builder allowedFields(Set<String> fields) {
            allowedFields.clear();
            allowedFields.addAll(Objects.requireNonNull(fields, "allowedFields"));
            return this;
        }

        /** {@code max_completion_tokens} (default) or {@code max_tokens} for older servers. */
        public Builder maxTokensField(String field) {
            this.maxTokensField = field;
            return this;
        }

        /** Whether to ask for usage on streams with {@code stream_options.include_usage}. */
        public Builder streamUsage(boolean streamUsage) {
            this.streamUsage = streamUsage;
            return this;
        }

        /** The chat path below the base URL, {@code /chat/completions} by default. */
        public Builder chatPath(String chatPath) {
            this.chatPath = chatPath;
            return this;
        }

        /** The model-listing path below the base URL, {@code /models} by default. */
        public Builder modelsPath(String modelsPath) {
            this.modelsPath = modelsPath;
            return this;
        }

        /** Checks the settings and creates the provider. */
        public OpenAiCompatibleChatProvider build() {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("id must not be blank");
            }
            if (baseUrl == null) {
                throw new IllegalArgumentException("baseUrl must be set");
            }
            String scheme = baseUrl.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || baseUrl.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an http(s) URL with a host, was " + baseUrl);
            }
            Objects.requireNonNull(timeouts, "timeouts");
            Objects.requireNonNull(retryPolicy, "retryPolicy");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(sleeper, "sleeper");
            Objects.requireNonNull(random, "random");
            Objects.requireNonNull(listener, "listener");
            Objects.requireNonNull(capabilities, "capabilities");
            if (!"max_completion_tokens".equals(maxTokensField) && !"max_tokens".equals(maxTokensField)) {
                throw new IllegalArgumentException("maxTokensField must be max_completion_tokens or max_tokens");
            }
            return new OpenAiCompatibleChatProvider(this);
        }
    }
}
