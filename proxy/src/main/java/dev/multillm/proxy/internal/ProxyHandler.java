package dev.multillm.proxy.internal;

import dev.multillm.fallback.RouteHealth;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The proxy's one Jetty handler (Jetty 12 core API, no servlets): routing, authentication, body
 * limits, and the hand-off to {@link UnaryExchange} or {@link SseExchange}.
 *
 * <pre>
 * POST /v1/chat/completions   streaming (SSE) and not
 * GET  /v1/models             the configured public model names
 * GET  /v1/models/{model}     one of them
 * GET  /health                each model's routes with breaker and cooldown state (no key needed)
 * GET  /metrics               Prometheus text format (no key needed)
 * </pre>
 *
 * <p>The {@code /v1} prefix is optional. Every response carries a fresh {@code x-request-id}.
 *
 * <p>Thread-safety: thread-safe; Jetty calls it concurrently.
 */
public final class ProxyHandler extends Handler.Abstract {
    private static final String CHAT = "chat";
    private static final String MODELS = "models";
    private static final String HEALTH = "health";
    private static final String METRICS = "metrics";
    private static final String OTHER = "other";

    private final ProxyContext ctx;
    private final Set<Exchange> active = ConcurrentHashMap.newKeySet();
    private final AtomicInteger streams = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean draining;

    /** A handler serving {@code ctx}. */
    public ProxyHandler(ProxyContext ctx) {
        this.ctx = ctx;
    }

    ProxyContext context() {
        return ctx;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        String requestId = RequestIds.next();
        response.getHeaders().put(Responses.REQUEST_ID, requestId);
        String path = normalize(Request.getPathInContext(request));
        String method = request.getMethod();
        String endpoint = endpoint(path);
        Callback done = new Callback() {
            @Override
            public void succeeded() {
                ctx.metrics().http(endpoint, response.getStatus());
                callback.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                ctx.metrics().http(endpoint, response.getStatus());
                callback.failed(x);
            }
        };
        switch (endpoint) {
            case CHAT -> {
                if (allow(method, "POST", response, done)) {
                    chat(request, response, done, requestId, start);
                }
            }
            case MODELS -> {
                if (allow(method, "GET", response, done) && authenticated(request, response, done)) {
                    models(path, response, done);
                }
            }
            case HEALTH -> {
                if (allow(method, "GET", response, done)) {
                    Responses.json(response, 200, health(), done);
                }
            }
            case METRICS -> {
                if (allow(method, "GET", response, done)) {
                    Responses.text(response, 200, "text/plain; version=0.0.4; charset=utf-8",
                            ctx.metrics().render(routeStatuses()), done);
                }
            }
            default -> Responses.error(response, new ApiError(404, "invalid_request_error", "unknown_url", null,
                    "Unknown request URL: " + method + " " + clip(path) + ". This proxy serves POST"
                            + " /v1/chat/completions, GET /v1/models, GET /health and GET /metrics.", null, false,
                    null), done);
        }
        return true;
    }

    // ------------------------------------------------------------------------------ chat

