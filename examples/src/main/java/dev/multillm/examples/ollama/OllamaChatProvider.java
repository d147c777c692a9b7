package dev.multillm.examples.ollama;

import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.openai.OpenAiCompatibleBuilder;
import dev.multillm.core.openai.OpenAiCompatibleChatProvider;
import dev.multillm.core.spi.ForwardingChatProvider;
import java.util.Set;

/**
 * A custom provider: Ollama ({@code ollama serve}) through its OpenAI-compatible API. Core's
 * {@link OpenAiCompatibleChatProvider} does the HTTP, streaming, errors, retries and timeouts, and
 * {@link ForwardingChatProvider} passes every call to it; this class only says what is Ollama's:
 * its id, its default address, that it needs no key, which request fields it accepts and what it
 * can do.
 *
 * <p>A provider for a server that does not speak the OpenAI protocol implements the same
 * {@link ChatProvider} interface itself, and passes the same testkit contract
 * ({@code ChatProviderContract}) with its own {@code WireFixture}.
 *
 * <p>Thread-safety: thread-safe; share one instance and {@link #close()} it at shutdown.
 */
public final class OllamaChatProvider extends ForwardingChatProvider {
    /** The provider id. */
    public static final String ID = "ollama";
    /** Where {@code ollama serve} listens by default. */
    public static final String DEFAULT_BASE_URL = "http://localhost:11434/v1";
    /** The environment variable that overrides the base URL. */
    public static final String BASE_URL_ENV = "OLLAMA_BASE_URL";
    /** The environment variable a key is read from, for an Ollama behind an authenticating proxy. */
    public static final String API_KEY_ENV = "OLLAMA_API_KEY";

    /** What Ollama does: streaming, tools, JSON mode and schemas; no images or several choices here. */
    static final Capabilities CAPABILITIES = Capabilities.builder().streaming(true).tools(true)
            .parallelToolCalls(true).jsonMode(true).jsonSchema(true).reasoning(true).build();

    /** The request fields Ollama's OpenAI-compatible endpoint accepts. */
    static final Set<String> FIELDS = Set.of("model", "messages", "tools", "tool_choice", "parallel_tool_calls",
            "response_format", "temperature", "top_p", "max_tokens", "stop", "seed", "stream", "stream_options",
            "reasoning_effort");

    private OllamaChatProvider(ChatProvider delegate) {
        super(delegate);
    }

    /** A new builder, pointing at {@value #BASE_URL_ENV}, else {@link #DEFAULT_BASE_URL}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatProvider withRetryPolicy(RetryPolicy policy) {
        return new OllamaChatProvider(delegate().withRetryPolicy(policy));
    }

    /**
     * Mutable builder for {@link OllamaChatProvider}: the common settings come from
     * {@link OpenAiCompatibleBuilder}; no key is sent unless one is set or {@value #API_KEY_ENV}
     * holds one.
     *
     * <p>Thread-safety: not thread-safe; {@link #build()} copies the values.
     */
    public static final class Builder extends OpenAiCompatibleBuilder<Builder> {

        private Builder() {
            super(DEFAULT_BASE_URL, BASE_URL_ENV, API_KEY_ENV);
        }

        /** The provider. */
        public OllamaChatProvider build() {
            return new OllamaChatProvider(coreBuilder(ID, resolvedBaseUrl(), resolvedApiKey())
                    .capabilities(CAPABILITIES).allowedFields(FIELDS).maxTokensField("max_tokens").build());
        }
    }
}
