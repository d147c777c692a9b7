package dev.multillm.openai;

import dev.multillm.core.ChatProviders;
import dev.multillm.core.ProviderConfig;
import dev.multillm.core.spi.ChatProviderFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

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
 * accepts beyond OpenAI's); {@code streamUsage} ({@code true} or {@code false}). The common keys
 * are read by {@link dev.multillm.core.openai.OpenAiCompatibleBuilder#configure(ProviderConfig)};
 * environment variables through {@link ProviderConfig#env(String)}.
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
        OpenAiChatProvider.Builder builder = OpenAiChatProvider.builder()
                .configure(Objects.requireNonNull(config, "config"));
        config.get("organization").ifPresent(builder::organization);
        config.get("project").ifPresent(builder::project);
        config.get("maxTokensField").map(String::strip).ifPresent(builder::maxTokensField);
        config.get("extraFields").ifPresent(fields -> builder.extraFields(Arrays.stream(fields.split(","))
                .map(String::strip).filter(field -> !field.isEmpty()).toList()));
        config.get("streamUsage").ifPresent(value -> builder.streamUsage(bool("streamUsage", value)));
        return builder.build();
    }

    private static boolean bool(String key, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, was '" + value + "'");
        };
    }
}