    private void chat(Request request, Response response, Callback callback, String requestId, long start) {
        if (draining) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            Responses.error(response, Exchange.shuttingDown(), callback);
            return;
        }
        if (!authenticated(request, response, callback)) {
            return;
        }
        long declared = request.getLength();
        if (declared > ctx.maxRequestBytes()) {
            tooLarge(response, callback);
            return;
        }
        BodyReader.read(request, ctx.maxRequestBytes(), new BodyReader.Listener() {
            @Override
            public void onBody(byte[] body) {
                dispatch(request, response, callback, requestId, start, body);
            }

            @Override
            public void onTooLarge(long limit) {
                tooLarge(response, callback);
            }

            @Override
            public void onFailure(Throwable failure) {
                callback.failed(failure);
            }
        });
    }

    private void tooLarge(Response response, Callback callback) {
        ctx.metrics().rejected("REQUEST_TOO_LARGE");
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        Responses.error(response, new ApiError(413, "invalid_request_error", "request_too_large", "messages",
                "The request body is larger than this proxy accepts (" + ctx.maxRequestBytes() + " bytes).", null,
                false, null), callback);
    }

    private void dispatch(Request request, Response response, Callback callback, String requestId, long start,
                          byte[] body) {
        ParsedRequest parsed;
        try {
            parsed = RequestParser.parse(body);
        } catch (ApiError.Rejection e) {
            ctx.metrics().rejected("BAD_REQUEST");
            Responses.error(response, e.error(), callback);
            return;
        }
        ServedModel served = ctx.models().get(parsed.model());
        if (served == null) {
            ctx.metrics().rejected("UNKNOWN_MODEL");
            Responses.error(response, new ApiError(404, "invalid_request_error", "model_not_found", "model",
                    "The model '" + clip(parsed.model()) + "' does not exist on this proxy. Available models: "
                            + String.join(", ", ctx.models().keySet()) + ".", null, false, null), callback);
            return;
        }
        if (draining) {
            Responses.error(response, Exchange.shuttingDown(), callback);
            return;
        }
        if (parsed.stream()) {
            if (streams.incrementAndGet() > ctx.maxConcurrentStreams()) {
                streams.decrementAndGet();
                ctx.metrics().rejected("TOO_MANY_STREAMS");
                Responses.error(response, SseExchange.TOO_MANY_STREAMS, callback);
                return;
            }
            ctx.metrics().activeStreams().incrementAndGet();
            SseExchange exchange = new SseExchange(this, response, callback, requestId, served.name(), start,
                    parsed.includeUsage());
            track(exchange);
            exchange.start(request, parsed.request());
        } else {
            UnaryExchange exchange = new UnaryExchange(this, response, callback, requestId, served.name(), start);
            track(exchange);
            exchange.start(request, parsed.request());
        }
    }

    private void track(Exchange exchange) {
        active.add(exchange);
        ctx.metrics().activeRequests().incrementAndGet();
        if (draining) {
            exchange.abort();
        }
    }

    /** Called once by every exchange when its response is complete. */
    void finished(Exchange exchange) {
        if (active.remove(exchange)) {
            ctx.metrics().activeRequests().decrementAndGet();
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /** Called once by every stream when it no longer holds a stream slot. */
    void streamEnded() {
        streams.decrementAndGet();
        ctx.metrics().activeStreams().decrementAndGet();
    }

    // ------------------------------------------------------------------------------ shutdown

    /** Stops taking new chat requests (they are answered 503); calls in progress go on. */
    public void drain() {
        draining = true;
    }

    /**
     * Waits until no chat call is in progress, at most {@code timeout}.
     *
     * @return whether every call ended in time
     */
    public boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (!active.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    /** Chat calls (streaming or not) still in progress. */
    public int inFlight() {
        return active.size();
    }

    /** Ends every call still in progress: streams end with a shutdown error event, others with a 503. */
    public void abortAll() {
        for (Exchange exchange : List.copyOf(active)) {
            exchange.abort();
        }
    }

    // ------------------------------------------------------------------------------ other endpoints

    private boolean authenticated(Request request, Response response, Callback callback) {
        if (ctx.auth().accepts(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            return true;
        }
        ctx.metrics().rejected("UNAUTHORIZED");
        Responses.error(response, new ApiError(401, "invalid_request_error", "invalid_api_key", null,
                request.getHeaders().get(HttpHeader.AUTHORIZATION) == null
                        ? "You didn't provide an API key. Send this proxy's key in an Authorization header"
                        + " (Authorization: Bearer YOUR_KEY)."
                        : "Incorrect API key provided. Use a key this proxy is configured to accept.",
                null, false, null), callback);
        return false;
    }

    private void models(String path, Response response, Callback callback) {
        long created = ctx.startedEpochSecond();
        if (path.equals("/models")) {
            Responses.json(response, 200, Json.write(g -> {
                g.writeStartObject().write("object", "list").writeKey("data").writeStartArray();
                for (String name : ctx.models().keySet()) {
                    writeModel(g, name, created);
                }
                g.writeEnd().writeEnd();
            }), callback);
            return;
        }
        String name = path.substring("/models/".length());
        if (!ctx.models().containsKey(name)) {
            Responses.error(response, new ApiError(404, "invalid_request_error", "model_not_found", "model",
                    "The model '" + clip(name) + "' does not exist on this proxy.", null, false, null), callback);
            return;
        }
        Responses.json(response, 200, Json.write(g -> writeModel(g, name, created)), callback);
    }

    private static void writeModel(jakarta.json.stream.JsonGenerator g, String name, long created) {
        g.writeStartObject().write("id", name).write("object", "model").write("created", created)
                .write("owned_by", "multillm").writeEnd();
    }

    private byte[] health() {
        return Json.write(g -> {
            boolean allUp = true;
            boolean anyDown = false;
            Map<String, List<RouteHealth>> snapshot = new java.util.LinkedHashMap<>();
            for (ServedModel model : ctx.models().values()) {
                List<RouteHealth> routes = model.health();
                snapshot.put(model.name(), routes);
                boolean up = routes.stream().anyMatch(RouteHealth::available);
                allUp &= routes.stream().allMatch(RouteHealth::available);
                anyDown |= !up;
            }
            g.writeStartObject();
            g.write("status", draining ? "draining" : anyDown ? "unavailable" : allUp ? "ok" : "degraded");
            g.writeKey("models").writeStartObject();
            snapshot.forEach((name, routes) -> {
                g.writeKey(name).writeStartObject();
                g.write("available", routes.stream().anyMatch(RouteHealth::available));
                g.writeKey("routes").writeStartArray();
                for (RouteHealth route : routes) {
                    g.writeStartObject();
                    g.write("route", route.route());
                    Json.stringOrNull(g, "model", route.model());
                    Json.stringOrNull(g, "breaker", route.breaker() == null ? null : route.breaker().name());
                    Json.stringOrNull(g, "openUntil", instant(route.openUntil()));
                    Json.stringOrNull(g, "cooldownUntil", instant(route.cooldownUntil()));
                    g.write("available", route.available());
                    g.writeEnd();
                }
                g.writeEnd();
                g.writeEnd();
            });
            g.writeEnd();
            g.writeEnd();
        });
    }

    private List<Metrics.RouteStatus> routeStatuses() {
        List<Metrics.RouteStatus> statuses = new ArrayList<>();
        for (ServedModel model : ctx.models().values()) {
            for (RouteHealth route : model.health()) {
                statuses.add(new Metrics.RouteStatus(model.name(), route.route(), route.available()));
            }
        }
        return statuses;
    }

    private static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static boolean allow(String method, String allowed, Response response, Callback callback) {
        if (allowed.equals(method)) {
            return true;
        }
        response.getHeaders().put(HttpHeader.ALLOW, allowed);
        Responses.error(response, new ApiError(405, "invalid_request_error", "method_not_allowed", null,
                "Method " + clip(method) + " is not allowed here; use " + allowed + ".", null, false, null), callback);
        return false;
    }

    /** The path without a trailing slash and without the optional {@code /v1} prefix. */
    private static String normalize(String path) {
        String p = path == null || path.isEmpty() ? "/" : path;
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.equals("/v1") || p.startsWith("/v1/")) {
            p = p.substring(3);
        }
        return p.isEmpty() ? "/" : p;
    }

    private static String endpoint(String path) {
        if (path.equals("/chat/completions")) {
            return CHAT;
        }
        if (path.equals("/models") || path.startsWith("/models/") && path.length() > "/models/".length()) {
            return MODELS;
        }
        if (path.equals("/health")) {
            return HEALTH;
        }
        if (path.equals("/metrics")) {
            return METRICS;
        }
        return OTHER;
    }

    private static String clip(String text) {
        if (text == null) {
            return "";
        }
        String cleaned = text.replaceAll("[\\p{Cntrl}]", "?");
        return cleaned.length() <= 100 ? cleaned : cleaned.substring(0, 100) + "...";
    }
}
