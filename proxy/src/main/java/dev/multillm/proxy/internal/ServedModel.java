package dev.multillm.proxy.internal;

import dev.multillm.core.ChatProvider;
import dev.multillm.fallback.FallbackChatProvider;
import dev.multillm.fallback.RouteHealth;
import java.util.List;
import java.util.Objects;

/**
 * A public model name and the provider (usually a {@link FallbackChatProvider} chain) that serves it.
 *
 * @param name     the name callers put in {@code model}
 * @param provider the provider that answers; the request's model is passed on as {@code name}
 *
 * <p>Thread-safety: immutable record of a thread-safe provider.
 */
public record ServedModel(String name, ChatProvider provider) {
    public ServedModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(provider, "provider");
    }

    /**
     * The state of each route: the chain's own health snapshot, or a single always-available
     * entry for a provider that is not a chain.
     */
    public List<RouteHealth> health() {
        if (provider instanceof FallbackChatProvider chain) {
            return chain.health();
        }
        return List.of(new RouteHealth(provider.id(), null, null, null, null));
    }
}
