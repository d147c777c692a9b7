package dev.multillm.openai.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ProviderConfig;
import dev.multillm.openai.OpenAiChatProvider;
import dev.multillm.openai.OpenAiChatProviderFactory;
import java.util.Objects;

/**
 * Binds a singleton {@link OpenAiChatProvider}, and adds it to the {@code Map<String, ChatProvider>}
 * of providers under the key {@code openai}.
 *
 * <p>Follows Guice's best practice: {@link #configure()} only declares bindings (no I/O, no
 * branching); the provider is created lazily from the {@link ProviderConfig} given to the
 * constructor, once, the first time it is injected. The application owns the provider and closes
 * it at shutdown ({@code injector.getInstance(OpenAiChatProvider.class).close()}).
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new OpenAiModule(ProviderConfig.of(Map.of("model", "gpt-4o-mini"))));
 * Map<String, ChatProvider> providers = injector.getInstance(new Key<Map<String, ChatProvider>>() {});
 * }</pre>
 *
 * <p>Thread-safety: immutable; the bound provider is thread-safe.
 */
public final class OpenAiModule extends AbstractModule {
    private final ProviderConfig config;

    /** A module whose provider reads its settings (and the environment) from {@code config}. */
    public OpenAiModule(ProviderConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** A module whose provider is configured from the environment ({@code OPENAI_API_KEY}, {@code OPENAI_BASE_URL}, ...). */
    public OpenAiModule() {
        this(ProviderConfig.empty());
    }

    @Override
    protected void configure() {
        MapBinder.newMapBinder(binder(), String.class, ChatProvider.class)
                .addBinding(OpenAiChatProvider.ID).to(OpenAiChatProvider.class);
    }

    @Provides
    @Singleton
    OpenAiChatProvider openAiChatProvider() {
        return new OpenAiChatProviderFactory().create(config);
    }
}
