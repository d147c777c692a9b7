package dev.multillm.fallback.internal;

import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.Sleeper;
import dev.multillm.core.event.ChatListener;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * Everything a call of a chain needs: the routes and the chain-wide settings.
 *
 * @param id                     the chain's provider id
 * @param routes                 the routes in order
 * @param retryPolicy            the one attempt budget (tries, retries and failovers together) and
 *                               the backoff between retries of a route
 * @param failoverCategories     the categories after which the chain moves on to the next route
 * @param unknownContextFailover whether a context-length failure may move on to routes whose
 *                               context window is not known to be larger
 * @param totalTimeout           the deadline of a call whose request sets no timeout
 * @param clock                  the clock deadlines, cooldowns and open breakers are read on
 * @param sleeper                waits between retries and before hedging
 * @param random                 uniform numbers in [0, 1) for backoff jitter
 * @param listener               receives the chain's events
 *
 * <p>Thread-safety: immutable record of thread-safe parts.
 */
public record ChainConfig(String id, List<RouteState> routes, RetryPolicy retryPolicy,
                          Set<ErrorTaxonomy> failoverCategories, boolean unknownContextFailover,
                          Duration totalTimeout, Clock clock, Sleeper sleeper, DoubleSupplier random,
                          ChatListener listener) {

    public ChainConfig {
        routes = List.copyOf(routes);
        failoverCategories = Set.copyOf(failoverCategories);
    }

    /** Whether any route hedges ({@code Route.hedgeAfter()}): a call may then have two tries in flight. */
    public boolean hedges() {
        for (RouteState route : routes) {
            if (route.route().hedgeAfter() != null) {
                return true;
            }
        }
        return false;
    }

    /** The same chain with another attempt budget. */
    public ChainConfig withRetryPolicy(RetryPolicy policy) {
        return new ChainConfig(id, routes, policy, failoverCategories, unknownContextFailover, totalTimeout, clock,
                sleeper, random, listener);
    }
}
