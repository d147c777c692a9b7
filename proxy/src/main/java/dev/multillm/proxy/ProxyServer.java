package dev.multillm.proxy;

import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatProviders;
import dev.multillm.core.ProviderConfig;
import dev.multillm.core.RetryPolicy;
import dev.multillm.fallback.FallbackChatProvider;
import dev.multillm.fallback.Route;
import dev.multillm.proxy.internal.ClientAuth;
import dev.multillm.proxy.internal.ErrorMapping;
import dev.multillm.proxy.internal.JsonErrorHandler;
import dev.multillm.proxy.internal.Metrics;
import dev.multillm.proxy.internal.ProxyContext;
import dev.multillm.proxy.internal.ProxyHandler;
import dev.multillm.proxy.internal.Scrubber;
import dev.multillm.proxy.internal.ServedModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An OpenAI-compatible HTTP server (Jetty 12) in front of multillm chains: any program that
 * speaks the OpenAI chat-completions API gets multillm's fallback, circuit breakers and error
 * taxonomy by pointing its base URL at {@link #baseUrl()}.
 *
 * <pre>{@code
 * try (ProxyServer proxy = ProxyServer.fromConfig(ProxyConfig.read(Path.of("proxy.json"))).start()) {
 *     System.out.println("listening on " + proxy.baseUrl());
 *     proxy.awaitShutdown();
 * }
 *
 * // or programmatically, for tests and benchmarks:
 * ProxyServer proxy = ProxyServer.builder().port(0).clientKey("sk-proxy-test")
 *         .model("fast", List.of(Route.of(groq, "llama-3.3-70b-versatile"), Route.of(openai, "gpt-4o-mini")))
 *         .build().start();
 * }</pre>
 *
 * <p>Endpoints: {@code POST /v1/chat/completions} (streaming and not), {@code GET /v1/models},
 * {@code GET /health}, {@code GET /metrics}. Callers authenticate with the proxy's own keys;
 * upstream keys never leave the proxy. See the module's README for the error table and the
 * configuration format.
 *
 * <p><b>Ownership.</b> Providers the server creates from a {@link ProxyConfig} are closed by
 * {@link #close()}; providers and routes handed to the {@link Builder} stay the caller's.
 *
 * <p><b>Shutdown.</b> {@link #close()} stops accepting connections and new calls (answered 503),
 * lets calls in progress finish within the grace period, then ends the rest (streams get a final
 * error event) and stops the server.
 *
 * <p>Thread-safety: thread-safe; {@link #start()} and {@link #close()} may be called from any
 * thread, and {@link #close()} is idempotent.
 */
public final class ProxyServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.multillm.proxy");
    /** How long aborted calls get to write their last event after the grace period. */
    private static final Duration ABORT_WAIT = Duration.ofSeconds(2);
    /** The smallest listen backlog asked for (non-streaming callers arrive in bursts too). */
    static final int MIN_ACCEPT_QUEUE = 1024;
    /** The largest listen backlog asked for. */
    static final int MAX_ACCEPT_QUEUE = 65535;

    private final String host;
    private final int requestedPort;
    private final Map<String, ServedModel> models;
    private final List<AutoCloseable> owned;
    private final ClientAuth auth;
    private final Scrubber scrubber;
    private final Metrics metrics;
    private final long maxRequestBytes;
    private final int maxConcurrentStreams;
    private final Duration keepAliveInterval;
    private final Duration shutdownGrace;
    private final Clock clock;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object lifecycle = new Object();

    private Server server;
    private ServerConnector connector;
    private ProxyHandler handler;
    private ExecutorService streamExecutor;
    private ScheduledThreadPoolExecutor timer;
    private boolean started;
    private boolean closed;
    private int boundPort = -1;

    private ProxyServer(Builder b, Map<String, ServedModel> models, List<AutoCloseable> owned, ClientAuth auth,
                        Scrubber scrubber, Metrics metrics) {
        this.host = b.host;
        this.requestedPort = b.port;
        this.models = models;
        this.owned = owned;
        this.auth = auth;
        this.scrubber = scrubber;
        this.metrics = metrics;
        this.maxRequestBytes = b.maxRequestBytes;
        this.maxConcurrentStreams = b.maxConcurrentStreams;
        this.keepAliveInterval = b.keepAliveInterval;
        this.shutdownGrace = b.shutdownGrace;
        this.clock = b.clock;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A server for {@code config}, reading environment variables from the process environment.
     * Creates the providers (no network traffic yet); call {@link #start()} to listen.
     *
     * @throws IllegalArgumentException naming the field when a setting is wrong, a provider id is
     *                                  unknown or a key variable is not set
     */
    public static ProxyServer fromConfig(ProxyConfig config) {
        return builder().config(config).build();
    }

    /**
     * Binds the port and starts serving.
     *
     * @return this server
     * @throws UncheckedIOException  when the address cannot be bound
     * @throws IllegalStateException when the server was already started or closed
     */
    public ProxyServer start() {
        synchronized (lifecycle) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "the proxy server is closed" : "the proxy server is already started");
            }
            started = true;
            streamExecutor = new ThreadPoolExecutor(0, maxConcurrentStreams, 30, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), daemonThreads("multillm-proxy-stream-"));
            timer = new ScheduledThreadPoolExecutor(1, daemonThreads("multillm-proxy-timer-"));
            timer.setRemoveOnCancelPolicy(true);
            ProxyContext ctx = new ProxyContext(models, auth, new ErrorMapping(scrubber), scrubber, metrics,
                    streamExecutor, timer, keepAliveInterval, maxRequestBytes, maxConcurrentStreams, clock,
                    clock.instant().getEpochSecond());
            handler = new ProxyHandler(ctx);

            QueuedThreadPool threads = new QueuedThreadPool(200, 8);
            threads.setName("multillm-proxy-http");
            server = new Server(threads);
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(host);
            connector.setPort(requestedPort);
            connector.setAcceptQueueSize(acceptQueueSize(maxConcurrentStreams));
            server.addConnector(connector);
            server.setHandler(handler);
            server.setErrorHandler(new JsonErrorHandler());
            server.setStopTimeout(0); // the graceful part is done by close() before stopping Jetty
            try {
                server.start();
            } catch (Exception e) {
                stopQuietly();
                streamExecutor.shutdownNow();
                timer.shutdownNow();
                closed = true;
                closeOwned();
                stopped.countDown();
                if (e instanceof IOException io) {
                    throw new UncheckedIOException("cannot listen on " + host + ":" + requestedPort + ": "
                            + io.getMessage(), io);
                }
                throw new IllegalStateException("cannot start the proxy server: " + e.getMessage(), e);
            }
            boundPort = connector.getLocalPort();
            LOG.log(System.Logger.Level.INFO, "multillm proxy listening on " + baseUrl() + ", serving "
                    + String.join(", ", models.keySet()) + (auth.isOpen() ? " WITHOUT client authentication" : ""));
            return this;
        }
    }

    /**
     * The port the server listens on (the one picked, when configured as 0); after
     * {@link #close()}, the port it listened on.
     *
     * @throws IllegalStateException when the server was never started
     */
    public int port() {
        synchronized (lifecycle) {
            if (boundPort < 0) {
                throw new IllegalStateException("the proxy server is not started");
            }
            return boundPort;
        }
    }

    /** The address the server listens on. */
    public String host() {
        return host;
    }

    /** The OpenAI base URL to give clients: {@code http://HOST:PORT/v1}. */
    public URI baseUrl() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        if ("0.0.0.0".equals(host) || "::".equals(host)) {
            h = "127.0.0.1";
        }
        return URI.create("http://" + h + ":" + port() + "/v1");
    }

    /** The public model names served, in order. */
    public List<String> models() {
        return List.copyOf(models.keySet());
    }

    /** Blocks until the server is closed (for a {@code main} that serves until it is stopped). */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /**
     * Shuts down gracefully: stops accepting connections and new calls, waits up to the shutdown
     * grace for calls in progress, ends the rest (a stream gets a final error event), stops the
     * server, and closes the providers it created. Idempotent; waits for a shutdown already under way.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                awaitStoppedQuietly();
                return;
            }
            closed = true;
        }
        try {
            if (server != null) {
                shutDownServer();
            }
        } finally {
            closeOwned();
            stopped.countDown();
        }
    }

    private void shutDownServer() {
        handler.drain();
        connector.shutdown(); // stops accepting; open connections are closed after their response
        boolean interrupted = false;
        try {
            if (!handler.awaitIdle(shutdownGrace)) {
                LOG.log(System.Logger.Level.INFO, "shutdown grace of " + shutdownGrace + " passed with "
                        + handler.inFlight() + " call(s) in progress; ending them");
                handler.abortAll();
                handler.awaitIdle(ABORT_WAIT);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            handler.abortAll();
        }
        stopQuietly();
        streamExecutor.shutdownNow();
        timer.shutdownNow();
        LOG.log(System.Logger.Level.INFO, "multillm proxy stopped");
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "stopping the HTTP server failed: "
                    + scrubber.scrub(String.valueOf(e.getMessage())));
        }
    }

    private void closeOwned() {
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + resource.getClass().getSimpleName() + " failed: "
                        + scrubber.scrub(String.valueOf(e.getMessage())));
            }
        }
    }

    private void awaitStoppedQuietly() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The listen backlog: room for as many connections arriving at once as the proxy serves
     * streams, and never less than {@link #MIN_ACCEPT_QUEUE}. Jetty's default (0) leaves it to the
     * JDK, which asks for 50: a burst of new callers larger than that overflows the kernel's accept
     * queue, whose handshakes are then dropped (the caller retries after a second or more) or
     * reset ({@code Connection reset} on a connection the caller thought open). The kernel caps
     * the value at {@code net.core.somaxconn}.
     */
    static int acceptQueueSize(int maxConcurrentStreams) {
        return Math.min(MAX_ACCEPT_QUEUE, Math.max(MIN_ACCEPT_QUEUE, maxConcurrentStreams));
    }

    /** Pauses or resumes taking connections off the listen queue (for tests). */
    void accepting(boolean accepting) {
        synchronized (lifecycle) {
            if (connector == null) {
                throw new IllegalStateException("the proxy server is not started");
            }
            connector.setAccepting(accepting);
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public String toString() {
        synchronized (lifecycle) {
            return "ProxyServer[" + host + ":" + (boundPort < 0 ? requestedPort : boundPort)
                    + ", models=" + models.keySet() + (closed ? ", closed" : started ? ", started" : "") + "]";
        }
    }

    /**
     * Runs the proxy until the process is stopped: {@code ProxyServer --config proxy.json}.
     * Exit status 2 for a bad command line or configuration, 1 when the server cannot start.
     */
    public static void main(String[] args) {
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            if (("--config".equals(args[i]) || "-c".equals(args[i])) && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else if (args[i].startsWith("--config=")) {
                config = Path.of(args[i].substring("--config=".length()));
            } else if (config == null && !args[i].startsWith("-")) {
                config = Path.of(args[i]);
            } else {
                config = null;
                break;
            }
        }
        if (config == null) {
            System.err.println("usage: ProxyServer --config proxy.json");
            System.exit(2);
            return;
        }
        ProxyServer server;
        try {
            server = fromConfig(ProxyConfig.read(config));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println("multillm proxy: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            server.start();
        } catch (RuntimeException e) {
            System.err.println("multillm proxy: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "multillm-proxy-shutdown"));
        System.out.println("multillm proxy listening on " + server.baseUrl() + " (models: "
                + String.join(", ", server.models()) + ")");
        try {
            server.awaitShutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
        }
    }

    /**
     * Mutable builder for {@link ProxyServer}: the settings of a {@link ProxyConfig}, plus models
     * given as ready providers or routes.
     *
     * <p>Thread-safety: not thread-safe; {@link #build()} copies the values.
     */
    public static final class Builder {
        /** Key variables scrubbed from output even when no route names them. */
        private static final List<String> CONVENTIONAL_KEY_VARIABLES = List.of("GROQ_API_KEY", "OPENAI_API_KEY");

        private String host = "127.0.0.1";
        private int port = ProxyConfig.DEFAULT_PORT;
        private final List<String> clientKeys = new ArrayList<>();
        private final List<String> clientKeyEnvs = new ArrayList<>();
        private boolean allowUnauthenticated;
        private long maxRequestBytes = ProxyConfig.DEFAULT_MAX_REQUEST_BYTES;
        private int maxConcurrentStreams = 1024;
        private Duration keepAliveInterval = Duration.ofSeconds(15);
        private Duration shutdownGrace = Duration.ofSeconds(30);
        private Duration requestTimeout;
        private Integer maxRetries;
        private Function<String, String> environment = System::getenv;
        private Clock clock = Clock.systemUTC();
        private final Map<String, Object> models = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Takes every setting and model of {@code config} (checked first); settings of the
         * configuration replace those set before.
         */
        public Builder config(ProxyConfig config) {
            Objects.requireNonNull(config, "config").validate();
            if (config.host() != null) {
                host(config.host());
            }
            if (config.port() != null) {
                port(config.port());
            }
            config.clientKeys().forEach(this::clientKey);
            config.clientKeyEnvs().forEach(this::clientKeyEnv);
            if (config.allowUnauthenticated() != null) {
                allowUnauthenticated(config.allowUnauthenticated());
            }
            if (config.maxRequestBytes() != null) {
                maxRequestBytes(config.maxRequestBytes());
            }
            if (config.maxConcurrentStreams() != null) {
                maxConcurrentStreams(config.maxConcurrentStreams());
            }
            keepAliveInterval(ProxyConfig.durationOr("keepAliveInterval", config.keepAliveInterval(), keepAliveInterval));
            shutdownGrace(ProxyConfig.durationOr("shutdownGrace", config.shutdownGrace(), shutdownGrace));
            if (config.requestTimeout() != null) {
                requestTimeout(ProxyConfig.durationOr("requestTimeout", config.requestTimeout(), null));
            }
            if (config.maxRetries() != null) {
                maxRetries(config.maxRetries());
            }
            config.models().forEach((name, routes) -> {
                checkName(name);
                models.put(name, List.copyOf(routes));
            });
            return this;
        }

        /** The address to listen on (default {@code 127.0.0.1}). */
        public Builder host(String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            this.host = host.strip();
            return this;
        }

        /** The port (default 8080; 0 picks a free port, see {@link ProxyServer#port()}). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** Adds a key callers may present ({@code Authorization: Bearer KEY}). */
        public Builder clientKey(String key) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("client key must not be blank");
            }
            clientKeys.add(key.strip());
            return this;
        }

        /** Adds an environment variable holding a key callers may present (read by {@link #build()}). */
        public Builder clientKeyEnv(String variable) {
            if (variable == null || variable.isBlank()) {
                throw new IllegalArgumentException("client key variable must not be blank");
            }
            clientKeyEnvs.add(variable.strip());
            return this;
        }

        /** Whether to serve callers without a key when none is configured (default false). */
        public Builder allowUnauthenticated(boolean allow) {
            this.allowUnauthenticated = allow;
            return this;
        }

        /** The largest request body accepted (default 10 MiB); larger requests get a 413. */
        public Builder maxRequestBytes(long bytes) {
            if (bytes < 1 || bytes > ProxyConfig.MAX_REQUEST_BYTES_LIMIT) {
                throw new IllegalArgumentException("maxRequestBytes must be between 1 and "
                        + ProxyConfig.MAX_REQUEST_BYTES_LIMIT + ", was " + bytes);
            }
            this.maxRequestBytes = bytes;
            return this;
        }

        /** The most streams served at once (default 1024); more are answered 503. */
        public Builder maxConcurrentStreams(int streams) {
            if (streams < 1) {
                throw new IllegalArgumentException("maxConcurrentStreams must be at least 1, was " + streams);
            }
            this.maxConcurrentStreams = streams;
            return this;
        }

        /** How often a quiet stream gets an SSE keep-alive comment (default 15 s). */
        public Builder keepAliveInterval(Duration interval) {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("keepAliveInterval must be positive, was " + interval);
            }
            this.keepAliveInterval = interval;
            return this;
        }

        /** How long {@link ProxyServer#close()} waits for calls in progress (default 30 s). */
        public Builder shutdownGrace(Duration grace) {
            if (grace == null || grace.isNegative()) {
                throw new IllegalArgumentException("shutdownGrace must not be negative, was " + grace);
            }
            this.shutdownGrace = grace;
            return this;
        }

        /** The deadline of one call across its routes and retries, for chains the server builds (default 10 min). */
        public Builder requestTimeout(Duration timeout) {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("requestTimeout must be positive, was " + timeout);
            }
            this.requestTimeout = timeout;
            return this;
        }

        /** Tries after the first, per call, for chains the server builds (default: the chain's). */
        public Builder maxRetries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative, was " + retries);
            }
            this.maxRetries = retries;
            return this;
        }

        /** Where environment variables are read from (default {@link System#getenv(String)}; a map in tests). */
        public Builder environment(Function<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /** The clock of {@code created} timestamps (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Serves {@code name} with {@code provider} (a chain, or any provider), which stays the
         * caller's to close. The request's model is passed on as {@code name}.
         */
        public Builder model(String name, ChatProvider provider) {
            checkName(name);
            models.put(name, Objects.requireNonNull(provider, "provider"));
            return this;
        }

        /**
         * Serves {@code name} with a chain of {@code routes} that the server builds (with its
         * metrics listener, {@link #maxRetries(int)} and {@link #requestTimeout(Duration)}); the
         * routes' providers stay the caller's to close.
         */
        public Builder model(String name, List<Route> routes) {
            checkName(name);
            if (routes == null || routes.isEmpty()) {
                throw new IllegalArgumentException("model " + name + " needs at least one route");
            }
            models.put(name, new RouteList(List.copyOf(routes)));
            return this;
        }

        private static void checkName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("model name must not be blank");
            }
        }

        /**
         * Checks the settings, resolves the client keys, and creates the providers and chains
         * (no network traffic). Providers created here are closed again if a later one fails.
         *
         * @throws IllegalArgumentException naming the setting at fault
         */
        public ProxyServer build() {
            if (models.isEmpty()) {
                throw new IllegalArgumentException("the proxy needs at least one model");
            }
            List<String> keys = new ArrayList<>(clientKeys);
            for (String variable : clientKeyEnvs) {
                String value = environment.apply(variable);
                if (value == null || value.isBlank()) {
                    throw new IllegalArgumentException("clientKeyEnvs: the environment variable " + variable
                            + " is not set");
                }
                keys.add(value.strip());
            }
            if (keys.isEmpty() && !allowUnauthenticated) {
                throw new IllegalArgumentException("no client key configured: set clientKeyEnvs (or clientKeys) so"
                        + " that callers must authenticate, or allowUnauthenticated to serve anyone");
            }
            ClientAuth auth = keys.isEmpty() ? ClientAuth.none() : ClientAuth.of(keys);
            Metrics metrics = new Metrics();
            Set<String> secrets = new LinkedHashSet<>(keys);
            Map<String, ServedModel> served = new LinkedHashMap<>();
            List<AutoCloseable> owned = new ArrayList<>();
            Map<String, ChatProvider> providers = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, Object> entry : models.entrySet()) {
                    String name = entry.getKey();
                    Object spec = entry.getValue();
                    ChatProvider provider;
                    if (spec instanceof ChatProvider ready) {
                        provider = ready;
                    } else if (spec instanceof RouteList list) {
                        provider = chain(name, list.routes(), metrics);
                        owned.add(provider);
                    } else {
                        @SuppressWarnings("unchecked")
                        List<ProxyConfig.RouteConfig> configs = (List<ProxyConfig.RouteConfig>) spec;
                        List<Route> routes = new ArrayList<>();
                        for (int i = 0; i < configs.size(); i++) {
                            routes.add(route(name, i, configs.get(i), providers, owned, secrets));
                        }
                        provider = chain(name, routes, metrics);
                        owned.add(0, provider);
                    }
                    served.put(name, new ServedModel(name, provider));
                }
            } catch (RuntimeException e) {
                for (AutoCloseable resource : owned) {
                    try {
                        resource.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
            for (String variable : CONVENTIONAL_KEY_VARIABLES) {
                String value = environment.apply(variable);
                if (value != null) {
                    secrets.add(value);
                }
            }
            return new ProxyServer(this, java.util.Collections.unmodifiableMap(served), List.copyOf(owned), auth,
                    new Scrubber(secrets), metrics);
        }

        private FallbackChatProvider chain(String name, List<Route> routes, Metrics metrics) {
            FallbackChatProvider.Builder chain = FallbackChatProvider.builder().id(name)
                    .listener(metrics.listener(name)).closeProvidersOnClose(false);
            routes.forEach(chain::route);
            if (maxRetries != null) {
                chain.retryPolicy(RetryPolicy.defaults().withMaxRetries(maxRetries));
            }
            if (requestTimeout != null) {
                chain.totalTimeout(requestTimeout);
            }
            return chain.build();
        }

        /** The route for one {@link ProxyConfig.RouteConfig}, creating (or sharing) its provider. */
        private Route route(String model, int index, ProxyConfig.RouteConfig config, Map<String, ChatProvider> providers,
                            List<AutoCloseable> owned, Set<String> secrets) {
            String path = "models." + model + "[" + index + "]";
            ProviderConfig providerConfig = config.providerConfig(environment);
            String id = config.provider().strip();
            secrets.addAll(upstreamKeys(id, config, providerConfig));
            // Identical settings share one provider (one HTTP client and connection pool).
            Map<String, String> identity = new TreeMap<>();
            providerConfig.keys().forEach(k -> identity.put(k, providerConfig.get(k).orElse("")));
            String key = id + " " + identity;
            ChatProvider provider = providers.get(key);
            if (provider == null) {
                try {
                    provider = ChatProviders.create(id, providerConfig);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
                }
                providers.put(key, provider);
                owned.add(provider);
            }
            Route.Builder route = Route.builder(provider).model(config.model() != null ? config.model().strip() : model);
            if (config.name() != null) {
                route.name(config.name().strip());
            }
            if (config.hedgeAfter() != null) {
                route.hedgeAfter(ProxyConfig.durationOr(path + ".hedgeAfter", config.hedgeAfter(), null));
            }
            return route.build();
        }

        /** The upstream keys this route may use, to scrub them from anything the proxy writes. */
        private List<String> upstreamKeys(String id, ProxyConfig.RouteConfig config, ProviderConfig providerConfig) {
            List<String> found = new ArrayList<>();
            String conventional = id.toUpperCase(Locale.ROOT).replace('-', '_') + "_API_KEY";
            for (String variable : new String[] {config.apiKeyEnv(), conventional}) {
                providerConfig.env(variable).ifPresent(found::add);
            }
            return found;
        }

        /** Routes handed to {@link #model(String, List)}. */
        private record RouteList(List<Route> routes) {
        }
    }
}
