package dev.multillm.testkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.direct.DirectCallHttpServer;
import com.github.tomakehurst.wiremock.direct.DirectCallHttpServerFactory;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ImmutableRequest;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable fake OpenAI-compatible server on the loopback interface, for testing providers
 * over real HTTP.
 *
 * <pre>{@code
 * try (FakeUpstream upstream = FakeUpstream.start()) {
 *     upstream.enqueue(Reply.json(503, "{}"), Reply.json(503, "{}"), Reply.json(200, okBody));
 *     ... point the provider at upstream.baseUrl() ...
 *     assertThat(upstream.requestCount()).isEqualTo(3);
 *     assertThat(upstream.lastRequest().json().getString("model")).isEqualTo("m");
 * }
 * }</pre>
 *
 * <p><b>Design.</b> The kit owns the socket: a small server on {@code 127.0.0.1} (an ephemeral port,
 * one thread per open connection from a bounded pool) parses HTTP/1.1 requests, records each one,
 * and counts open connections, so leak tests can assert {@link #openConnections()} returns to
 * zero. Which reply a request gets is decided by an embedded WireMock running without its own HTTP
 * server (WireMock's direct-call mode): {@link #enqueue} turns the script into a WireMock scenario
 * (one state per reply), so sequences such as "fail twice, then succeed" are WireMock scenarios,
 * plain replies are WireMock response definitions, and resets are WireMock faults applied to the
 * real socket. Streams ({@link Reply#sse}, stalls, pings, slow drips, resets mid-body) are then
 * written by the kit itself, write by write, which WireMock cannot do. For matching by path or
 * body, or for WireMock's own verification DSL, use {@link #wireMock()} directly: stubs added there
 * take precedence over the queue.
 *
 * <p><b>Script.</b> Replies answer requests in the order they were enqueued, whatever the path;
 * once the queue is used up the last reply repeats, so {@code enqueue(Reply.status(503))} is an
 * upstream that always answers 503. With nothing enqueued, WireMock answers 404.
 *
 * <p>Waits inside a reply (delays, stalls) end as soon as the client hangs up, and {@link #close()}
 * ends them all.
 *
 * <p>Thread-safety: thread-safe; requests are served concurrently, and the script may be extended
 * while requests are being served.
 */
public final class FakeUpstream implements AutoCloseable {

    /** The response header that ties a WireMock stub to the kit's reply (never sent to clients). */
    static final String REPLY_HEADER = "X-Fake-Upstream-Reply";
    private static final String SCENARIO = "fake-upstream-script";
    private static final int QUEUE_PRIORITY = 10;
    private static final int MAX_CONNECTIONS = 256;

    private final ServerSocket serverSocket;
    private final ThreadPoolExecutor pool;
    private final Thread acceptor;
    private final WireMockServer wireMock;
    private final DirectCallHttpServer engine;
    private final Object engineLock = new Object();
    private final Map<String, Reply> replies = new ConcurrentHashMap<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final AtomicInteger openConnections = new AtomicInteger();
    private volatile boolean closed;

    private int queued;
    private StubMapping repeatStub;

    private FakeUpstream() throws IOException {
        DirectCallHttpServerFactory factory = new DirectCallHttpServerFactory();
        wireMock = new WireMockServer(wireMockConfig().httpServerFactory(factory));
        wireMock.start();
        engine = factory.getHttpServer();
        serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        int port = serverSocket.getLocalPort();
        AtomicInteger threads = new AtomicInteger();
        pool = new ThreadPoolExecutor(0, MAX_CONNECTIONS, 2, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, threadPrefix(port) + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        acceptor = new Thread(this::acceptLoop, threadPrefix(port) + "accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The name prefix of every thread the fake server with {@code port} runs. */
    static String threadPrefix(int port) {
        return THREAD_PREFIX + port + "-";
    }

    /** The name prefix of every thread any fake upstream runs (to leave them out of leak checks). */
    public static final String THREAD_PREFIX = "fake-upstream-";

    /** Starts a fake upstream on an ephemeral loopback port. */
    public static FakeUpstream start() {
        try {
            return new FakeUpstream();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the fake upstream", e);
        }
    }

    /**
     * A base URL on the loopback interface where nothing listens: connecting to it is refused.
     * (A port that was free a moment ago; another process could in theory take it.)
     */
    public static URI refusingBaseUrl() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + probe.getLocalPort() + "/v1");
        } catch (IOException e) {
            throw new UncheckedIOException("could not find a free port", e);
        }
    }

    /** The port the server listens on. */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** The OpenAI-style base URL, {@code http://127.0.0.1:PORT/v1}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port() + "/v1");
    }

    /** {@code http://127.0.0.1:PORT} followed by {@code path} (which starts with {@code /}). */
    public URI url(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with /: " + path);
        }
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /**
     * Appends replies to the script: each answers one request, in order; the last one repeats once
     * the script is used up.
     */
    public FakeUpstream enqueue(Reply... script) {
        for (Reply reply : script) {
            enqueueOne(java.util.Objects.requireNonNull(reply, "reply"));
        }
        return this;
    }

    /** Appends {@code reply} {@code times} times. */
    public FakeUpstream enqueue(int times, Reply reply) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, was " + times);
        }
        for (int i = 0; i < times; i++) {
            enqueueOne(reply);
        }
        return this;
    }

    private synchronized void enqueueOne(Reply reply) {
        ensureOpen();
        String id = UUID.randomUUID().toString();
        replies.put(id, reply);
        String state = state(queued);
        String next = state(queued + 1);
        synchronized (engineLock) {
            // Swapped under the engine's lock: a request never sees the script half-extended.
            if (repeatStub != null) {
                wireMock.removeStub(repeatStub);
            }
            wireMock.stubFor(any(anyUrl()).atPriority(QUEUE_PRIORITY).inScenario(SCENARIO)
                    .whenScenarioStateIs(state).willSetStateTo(next).willReturn(definition(reply, id)));
            repeatStub = wireMock.stubFor(any(anyUrl()).atPriority(QUEUE_PRIORITY).inScenario(SCENARIO)
                    .whenScenarioStateIs(next).willReturn(definition(reply, id)));
        }
        queued++;
    }

    private static String state(int index) {
        return index == 0 ? Scenario.STARTED : "reply-" + index;
    }

    private static ResponseDefinitionBuilder definition(Reply reply, String id) {
        ResponseDefinitionBuilder definition = aResponse().withHeader(REPLY_HEADER, id);
        switch (reply.kind) {
            case MESSAGE -> {
                definition.withStatus(reply.status).withBody(reply.body);
                Map<String, List<String>> grouped = new LinkedHashMap<>();
                reply.headers.forEach(h -> grouped.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue()));
                grouped.forEach((name, values) -> definition.withHeader(name, values.toArray(String[]::new)));
            }
            case FAULT -> definition.withFault(Fault.valueOf(reply.fault.name()));
            default -> definition.withStatus(200);
        }
        return definition;
    }

    /** Forgets the script, the recorded requests and every WireMock stub. */
    public synchronized void reset() {
        synchronized (engineLock) {
            wireMock.resetAll();
        }
        replies.clear();
        requests.clear();
        queued = 0;
        repeatStub = null;
    }

    /** Every request received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** How many requests were received so far. */
    public int requestCount() {
        return requests.size();
    }

    /** The request number {@code index} (0-based). */
    public RecordedRequest request(int index) {
        return requests.get(index);
    }

    /** The most recent request. */
    public RecordedRequest lastRequest() {
        List<RecordedRequest> all = requests();
        if (all.isEmpty()) {
            throw new IllegalStateException("the fake upstream has received no request");
        }
        return all.get(all.size() - 1);
    }

    /** Waits until at least {@code count} requests arrived, failing with an {@link AssertionError} after {@code timeout}. */
    public void awaitRequests(int count, Duration timeout) {
        Await.until("the fake upstream to receive " + count + " request(s)", () -> requests.size() >= count, timeout);
    }

    /** The TCP connections currently open (accepted and not yet closed by either side). */
    public int openConnections() {
        return openConnections.get();
    }

    /** The TCP connections accepted so far. */
    public int totalConnections() {
        return connectionCount.get();
    }

    /**
     * The embedded WireMock (direct-call mode, no HTTP server of its own): add stubs that match on
     * path, headers or body (they take precedence over the queue), or use its verification and
     * request journal. WireMock's own delays are not supported; use {@link Reply#afterDelay}.
     */
    public WireMockServer wireMock() {
        return wireMock;
    }

    /** Stops the server: closes every connection (ending every wait) and its threads. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket socket : List.copyOf(sockets)) {
            closeQuietly(socket);
        }
        pool.shutdownNow();
        try {
            acceptor.join(2000);
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        wireMock.stop();
    }

    @Override
    public String toString() {
        return "FakeUpstream[" + baseUrl() + ", requests=" + requestCount() + ", open=" + openConnections() + "]";
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the fake upstream is closed");
        }
    }

    // ------------------------------------------------------------------------------ the transport

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                return; // closed
            }
            int number = connectionCount.incrementAndGet();
            openConnections.incrementAndGet();
            sockets.add(socket);
            try {
                pool.execute(() -> serve(socket, number));
            } catch (RejectedExecutionException e) {
                release(socket);
            }
            if (closed) {
                release(socket);
            }
        }
    }

    private void release(Socket socket) {
        closeQuietly(socket);
        if (sockets.remove(socket)) {
            openConnections.decrementAndGet();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private void serve(Socket socket, int number) {
        try {
            HttpExchange exchange = new HttpExchange(socket);
            while (!closed) {
                HttpExchange.Incoming incoming = exchange.readRequest();
                if (incoming == null) {
                    return;
                }
                requests.add(new RecordedRequest(incoming.method(), incoming.target(), incoming.headers(),
                        incoming.bodyText(), number));
                Response response;
                synchronized (engineLock) {
                    response = engine.stubRequest(toWireMock(incoming));
                }
                var marker = response.getHeaders().getHeader(REPLY_HEADER);
                Reply reply = marker.isPresent() ? replies.get(marker.firstValue()) : null;
                if (reply != null && !reply.initialDelay.isZero() && !exchange.waitOrHangUp(reply.initialDelay)) {
                    return;
                }
                boolean keepAlive = !"close".equalsIgnoreCase(incoming.header("Connection"));
                if (response.getFault() != null) {
                    response.getFault().apply(exchange.faultInjector());
                    return;
                }
                if (reply != null && reply.isRaw()) {
                    keepAlive &= exchange.writeRaw(reply);
                } else {
                    exchange.writeMessage(response, "HEAD".equals(incoming.method()));
                }
                if (!keepAlive) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // The client went away or sent garbage: drop the connection.
        } finally {
            release(socket);
        }
    }

    private ImmutableRequest toWireMock(HttpExchange.Incoming incoming) {
        ImmutableRequest.Builder b = new ImmutableRequest.Builder()
                .withAbsoluteUrl("http://127.0.0.1:" + port() + incoming.target())
                .withMethod(RequestMethod.fromString(incoming.method()))
                .withProtocol("HTTP/1.1")
                .withClientIp("127.0.0.1")
                .withBody(incoming.body());
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        incoming.headers().forEach(h -> grouped.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue()));
        grouped.forEach(b::withHeader);
        return b.build();
    }
}
