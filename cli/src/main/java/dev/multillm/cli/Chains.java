package dev.multillm.cli;

import dev.multillm.core.ChatProvider;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.event.ChatListener;
import dev.multillm.fallback.FallbackChatProvider;
import dev.multillm.fallback.Route;
import java.util.List;

/**
 * Builds what the command calls from its routes: a {@link FallbackChatProvider} over them in the
 * order given. A single route gets a chain too, so that retries show up as progress on standard
 * error and the attempt log is the same either way (a chain of one route reports that route's own
 * failure).
 *
 * <p><b>Attempt budget.</b> The chain is the one retry owner: every route is tried once, then
 * retryable failures are retried, up to {@code maxRetries} more requests in all ({@code maxRetries}
 * is the largest one the SPECs give, 2 when none does).
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class Chains {
    /** Retries after every route was tried once, when no SPEC says ({@link RetryPolicy#defaults()}). */
    static final int DEFAULT_MAX_RETRIES = RetryPolicy.defaults().maxRetries();

    private Chains() {
    }

    /**
     * One route: the name it has in attempt logs, events and errors, and its provider.
     *
     * @param name     the route name ({@code groq}, or {@code groq#2} for a second groq route)
     * @param provider the route's provider
     *
     * <p>Thread-safety: immutable record.
     */
    record NamedRoute(String name, ChatProvider provider) {
    }

    /**
     * The chain over {@code routes} (at least one), reporting to {@code listener}; closing it
     * closes the routes' providers.
     *
     * @param maxRetries retries after every route was tried once; null for {@link #DEFAULT_MAX_RETRIES}
     */
    static ChatProvider build(List<NamedRoute> routes, ChatListener listener, Integer maxRetries) {
        int retries = maxRetries == null ? DEFAULT_MAX_RETRIES : maxRetries;
        FallbackChatProvider.Builder chain = FallbackChatProvider.builder()
                .listener(listener)
                .retryPolicy(RetryPolicy.defaults().withMaxRetries(routes.size() - 1 + retries));
        for (NamedRoute route : routes) {
            chain.route(Route.builder(route.provider()).name(route.name()).build());
        }
        return chain.build();
    }
}
