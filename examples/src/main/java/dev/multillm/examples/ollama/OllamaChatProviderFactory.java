package dev.multillm.examples.ollama;

import dev.multillm.core.ProviderConfig;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.Timeouts;
import dev.multillm.core.spi.ChatProviderFactory;
import java.net.URI;

/**
 * Creates {@link OllamaChatProvider}s for the id {@code ollama}; registered in
 * {@code META-INF/services/dev.multillm.core.spi.ChatProviderFactory}.
 *
 * <p>Configuration keys: {@code baseUrl} (default {@value OllamaChatProvider#BASE_URL_ENV}, else
 * {@value OllamaChatProvider#DEFAULT_BASE_URL}), {@code model}, {@code apiKey} or
 * {@code apiKeyEnv} (optional), {@code maxRetries}, {@code connectTimeout},
 * {@code firstTokenTimeout}, {@code idleTimeout}, {@code totalTimeout}.
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
        OllamaChatProvider.Builder builder = OllamaChatProvider.builder();
        config.get("baseUrl", OllamaChatProvider.BASE_URL_ENV).map(url -> URI.create(url.strip()))
                .ifPresent(builder::baseUrl);
        config.get("model").ifPresent(builder::defaultModel);
        config.apiKey("OLLAMA_API_KEY").ifPresent(builder::apiKey);
        Timeouts timeouts = Timeouts.defaults();
        timeouts = config.duration("connectTimeout").map(timeouts::withConnect).orElse(timeouts);
        timeouts = config.duration("firstTokenTimeout").map(timeouts::withFirstToken).orElse(timeouts);
        timeouts = config.duration("idleTimeout").map(timeouts::withIdle).orElse(timeouts);
        timeouts = config.duration("totalTimeout").map(timeouts::withTotal).orElse(timeouts);
        builder.timeouts(timeouts);
        config.integer("maxRetries").ifPresent(retries -> builder.retryPolicy(
                RetryPolicy.defaults().withMaxRetries(retries)));
        return builder.build();
    }
}
