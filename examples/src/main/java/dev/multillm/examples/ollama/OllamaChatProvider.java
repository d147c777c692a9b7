package dev.multillm.examples.ollama;

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
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A custom provider: Ollama ({@code ollama serve}) through its OpenAI-compatible API. Core's
 * {@link OpenAiCompatibleChatProvider} does the HTTP, streaming, errors, retries and timeouts; this
 * class only says what is Ollama's: its id, its default address, that it needs no key, which
 * request fields it accepts and what it can do.
 *
 * <p>A provider for a server that does not speak the OpenAI protocol implements the same
 * {@link ChatProvider} interface itself, and passes the same testkit contract
 * ({@code ChatProviderContract}) with its own {@code WireFixture}.
 *
 * <p>Thread-safety: thread-safe; share one instance and {@link #close()} it at shutdown.
 */
public final class OllamaChatProvider implements ChatProvider {
    /** The provider id. */
    public static final String ID = "ollama";
    /** Where {@code ollama serve} listens by default. */
    public static final String DEFAULT_BASE_URL = "http://localhost:11434/v1";
    /** The environment variable that overrides the base URL. */
    public static final String BASE_URL_ENV = "OLLAMA_BASE_URL";

    /** What Ollama does: streaming, tools, JSON mode and schemas; no images or several choices here. */
    static final Capabilities CAPABILITIES = Capabilities.builder().streaming(true).tools(true)
            .parallelToolCalls(true).jsonMode(true).jsonSchema(true).reasoning(true).build();

    /** The request fields Ollama's OpenAI-compatible endpoint accepts. */
    static final Set<String> FIELDS = Set.of("model", "messages", "tools", "tool_choice", "parallel_tool_calls",
            "response_format", "temperature", "top_p", "max_tokens", "stop", "seed", "stream", "stream_options",
            "reasoning_effort");

    private final ChatProvider delegate;

    private OllamaChatProvider(ChatProvider delegate) {
        this.delegate = delegate;
    }

    /** A new builder, pointing at {@link #DEFAULT_BASE_URL}. */
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

    @Override
    public List<ModelInfo> models() {
        return delegate.models();
    }

    @Override
    public ChatProvider withRetryPolicy(RetryPolicy policy) {
        return new OllamaChatProvider(delegate.withRetryPolicy(policy));
    }

    @Override
    public void close() {
        delegate.close();
    }

    /**
     * Mutable builder for {@link OllamaChatProvider}.
     *
     * <p>Thread-safety: not thread-safe; {@link #build()} copies the values.
     */
    public static final class Builder {
        private final OpenAiCompatibleChatProvider.Builder wire = OpenAiCompatibleChatProvider.builder()
                .id(ID).baseUrl(DEFAULT_BASE_URL).capabilities(CAPABILITIES).allowedFields(FIELDS)
                .maxTokensField("max_tokens");

        private Builder() {
        }

        /** The API root, {@value OllamaChatProvider#DEFAULT_BASE_URL} by default. */
        public Builder baseUrl(URI baseUrl) {
            wire.baseUrl(Objects.requireNonNull(baseUrl, "baseUrl"));
            return this;
        }

        /** A key, for an Ollama behind an authenticating proxy; null (the default) sends none. */
        public Builder apiKey(ApiKey apiKey) {
            wire.apiKey(apiKey);
            return this;
        }

        /** The model used when a request names none, such as {@code llama3.2}. */
        public Builder defaultModel(String model) {
            wire.defaultModel(model);
            return this;
        }

        public Builder timeouts(Timeouts timeouts) {
            wire.timeouts(timeouts);
            return this;
        }

        public Builder retryPolicy(RetryPolicy retryPolicy) {
            wire.retryPolicy(retryPolicy);
            return this;
        }

        public Builder clock(Clock clock) {
            wire.clock(clock);
            return this;
        }

        public Builder sleeper(Sleeper sleeper) {
            wire.sleeper(sleeper);
            return this;
        }

        public Builder listener(ChatListener listener) {
            wire.listener(listener);
            return this;
        }

        /** The provider. */
        public OllamaChatProvider build() {
            return new OllamaChatProvider(wire.build());
        }
    }
}
