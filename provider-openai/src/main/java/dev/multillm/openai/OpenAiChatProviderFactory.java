package dev.multillm.openai;

import dev.multillm.core.ChatProviders;
import dev.multillm.core.ProviderConfig;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.Timeouts;
import dev.multillm.core.spi.ChatProviderFactory;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Creates {@link OpenAiChatProvider}s for the id {@code openai} ({@link ChatProviders#create}),
 * for OpenAI itself or any OpenAI-compatible server.
 *
 * <p>Configuration keys: {@code apiKey}, or {@code apiKeyEnv} naming the variable to read it from
 * (default {@value OpenAiChatProvider#API_KEY_ENV}; optional for servers other than
 * {@code api.openai.com}); {@code baseUrl} (default {@value OpenAiChatProvider#BASE_URL_ENV}, else
 * {@value OpenAiChatProvider#DEFAULT_BASE_URL}); {@code model} (the default model);
 * {@code maxRetries}; {@code connectTimeout}, {@code firstTokenTimeout}, {@code idleTimeout},
 * {@code totalTimeout} (durations such as {@code 500ms} or {@code 30s}); {@code organization}
 * (default {@value OpenAiChatProvider#ORGANIZATION_ENV}) and {@code project} (default
 * {@value OpenAiChatProvider#PROJECT_ENV}); {@code maxTokensField} ({@code max_completion_tokens}
 * or {@code max_tokens}); {@code extraFields} (comma-separated top-level keys a compatible server
 * accepts beyond OpenAI's); {@code streamUsage} ({@code true} or {@code false}). Environment
 * variables are read through {@link ProviderConfig#env(String)}.
 *
 * <p>Thread-safety: stateless and thread-safe; construction does no I/O.
 */
public final class OpenAiChatProviderFactory implements ChatProviderFactory {

    /** Creates the factory (used by {@link java.util.ServiceLoader}). */
    public OpenAiChatProviderFactory() {
    }

    @Override
    public String id() {
        return OpenAiChatProvider.ID;
    }

    @Override
    public String description() {
        return "OpenAI chat completions (" + OpenAiChatProvider.DEFAULT_BASE_URL
                + ") or any OpenAI-compatible server (baseUrl)";
    }

    @Override
    public OpenAiChatProvider create(ProviderConfig config) {
        Objects.requireNonNull(config, "config");
        OpenAiChatProvider.Builder builder = OpenAiChatProvider.builder()
                .environment(name -> config.env(name).orElse(null));
        Optional<String> baseUrl = config.get("baseUrl", OpenAiChatProvider.BASE_URL_ENV);
        baseUrl.ifPresent(builder::baseUrl);
        String keyVariable = config.get("apiKeyEnv").orElse(OpenAiChatProvider.API_KEY_ENV);
        config.apiKey(OpenAiChatProvider.API_KEY_ENV).ifPresentOrElse(builder::apiKey, () -> {
            URI url = URI.create(baseUrl.map(String::strip).orElse(OpenAiChatProvider.DEFAULT_BASE_URL));
            if (OpenAiChatProvider.isOpenAi(url)) {
                throw new IllegalArgumentException("OpenAI needs an API key: set the " + keyVariable
                        + " environment variable or the apiKey configuration key");
            }
            builder.withoutApiKey();
        });
        config.get("model").ifPresent(builder::defaultModel);
        config.get("organization").ifPresent(builder::organization);
        config.get("project").ifPresent(builder::project);
        config.get("maxTokensField").map(String::strip).ifPresent(builder::maxTokensField);
        config.get("extraFields").ifPresent(fields -> builder.extraFields(Arrays.stream(fields.split(","))
                .map(String::strip).filter(field -> !field.isEmpty()).toList()));
        config.get("streamUsage").ifPresent(value -> builder.streamUsage(bool("streamUsage", value)));
        builder.timeouts(timeouts(config));
        config.integer("maxRetries").ifPresent(retries -> {
            if (retries < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative, was " + retries);
            }
            builder.retryPolicy(RetryPolicy.defaults().withMaxRetries(retries));
        });
        return builder.build();
    }

    private static boolean bool(String key, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, was '" + value + "'");
        };
    }

    private static Timeouts timeouts(ProviderConfig config) {
        Timeouts timeouts = Timeouts.defaults();
        timeouts = config.duration("connectTimeout").map(timeouts::withConnect).orElse(timeouts);
        timeouts = config.duration("firstTokenTimeout").map(timeouts::withFirstToken).orElse(timeouts);
        timeouts = config.duration("idleTimeout").map(timeouts::withIdle).orElse(timeouts);
        return config.duration("totalTimeout").map(timeouts::withTotal).orElse(timeouts);
    }
}
