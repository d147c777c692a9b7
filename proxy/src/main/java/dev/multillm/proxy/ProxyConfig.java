package dev.multillm.proxy;

import dev.multillm.core.ProviderConfig;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The proxy's configuration file, {@code proxy.json}, read with JSON-B. See the module's README
 * for the format; in short:
 *
 * <pre>{@code
 * {
 *   "host": "127.0.0.1", "port": 8080,
 *   "clientKeyEnvs": ["MULTILLM_PROXY_KEY"],
 *   "models": {
 *     "fast": [
 *       {"provider": "groq", "model": "llama-3.3-70b-versatile", "apiKeyEnv": "GROQ_API_KEY"},
 *       {"provider": "openai", "model": "gpt-4o-mini", "apiKeyEnv": "OPENAI_API_KEY"}
 *     ]
 *   }
 * }
 * }</pre>
 *
 * <p>Every field but {@code models} is optional; absent values take the defaults named on the
 * accessors. Unknown fields are errors (a typo must not silently change behaviour), and so is
 * an upstream key written into the file: upstream keys are only ever read from the environment
 * variables the routes name. Durations are written as {@code 500ms}, {@code 30s}, {@code 2m} or
 * ISO-8601.
 *
 * @param host                 the address to listen on (default {@code 127.0.0.1}; {@code 0.0.0.0}
 *                             for every interface)
 * @param port                 the port (default 8080; 0 picks a free one)
 * @param clientKeys           keys callers may present, written literally (prefer
 *                             {@code clientKeyEnvs})
 * @param clientKeyEnvs        environment variables that each hold one key callers may present
 * @param allowUnauthenticated true to serve callers without a key when no key is configured
 *                             (default false: a proxy without keys refuses to start)
 * @param maxRequestBytes      the largest request body accepted (default 10 MiB); larger is 413
 * @param maxConcurrentStreams the most streams served at once (default 1024); more are 503
 * @param keepAliveInterval    how often a quiet stream gets an SSE keep-alive comment (default 15s)
 * @param shutdownGrace        how long a shutdown waits for calls in progress (default 30s)
 * @param requestTimeout       the deadline of one call across all its routes and retries
 *                             (default 10m)
 * @param maxRetries           tries after the first, retries and failovers together, per call
 *                             (default: 2, or one per extra route if that is more)
 * @param models               each public model name and its ordered routes
 *
 * <p>Thread-safety: immutable record; {@code toString} never shows the client keys.
 */
