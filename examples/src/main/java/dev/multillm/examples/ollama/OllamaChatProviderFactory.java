package dev.multillm.examples.ollama;

import dev.multillm.core.ProviderConfig;
import dev.multillm.core.spi.ChatProviderFactory;

/**
 * Creates {@link OllamaChatProvider}s for the id {@code ollama}; registered in
 * {@code META-INF/services/dev.multillm.core.spi.ChatProviderFactory}.
 *
 * <p>Configuration keys: {@code baseUrl} (default {@value OllamaChatProvider#BASE_URL_ENV}, else
 * {@value OllamaChatProvider#DEFAULT_BASE_URL}), {@code model}, {@code apiKey} or
 * {@code apiKeyEnv} (optional, default {@value OllamaChatProvider#API_KEY_ENV}), {@code maxRetries},
 * {@code connectTimeout}, {@code firstTokenTimeout}, {@code idleTimeout}, {@code totalTimeout}: the
 * common keys every OpenAI-compatible builder reads with
 * {@link dev.multillm.core.openai.OpenAiCompatibleBuilder#configure(ProviderConfig)}.
 *
 * <p>Thread-safety: stateless and thread-safe; construction does no I/O.
 */
public final class OllamaChatProviderFactory implements ChatProviderFactory {

    /** Creates the factory (used by {@link java.util.ServiceLoader}). */
    public OllamaChatProviderFactory() {
    }

    @Override
    public String id() {
        return OllamaChatProvider.ID;
    }

    @Override
    public String description() {
        return "Ollama's OpenAI-compatible API (" + OllamaChatProvider.DEFAULT_BASE_URL + "), an example provider";
    }

    @Override
    public OllamaChatProvider create(ProviderConfig config) {
        return OllamaChatProvider.builder().configure(config).build();
    }
}
