package dev.multillm.groq;

import dev.multillm.core.ChatProviders;
import dev.multillm.core.ProviderConfig;
import dev.multillm.core.spi.ChatProviderFactory;
import java.util.Objects;

/**
 * Creates {@link GroqChatProvider}s for the id {@code groq} ({@link ChatProviders#create}).
 *
 * <p>Configuration keys: {@code apiKey}, or {@code apiKeyEnv} naming the variable to read it from
 * (default {@value GroqChatProvider#API_KEY_ENV}); {@code baseUrl} (default
 * {@value GroqChatProvider#BASE_URL_ENV}, else {@value GroqChatProvider#DEFAULT_BASE_URL});
 * {@code model} (the default model); {@code maxRetries}; {@code connectTimeout},
 * {@code firstTokenTimeout}, {@code idleTimeout}, {@code totalTimeout} (durations such as
 * {@code 500ms} or {@code 30s}); read by
 * {@link dev.multillm.core.openai.OpenAiCompatibleBuilder#configure(ProviderConfig)}. Environment
 * variables are read through {@link ProviderConfig#env(String)}.
 *
 * <p>Thread-safety: stateless and thread-safe; construction does no I/O.
 */
public final class GroqChatProviderFactory implements ChatProviderFactory {

    /** Creates the factory (used by {@link java.util.ServiceLoader}). */
    public GroqChatProviderFactory() {
    }

    @Override
    public String id() {
        return GroqChatProvider.ID;
    }

    @Override
    public String description() {
        return "Groq chat completions (" + GroqChatProvider.DEFAULT_BASE_URL + ")";
    }

    @Override
    public GroqChatProvider create(ProviderConfig config) {
        return GroqChatProvider.builder().configure(Objects.requireNonNull(config, "config")).build();
    }
}