public record ProxyConfig(String host, Integer port, List<String> clientKeys, List<String> clientKeyEnvs,
                          Boolean allowUnauthenticated, Long maxRequestBytes, Integer maxConcurrentStreams,
                          String keepAliveInterval, String shutdownGrace, String requestTimeout, Integer maxRetries,
                          Map<String, List<RouteConfig>> models) {

    /** The default port. */
    public static final int DEFAULT_PORT = 8080;
    /** The default body limit, 10 MiB. */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 10L * 1024 * 1024;
    /** The largest body limit that may be configured, 1 GiB. */
    public static final long MAX_REQUEST_BYTES_LIMIT = 1L << 30;

    public ProxyConfig {
        clientKeys = clientKeys == null ? List.of() : List.copyOf(clientKeys);
        clientKeyEnvs = clientKeyEnvs == null ? List.of() : List.copyOf(clientKeyEnvs);
        if (models != null) {
            Map<String, List<RouteConfig>> sorted = new TreeMap<>();
            models.forEach((name, routes) -> sorted.put(name,
                    routes == null ? null : java.util.Collections.unmodifiableList(new ArrayList<>(routes))));
            models = java.util.Collections.unmodifiableMap(sorted);
        }
    }

    /**
     * One route of a model's chain.
     *
     * @param provider          the provider id ({@code groq}, {@code openai}, or any discovered id)
     * @param model             the upstream model to ask for (default: the public model name)
     * @param name              the route's name in health, metrics and logs (default: the
     *                          provider id, with the model appended when two routes share it)
     * @param baseUrl           the upstream base URL (default: the provider's)
     * @param apiKeyEnv         the environment variable holding the upstream key (default: the
     *                          provider's, such as {@code GROQ_API_KEY})
     * @param connectTimeout    connect timeout (default: the provider's, 10s)
     * @param firstTokenTimeout time to first token (default: the provider's, 60s)
     * @param idleTimeout       the longest pause between two streamed events (default 60s)
     * @param hedgeAfter        when set, start the next route beside this one if this one has
     *                          produced nothing after this long
     * @param options           more provider-specific settings, passed to the provider factory as
     *                          they are (for example {@code organization}, {@code extraFields});
     *                          never a key
     *
     * <p>Thread-safety: immutable record.
     */
    public record RouteConfig(String provider, String model, String name, String baseUrl, String apiKeyEnv,
                              String connectTimeout, String firstTokenTimeout, String idleTimeout, String hedgeAfter,
                              Map<String, String> options) {
        public RouteConfig {
            options = options == null ? Map.of() : Map.copyOf(options);
        }

        /** A route to {@code provider} asking for {@code model} with the key from {@code apiKeyEnv}. */
        public static RouteConfig of(String provider, String model, String apiKeyEnv) {
            return new RouteConfig(provider, model, null, null, apiKeyEnv, null, null, null, null, null);
        }

        /** This route with another base URL. */
        public RouteConfig withBaseUrl(String url) {
            return new RouteConfig(provider, model, name, url, apiKeyEnv, connectTimeout, firstTokenTimeout,
                    idleTimeout, hedgeAfter, options);
        }

        /** The provider settings for this route ({@link dev.multillm.core.ChatProviders#create}). */
        ProviderConfig providerConfig(java.util.function.Function<String, String> environment) {
            Map<String, String> values = new TreeMap<>(options);
            put(values, "baseUrl", baseUrl);
            put(values, "apiKeyEnv", apiKeyEnv);
            put(values, "connectTimeout", connectTimeout);
            put(values, "firstTokenTimeout", firstTokenTimeout);
            put(values, "idleTimeout", idleTimeout);
            return ProviderConfig.of(values).withEnvironment(environment);
        }

        private static void put(Map<String, String> values, String key, String value) {
            if (value != null && !value.isBlank()) {
                values.put(key, value.strip());
            }
        }
    }

    /** A configuration serving {@code models} with defaults for everything else. */
    public static ProxyConfig of(Map<String, List<RouteConfig>> models) {
        return new ProxyConfig(null, null, null, null, null, null, null, null, null, null, null, models);
    }

    /**
     * Reads and checks a configuration file.
     *
     * @throws IllegalArgumentException naming the file and the field when the file is not valid
     * @throws UncheckedIOException     when the file cannot be read
     */
    public static ProxyConfig read(Path file) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the proxy configuration " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses and checks a configuration.
     *
     * @throws IllegalArgumentException naming the field when the configuration is not valid
     */
    public static ProxyConfig parse(String json) {
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException("the proxy configuration is empty");
        }
        ProxyConfig config;
        try {
            config = Holder.JSONB.fromJson(json, ProxyConfig.class);
        } catch (JsonbException e) {
            throw new IllegalArgumentException("not a valid proxy configuration: " + rootMessage(e), e);
        }
        if (config == null) {
            throw new IllegalArgumentException("the proxy configuration is empty");
        }
        return config.validate();
    }

    /** The JSON-B instance, created on first use (thread-safe, shared). */
    private static final class Holder {
        static final Jsonb JSONB = JsonbBuilder.create(
                new JsonbConfig().setProperty("jsonb.fail-on-unknown-properties", true));
    }

    private static String rootMessage(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        while (cause != null && cause != e) {
            if (cause.getMessage() != null) {
                message = cause.getMessage();
            }
            e = cause;
            cause = cause.getCause();
        }
        return message;
    }

    /**
     * Checks every value, naming the field at fault.
     *
     * @return this configuration
     * @throws IllegalArgumentException when a value is missing or malformed
     */
    public ProxyConfig validate() {
        if (port != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
        if (host != null && host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        for (int i = 0; i < clientKeys.size(); i++) {
            if (clientKeys.get(i) == null || clientKeys.get(i).isBlank()) {
                throw new IllegalArgumentException("clientKeys[" + i + "] must not be blank");
            }
        }
        for (int i = 0; i < clientKeyEnvs.size(); i++) {
            if (clientKeyEnvs.get(i) == null || clientKeyEnvs.get(i).isBlank()) {
                throw new IllegalArgumentException("clientKeyEnvs[" + i + "] must name an environment variable");
            }
        }
        if (maxRequestBytes != null && (maxRequestBytes < 1 || maxRequestBytes > MAX_REQUEST_BYTES_LIMIT)) {
            throw new IllegalArgumentException("maxRequestBytes must be between 1 and " + MAX_REQUEST_BYTES_LIMIT
                    + ", was " + maxRequestBytes);
        }
        if (maxConcurrentStreams != null && maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("maxConcurrentStreams must be at least 1, was " + maxConcurrentStreams);
        }
        if (maxRetries != null && maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative, was " + maxRetries);
        }
        positive("keepAliveInterval", keepAliveInterval);
        duration("shutdownGrace", shutdownGrace);
        positive("requestTimeout", requestTimeout);
        if (models == null || models.isEmpty()) {
            throw new IllegalArgumentException("models must name at least one model with its routes");
        }
        for (Map.Entry<String, List<RouteConfig>> model : models.entrySet()) {
            String name = model.getKey();
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("models: a model name must not be blank");
            }
            String path = "models." + name;
            List<RouteConfig> routes = model.getValue();
            if (routes == null || routes.isEmpty()) {
                throw new IllegalArgumentException(path + " must list at least one route");
            }
            for (int i = 0; i < routes.size(); i++) {
                validateRoute(routes.get(i), path + "[" + i + "]");
            }
        }
        return this;
    }

    private static final Set<String> SECRET_OPTIONS = Set.of("apikey", "api_key", "key", "token", "authorization");

    private static void validateRoute(RouteConfig route, String path) {
        if (route == null) {
            throw new IllegalArgumentException(path + " must be a route object");
        }
        if (route.provider() == null || route.provider().isBlank()) {
            throw new IllegalArgumentException(path + ".provider must name a provider id, such as groq or openai");
        }
        blankIfSet(path + ".model", route.model());
        blankIfSet(path + ".name", route.name());
        blankIfSet(path + ".baseUrl", route.baseUrl());
        blankIfSet(path + ".apiKeyEnv", route.apiKeyEnv());
        positive(path + ".connectTimeout", route.connectTimeout());
        positive(path + ".firstTokenTimeout", route.firstTokenTimeout());
        positive(path + ".idleTimeout", route.idleTimeout());
        duration(path + ".hedgeAfter", route.hedgeAfter());
        for (Map.Entry<String, String> option : route.options().entrySet()) {
            String key = option.getKey().toLowerCase(Locale.ROOT);
            if (SECRET_OPTIONS.contains(key) || key.endsWith("apikey")) {
                throw new IllegalArgumentException(path + ".options." + option.getKey() + ": upstream keys are never"
                        + " written in the configuration; name the environment variable that holds the key in "
                        + path + ".apiKeyEnv");
            }
        }
    }

    private static void blankIfSet(String field, String value) {
        if (value != null && value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank when set");
        }
    }

    private static Duration duration(String field, String value) {
        return value == null ? null : ProviderConfig.parseDuration(field, value);
    }

    private static void positive(String field, String value) {
        Duration d = duration(field, value);
        if (d != null && (d.isZero() || d.isNegative())) {
            throw new IllegalArgumentException(field + " must be positive, was '" + value + "'");
        }
    }

    /** The parsed duration of a field, or {@code fallback} when it is not set. */
    static Duration durationOr(String field, String value, Duration fallback) {
        Duration d = duration(field, value);
        return d == null ? fallback : d;
    }

    @Override
    public String toString() {
        return "ProxyConfig[host=" + host + ", port=" + port + ", clientKeys=" + clientKeys.size() + " (redacted)"
                + ", clientKeyEnvs=" + clientKeyEnvs + ", allowUnauthenticated=" + allowUnauthenticated
                + ", maxRequestBytes=" + maxRequestBytes + ", maxConcurrentStreams=" + maxConcurrentStreams
                + ", keepAliveInterval=" + keepAliveInterval + ", shutdownGrace=" + shutdownGrace
                + ", requestTimeout=" + requestTimeout + ", maxRetries=" + maxRetries
                + ", models=" + (models == null ? null : models.keySet()) + "]";
    }
}
