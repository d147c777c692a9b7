package dev.multillm.fallback;

import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.ModelInfo;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.Sleeper;
import dev.multillm.core.Timeouts;
import dev.multillm.core.event.ChatListener;
import dev.multillm.core.spi.Blocking;
import dev.multillm.fallback.internal.BlockingChainCall;
import dev.multillm.fallback.internal.ChainConfig;
import dev.multillm.fallback.internal.ChainStream;
import dev.multillm.fallback.internal.RouteState;
import dev.multillm.fallback.internal.UnaryChainCall;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;

/**
 * A {@link ChatProvider} made of ordered {@link Route}s: when a route fails, the call moves on to
 * the next one, so the chain answers as long as any route can.
 *
 * <pre>{@code
 * try (ChatProvider chain = FallbackChatProvider.builder()
 *         .route(Route.of(groq, "llama-3.3-70b-versatile"))
 *         .route(Route.of(openai, "gpt-4o-mini"))
 *         .build()) {
 *     ChatResponse answer = chain.chat(ChatRequest.of(null, "Hello"));
 *     answer.attempts().forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p><b>One retry owner.</b> Each route's provider is called through
 * {@code provider.withRetryPolicy(RetryPolicy.none())}: the chain alone retries, so an upstream
 * that always answers 429 receives exactly {@link RetryPolicy#maxAttempts()} requests. Every call
 * has one attempt budget (first tries, retries of a route and failovers are all drawn from it) and
 * one deadline (the request's {@code timeout}, else {@link Builder#totalTimeout(Duration)}); each
 * try is sent with the time left as its timeout and with the route's model.
 *
 * <p><b>Order of tries.</b> The routes are tried in order, each once, moving on at once after a
 * failure whose category fails over ({@link ErrorTaxonomy#fallbackEligible()}, adjustable with
 * {@link Builder#failoverOn(ErrorTaxonomy, boolean)}); then routes whose failure was retryable
 * are tried again, in order, after the server's {@code retry-after} or a jittered backoff. A wait
 * longer than the time left is never slept. A failure that does not fail over ends the call (or,
 * when retryable, keeps the call on that route); {@code STREAM_INTERRUPTED} and {@code CANCELLED}
 * always end it. When no route could answer, the call fails with
 * {@link ErrorTaxonomy#NO_PROVIDER_AVAILABLE} (each route's last failure attached as a suppressed
 * exception, the message listing {@code route → outcome}), or {@link ErrorTaxonomy#TIMEOUT} when
 * the deadline passed. A chain of one route reports that route's own failure.
 *
 * <p><b>Skipping routes.</b> A route is skipped, at no cost to the budget and with a
 * {@code skipped: ...} note in the attempt log, while its circuit breaker is open
 * ({@link BreakerSettings}), while it cools down after a rate limit (a 429 starts a cooldown for
 * its {@code retry-after} and never counts against the breaker), when it lacks a capability the
 * request needs ({@link Capabilities#missingFor(ChatRequest)}, streaming for {@link #stream}), and
 * after {@link ErrorTaxonomy#CONTEXT_LENGTH_EXCEEDED} when its context window is not known to be
 * larger than the one that was exceeded.
 *
 * <p><b>Streaming.</b> Before the first chunk with output reaches the caller, failures are retried
 * and failed over invisibly: the caller sees one clean stream. After it, nothing is re-sent: the
 * caller gets a {@link dev.multillm.core.StreamInterruptedException} with the partial output and
 * the attempt log. A stream counts as a success for the breaker only when it completes.
 *
 * <p><b>Hedging</b> is opt-in per route ({@link Route.Builder#hedgeAfter(Duration)}).
 *
 * <p><b>Attempt log.</b> Every answer and every failure carries {@code attempts()}: one entry per
 * request sent (labelled with the route name), per route skipped, and per try given up (hedge
 * loser, cancelled), each with its outcome, status, latency, and the wait and reason for what came
 * next. Usage is the answering try's own, never a sum.
 *
 * <p><b>Threads.</b> {@link #chat} through a chain in which no route hedges runs on the calling
 * thread: each try is the route's blocking {@code chat} (for the built-in providers,
 * {@code HttpClient.send} on that thread), waits between tries are awaited on it, and no thread
 * is started or borrowed for the call. {@link #chatAsync}, and {@code chat} through a chain with a
 * hedging route (two tries in flight), drive the routes' {@code chatAsync} and complete on the
 * threads those complete on. The chain's own threads are shared by every chain: one timer for
 * deadlines, and a pool that reads hedged streams until their first output.
 *
 * <p>Thread-safety: thread-safe; build one chain and share it.
 */
