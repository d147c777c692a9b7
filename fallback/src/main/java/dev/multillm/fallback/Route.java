package dev.multillm.fallback;

import dev.multillm.core.ChatProvider;
import java.time.Duration;
import java.util.Objects;

/**
 * One route of a {@link FallbackChatProvider}: a provider, the model to ask it for, and how its
 * circuit breaker, rate-limit cooldown and hedging behave.
 *
 * <p>The model is mapped per route, so a fallback never sends the primary's model name to another
 * provider: {@code Route.of(groq, "llama-3.3-70b-versatile")} always asks Groq for that model,
 * whatever the request names. A route without a model passes the request's model on (or, when
 * the request names none, lets the provider use its default).
 *
 * <pre>{@code
 * Route primary = Route.builder(groq).model("llama-3.3-70b-versatile")
 *         .breaker(BreakerSettings.defaults().withOpenDelay(Duration.ofSeconds(10)))
 *         .hedgeAfter(Duration.ofSeconds(2))
 *         .build();
 * }</pre>
 *
 * <p>Thread-safety: immutable; the provider it holds must be thread-safe, as every provider is.
 */
public final class Route {
    /** The wait a rate limit without a {@code retry-after} puts the route in cooldown for. */
    public static final Duration DEFAULT_RATE_LIMIT_COOLDOWN = Duration.ofSeconds(1);

    private final ChatProvider provider;
    private final String model;
    private final String name;
    private final BreakerSettings breaker;
    private final Duration hedgeAfter;
    private final Duration rateLimitCooldown;

    private Route(Builder b) {
        this.provider = b.provider;
        this.model = b.model;
        this.name = b.name;
        this.breaker = b.breaker;
        this.hedgeAfter = b.hedgeAfter;
        this.rateLimitCooldown = b.rateLimitCooldown;
    }

    /** A route to {@code provider} with the request's own model and default settings. */
    public static Route of(ChatProvider provider) {
        return builder(provider).build();
    }

    /** A route that always asks {@code provider} for {@code model}. */
    public static Route of(ChatProvider provider, String model) {
        return builder(provider).model(model).build();
    }

    /** A builder for a route to {@code provider}. */
    public static Builder builder(ChatProvider provider) {
        return new Builder(provider);
    }

    /** A builder holding this route's values. */
    public Builder toBuilder() {
        Builder b = new Builder(provider).model(model).breaker(breaker).hedgeAfter(hedgeAfter)
                .rateLimitCooldown(rateLimitCooldown);
        b.name = name;
        return b;
    }

    /** The provider as given (the chain calls a view of it that never retries on its own). */
    public ChatProvider provider() {
        return provider;
    }

    /** The model asked for on this route; null to pass the request's model on. */
    public String model() {
        return model;
    }

    /**
     * The route's name in attempt logs, events, errors and {@link RouteHealth}; null until the
     * chain is built when none was set (the chain then uses the provider id, with the model
     * appended when two routes share a provider id).
     */
    public String name() {
        return name;
    }

    /** The circuit-breaker settings. */
    public BreakerSettings breaker() {
        return breaker;
    }

    /** How long this route may produce nothing before the next route is started beside it; null = no hedging. */
    public Duration hedgeAfter() {
        return hedgeAfter;
    }

    /** The cooldown after a rate limit that did not say how long to wait. */
    public Duration rateLimitCooldown() {
        return rateLimitCooldown;
    }

    Route withName(String newName) {
        Builder b = toBuilder();
        b.name = newName;
        return b.build();
    }

    @Override
    public String toString() {
        return "Route[" + (name != null ? name : provider.id()) + (model != null ? ", model=" + model : "")
                + (hedgeAfter != null ? ", hedge after " + hedgeAfter : "") + "]";
    }

    /**
     * Mutable builder for {@link Route}.
     *
     * <p>Thread-safety: not thread-safe; {@link #build()} copies the values.
     */
    public static final class Builder {
        private final ChatProvider provider;
        private String model;
        private String name;
        private BreakerSettings breaker = BreakerSettings.defaults();
        private Duration hedgeAfter;
        private Duration rateLimitCooldown = DEFAULT_RATE_LIMIT_COOLDOWN;

        private Builder(ChatProvider provider) {
            if (provider == null) {
                throw new IllegalArgumentException("route provider must not be null");
            }
            this.provider = provider;
        }

        /** The model to ask this provider for; null (the default) passes the request's model on. */
        public Builder model(String model) {
            if (model != null && model.isBlank()) {
                throw new IllegalArgumentException("route model must not be blank when set");
            }
            this.model = model;
            return this;
        }

        /** The name used in attempt logs, events and errors (default: the provider id). */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("route name must not be blank");
            }
            this.name = name;
            return this;
        }

        /** The circuit-breaker settings (default {@link BreakerSettings#defaults()}). */
        public Builder breaker(BreakerSettings breaker) {
            this.breaker = Objects.requireNonNull(breaker, "breaker");
            return this;
        }

        /**
         * Opts in to hedging: when this route has produced nothing (no answer, no streamed output)
         * after {@code delay}, the next eligible route is started beside it; the first to produce
         * output wins and the other is cancelled. Null turns hedging off (the default).
         */
        public Builder hedgeAfter(Duration delay) {
            if (delay != null && delay.isNegative()) {
                throw new IllegalArgumentException("hedgeAfter must not be negative, was " + delay);
            }
            this.hedgeAfter = delay;
            return this;
        }

        /** The cooldown after a rate limit without {@code retry-after} (default 1 s). */
        public Builder rateLimitCooldown(Duration cooldown) {
            if (cooldown == null || cooldown.isNegative()) {
                throw new IllegalArgumentException("rateLimitCooldown must be zero or positive, was " + cooldown);
            }
            this.rateLimitCooldown = cooldown;
            return this;
        }

        /** The route. */
        public Route build() {
            return new Route(this);
        }
    }
}
