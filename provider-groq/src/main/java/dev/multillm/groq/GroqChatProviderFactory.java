package dev.multillm.groq;

import dev.multillm.core.ApiKey;
import dev.multillm.core.ChatProviders;
import dev.multillm.core.ProviderConfig;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.Timeouts;
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
 * {@code 500ms} or {@code 30s}). Environment variables are read through
 * {@link ProviderConfig#env(String)}.
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
        Objects.requireNonNull(config, "config");
        GroqChatProvider.Builder builder = GroqChatProvider.builder()
                .environment(name -> config.env(name).orElse(null));
        String keyVariable = config.get("apiKeyEnv").orElse(GroqChatProvider.API_KEY_ENV);
        ApiKey key = config.apiKey(GroqChatProvider.API_KEY_ENV).orElseThrow(() -> new IllegalArgumentException(
                "Groq needs an API key: set the " + keyVariable + " environment variable"
                        + " or the apiKey configuration key"));
        builder.apiKey(key);
        config.get("baseUrl", GroqChatProvider.BASE_URL_ENV).ifPresent(builder::baseUrl);
        config.get("model").ifPresent(builder::defaultModel);
        builder.timeouts(timeouts(config));
        config.integer("maxRetries").ifPresent(retries -> {
            if (retries < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative, was " + retries);
            }
            builder.retryPolicy(RetryPolicy.defaults().withMaxRetries(retries));
        });
        return builder.build();
    }

    static Timeouts timeouts(ProviderConfig config) {
        Timeouts timeouts = Timeouts.defaults();
        timeouts = config.duration("connectTimeout").map(timeouts::withConnect).orElse(timeouts);
        timeouts = config.duration("firstTokenTimeout").map(timeouts::withFirstToken).orElse(timeouts);
        timeouts = config.duration("idleTimeout").map(timeouts::withIdle).orElse(timeouts);
        return config.duration("totalTimeout").map(timeouts::withTotal).orElse(timeouts);
    }
}
