package dev.multillm.fallback.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import dev.multillm.core.ChatProvider;
import dev.multillm.fallback.FallbackChatProvider;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Binds a {@link FallbackChatProvider} built from the providers of the
 * {@code MapBinder<String, ChatProvider>} (keyed by provider id), routed in the order of the ids
 * given here.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new GroqModule(), new OpenAiModule(),
 *         new FallbackModule(List.of("groq", "openai")));
 * ChatProvider chain = injector.getInstance(FallbackChatProvider.class);
 * }</pre>
 *
 * <p>The chain is a singleton. It does not close the bound providers when closed: they belong to
 * the injector's other modules. Like every multillm module it does no I/O and no branching while
 * configuring.
 *
 * <p>Thread-safety: immutable; the chain it provides is thread-safe.
 */
public final class FallbackModule extends AbstractModule {
    private final List<String> routeIds;
    private final UnaryOperator<FallbackChatProvider.Builder> customizer;

    /** Routes to the bound providers with these ids, in this order. */
    public FallbackModule(List<String> routeIds) {
        this(routeIds, UnaryOperator.identity());
    }

    /**
     * Routes to the bound providers with these ids, in this order, with further settings (retry
     * policy, listener, per-category failover...) applied by {@code customizer} to the builder
     * after the routes were added.
     */
    public FallbackModule(List<String> routeIds, UnaryOperator<FallbackChatProvider.Builder> customizer) {
        if (routeIds == null || routeIds.isEmpty()) {
            throw new IllegalArgumentException("routeIds must name at least one provider");
        }
        this.routeIds = List.copyOf(routeIds);
        this.customizer = Objects.requireNonNull(customizer, "customizer");
    }

    @Override
    protected void configure() {
        // Declares the map so that the chain can be built even before any provider module adds to it.
        MapBinder.newMapBinder(binder(), String.class, ChatProvider.class);
    }

    @Provides
    @Singleton
    FallbackChatProvider fallbackChatProvider(Map<String, ChatProvider> providers) {
        FallbackChatProvider.Builder builder = FallbackChatProvider.builder().closeProvidersOnClose(false);
        for (String id : routeIds) {
            ChatProvider provider = providers.get(id);
            if (provider == null) {
                throw new IllegalArgumentException("FallbackModule: no ChatProvider is bound for id '" + id
                        + "'; bound ids: " + new TreeSet<>(providers.keySet()));
            }
            builder.route(provider);
        }
        return customizer.apply(builder).build();
    }
}
