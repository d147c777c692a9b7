package dev.multillm.groq.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ProviderConfig;
import dev.multillm.groq.GroqChatProvider;
import dev.multillm.groq.GroqChatProviderFactory;
import java.util.Objects;

/**
 * Binds a singleton {@link GroqChatProvider}, and adds it to the {@code Map<String, ChatProvider>}
 * of providers under the key {@code groq}.
 *
 * <p>Follows Guice's best practice: {@link #configure()} only declares bindings (no I/O, no
 * branching); the provider is created lazily from the {@link ProviderConfig} given to the
 * constructor, once, the first time it is injected. The application owns the provider and closes
 * it at shutdown ({@code injector.getInstance(GroqChatProvider.class).close()}).
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new GroqModule(ProviderConfig.of(Map.of("model", "llama-3.3-70b-versatile"))));
 * Map<String, ChatProvider> providers = injector.getInstance(new Key<Map<String, ChatProvider>>() {});
 * }</pre>
 *
 * <p>Thread-safety: immutable; the bound provider is thread-safe.
 */
public final class GroqModule extends AbstractModule {
    private final ProviderConfig config;

    /** A module whose provider reads its settings (and the environment) from {@code config}. */
    public GroqModule(ProviderConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** A module whose provider is configured from the environment ({@code GROQ_API_KEY}, ...). */
    public GroqModule() {
        this(ProviderConfig.empty());
    }

    @Override
    protected void configure() {
        MapBinder.newMapBinder(binder(), String.class, ChatProvider.class)
                .addBinding(GroqChatProvider.ID).to(GroqChatProvider.class);
    }

    @Provides
    @Singleton
    GroqChatProvider groqChatProvider() {
        return new GroqChatProviderFactory().create(config);
    }
}