public final class FallbackChatProvider implements ChatProvider {

    private final ChainConfig config;
    private final List<ChatProvider> owned;
    private final boolean root;
    private final AtomicBoolean closed;

    private FallbackChatProvider(ChainConfig config, List<ChatProvider> owned, boolean root, AtomicBoolean closed) {
        this.config = config;
        this.owned = owned;
        this.root = root;
        this.closed = closed;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String id() {
        return config.id();
    }

    /** The union of the routes' capabilities: a capability is declared when any route declares it. */
    @Override
    public Capabilities capabilities() {
        return union(null, false);
    }

    /** The union over the routes of what each supports for the model it would be asked for. */
    @Override
    public Capabilities capabilities(String model) {
        return union(model, true);
    }

    private Capabilities union(String model, boolean perModel) {
        boolean streaming = false;
        boolean tools = false;
        boolean parallel = false;
        boolean jsonMode = false;
        boolean jsonSchema = false;
        boolean vision = false;
        boolean reasoning = false;
        boolean choices = false;
        int context = 0;
        for (RouteState route : config.routes()) {
            Capabilities c = perModel ? route.caller().capabilities(route.modelFor(model))
                    : route.route().model() != null ? route.caller().capabilities(route.route().model())
                    : route.caller().capabilities();
            if (c == null) {
                continue;
            }
            streaming |= c.streaming();
            tools |= c.tools();
            parallel |= c.parallelToolCalls();
            jsonMode |= c.jsonMode();
            jsonSchema |= c.jsonSchema();
            vision |= c.vision();
            reasoning |= c.reasoning();
            choices |= c.multipleChoices();
            context = Math.max(context, c.maxContextTokens());
        }
        return new Capabilities(streaming, tools, parallel, jsonMode, jsonSchema, vision, reasoning, choices,
                context);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Unless a route hedges, the call runs on the calling thread (see <b>Threads</b> above). Its
     * deadline holds even against a route that ignores the timeout it is sent with: the chain's
     * timer interrupts the calling thread while it is inside that try, and clears that interrupt
     * before this returns. Interrupting the calling thread aborts the try or the wait in progress
     * (a try's breaker permit is given back), keeps the interrupt status and fails with
     * {@link ErrorTaxonomy#CANCELLED}.
     */
    @Override
    public ChatResponse chat(ChatRequest request) {
        check(request, false);
        if (config.hedges()) {
            return Blocking.await(UnaryChainCall.start(config, request), id());
        }
        return BlockingChainCall.run(config, request);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Cancelling the future cancels the tries in flight and gives their breaker permits back.
     */
    @Override
    public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
        check(request, false);
        return UnaryChainCall.start(config, request);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The first try is sent before this returns.
     *
     * @throws LlmException {@link ErrorTaxonomy#UNSUPPORTED_CAPABILITY} when no route streams or no
     *                      route supports what the request needs
     */
    @Override
    public ChatStream stream(ChatRequest request) {
        check(request, true);
        return ChainStream.start(config, request);
    }

    private void check(ChatRequest request, boolean streaming) {
        if (request == null) {
            throw new IllegalArgumentException("request must not be null");
        }
        if (closed.get()) {
            throw new IllegalStateException("provider " + id() + " is closed");
        }
        String missing = null;
        for (RouteState route : config.routes()) {
            Capabilities c = route.caller().capabilities(route.modelFor(request.model()));
            if (c == null) {
                c = Capabilities.TEXT_ONLY;
            }
            String lack = c.missingFor(request, streaming);
            if (lack == null) {
                return;
            }
            if (missing == null) {
                missing = lack;
            }
        }
        throw LlmException.builder(ErrorTaxonomy.UNSUPPORTED_CAPABILITY).provider(id()).param(missing)
                .message("no route of " + id() + " supports " + missing + " for this request").build();
    }

    /**
     * The models of every route's provider, in route order (a provider shared by several routes is
     * listed once; providers that cannot list models are left out).
     *
     * @throws LlmException {@link ErrorTaxonomy#UNSUPPORTED_CAPABILITY} when no route's provider can
     *                      list models
     */
    @Override
    public List<ModelInfo> models() {
        if (closed.get()) {
            throw new IllegalStateException("provider " + id() + " is closed");
        }
        List<ModelInfo> all = new ArrayList<>();
        Set<ChatProvider> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        boolean any = false;
        for (RouteState route : config.routes()) {
            if (!seen.add(route.route().provider())) {
                continue;
            }
            try {
                all.addAll(route.route().provider().models());
                any = true;
            } catch (LlmException e) {
                if (e.category() != ErrorTaxonomy.UNSUPPORTED_CAPABILITY) {
                    throw e;
                }
            }
        }
        if (!any) {
            throw LlmException.builder(ErrorTaxonomy.UNSUPPORTED_CAPABILITY).provider(id())
                    .message("no route of " + id() + " can list models").build();
        }
        return List.copyOf(all);
    }

    /**
     * A view of this chain with a different attempt budget, sharing its routes, breakers and
     * cooldowns. Closing the view does not close this chain.
     */
    @Override
    public ChatProvider withRetryPolicy(RetryPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return new FallbackChatProvider(config.withRetryPolicy(policy), List.of(), false, closed);
    }

    /** The attempt budget of every call. */
    public RetryPolicy retryPolicy() {
        return config.retryPolicy();
    }

    /** The routes, in order, with their settled names. */
    public List<Route> routes() {
        return config.routes().stream().map(RouteState::route).toList();
    }

    /** A snapshot of every route's breaker and cooldown, in route order. */
    public List<RouteHealth> health() {
        return config.routes().stream().map(RouteState::health).toList();
    }

    /**
     * Closes the chain: later calls fail with {@link IllegalStateException}. The routes' providers
     * are closed too unless the chain was built with {@code closeProvidersOnClose(false)}.
     * Idempotent; a view from {@link #withRetryPolicy} closes nothing.
     */
    @Override
    public void close() {
        if (!root || !closed.compareAndSet(false, true)) {
            return;
        }
        RuntimeException first = null;
        for (ChatProvider provider : owned) {
            try {
                provider.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "FallbackChatProvider[" + id() + ": "
                + String.join(" → ", config.routes().stream().map(RouteState::name).toList()) + "]";
    }

    /**
     * Mutable builder for {@link FallbackChatProvider}.
     *
     * <p>Thread-safety: not thread-safe; {@link #build()} copies the values.
     */
    public static final class Builder {
        private String id = "fallback";
        private final List<Route> routes = new ArrayList<>();
        private RetryPolicy retryPolicy;
        private Duration totalTimeout = Timeouts.defaults().total();
        private final Map<ErrorTaxonomy, Boolean> failover = new LinkedHashMap<>();
        private boolean unknownContextFailover;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private ChatListener listener = ChatListener.NONE;
        private boolean closeProvidersOnClose = true;

        private Builder() {
        }

        /** The chain's provider id, used in its own errors (default {@code fallback}). */
        public Builder id(String id) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("id must not be blank");
            }
            this.id = id;
            return this;
        }

        /** Appends a route. */
        public Builder route(Route route) {
            if (route == null) {
                throw new IllegalArgumentException("route must not be null");
            }
            routes.add(route);
            return this;
        }

        /** Appends a route to {@code provider} that passes the request's model on. */
        public Builder route(ChatProvider provider) {
            return route(Route.of(provider));
        }

        /** Appends a route that asks {@code provider} for {@code model}. */
        public Builder route(ChatProvider provider, String model) {
            return route(Route.of(provider, model));
        }

        /**
         * The attempt budget and backoff of every call: at most {@link RetryPolicy#maxAttempts()}
         * requests in all, first tries, retries and failovers together. Default: the SDKs' 2
         * retries, raised so that each route can be tried at least once.
         */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** The deadline of a call whose request sets no timeout (default 10 minutes). */
        public Builder totalTimeout(Duration totalTimeout) {
            if (totalTimeout == null || totalTimeout.isNegative() || totalTimeout.isZero()) {
                throw new IllegalArgumentException("totalTimeout must be positive, was " + totalTimeout);
            }
            this.totalTimeout = totalTimeout;
            return this;
        }

        /**
         * Whether a failure of {@code category} moves the call on to the next route, overriding
         * {@link ErrorTaxonomy#fallbackEligible()}: for example {@code failoverOn(CONTENT_FILTERED,
         * true)}, or {@code failoverOn(INVALID_REQUEST, true)} for routes that accept different
         * parameters. {@code STREAM_INTERRUPTED}, {@code CANCELLED} and
         * {@code NO_PROVIDER_AVAILABLE} cannot be changed.
         */
        public Builder failoverOn(ErrorTaxonomy category, boolean failover) {
            if (category == null) {
                throw new IllegalArgumentException("category must not be null");
            }
            if (category == ErrorTaxonomy.STREAM_INTERRUPTED || category == ErrorTaxonomy.CANCELLED
                    || category == ErrorTaxonomy.NO_PROVIDER_AVAILABLE) {
                throw new IllegalArgumentException("failover on " + category + " cannot be configured");
            }
            this.failover.put(category, failover);
            return this;
        }

        /**
         * Whether a {@link ErrorTaxonomy#CONTEXT_LENGTH_EXCEEDED} failure may move on to routes whose
         * context window is not known to be larger ({@link Capabilities#maxContextTokens()} 0 on
         * either side). Default false: only routes that declare a larger window are tried.
         */
        public Builder failoverToUnknownContextWindows(boolean allowed) {
            this.unknownContextFailover = allowed;
            return this;
        }

        /** The clock deadlines, cooldowns and open breakers are read on (a fake one in tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How to wait between retries and before hedging (a recording one in tests). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Uniform numbers in [0, 1) for backoff jitter. */
        public Builder random(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * Receives the chain's events: attempts (labelled with route names), retries, failovers,
         * breaker transitions and cooldowns. Route providers report their own events to their own
         * listeners.
         */
        public Builder listener(ChatListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Whether {@link FallbackChatProvider#close()} closes the routes' providers (default true). */
        public Builder closeProvidersOnClose(boolean close) {
            this.closeProvidersOnClose = close;
            return this;
        }

        /**
         * Checks the settings and builds the chain: route names are settled (the provider id by
         * default, with the model appended when two routes share an id) and each route's provider is
         * wrapped so that it never retries on its own.
         */
        public FallbackChatProvider build() {
            if (routes.isEmpty()) {
                throw new IllegalArgumentException("a fallback chain needs at least one route");
            }
            List<Route> named = nameRoutes();
            List<RouteState> states = new ArrayList<>(named.size());
            for (Route route : named) {
                states.add(new RouteState(route, clock, listener));
            }
            Set<ErrorTaxonomy> categories = EnumSet.noneOf(ErrorTaxonomy.class);
            for (ErrorTaxonomy category : ErrorTaxonomy.values()) {
                if (failover.getOrDefault(category, category.fallbackEligible())) {
                    categories.add(category);
                }
            }
            RetryPolicy policy = retryPolicy != null ? retryPolicy
                    : RetryPolicy.defaults().withMaxRetries(
                            Math.max(RetryPolicy.defaults().maxRetries(), named.size() - 1));
            List<ChatProvider> owned = new ArrayList<>();
            if (closeProvidersOnClose) {
                Set<ChatProvider> seen = Collections.newSetFromMap(new IdentityHashMap<>());
                for (Route route : named) {
                    if (seen.add(route.provider())) {
                        owned.add(route.provider());
                    }
                }
            }
            ChainConfig config = new ChainConfig(id, states, policy, categories, unknownContextFailover,
                    totalTimeout, clock, sleeper, random, listener);
            return new FallbackChatProvider(config, List.copyOf(owned), true, new AtomicBoolean());
        }

        private List<Route> nameRoutes() {
            Map<String, Integer> idCounts = new LinkedHashMap<>();
            for (Route route : routes) {
                idCounts.merge(route.provider().id(), 1, Integer::sum);
            }
            List<Route> named = new ArrayList<>(routes.size());
            Set<String> names = new java.util.HashSet<>();
            for (Route route : routes) {
                String name = route.name();
                if (name == null) {
                    String providerId = route.provider().id();
                    name = idCounts.get(providerId) > 1 && route.model() != null
                            ? providerId + "/" + route.model() : providerId;
                }
                if (!names.add(name)) {
                    throw new IllegalArgumentException("route names must be unique, '" + name
                            + "' is used twice: name the routes with Route.builder(provider).name(...)");
                }
                named.add(route.name() == null ? route.withName(name) : route);
            }
            return named;
        }
    }
}
