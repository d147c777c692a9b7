package dev.multillm.core.internal.http;

import dev.multillm.core.ApiKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One provider's HTTP client: builds authenticated requests against a base URL and sends them.
 *
 * <p>The client is HTTP/1.1 on {@code http://} (the h2c upgrade breaks vLLM, uvicorn and
 * others). Unless one is injected, the transport creates its own client whose executor runs
 * the client's tasks inline ({@link InlineExecutor}): a request is written on the caller's
 * thread and responses are handled on the client's selector thread, so a call costs no thread
 * hand-off and no thread of its own. {@link #close()} makes that executor refuse further work,
 * which fails later requests; an injected client is shared and left alone.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class Transport implements AutoCloseable {
    private static final String USER_AGENT = "multillm/0.1 (java " + Runtime.version().feature() + ")";

    private final URI baseUrl;
    private final ApiKey apiKey;
    private final Map<String, String> headers;
    private final HttpClient client;
    private final InlineExecutor ownedExecutor;
    private final boolean http1;
    /** The URI of each path asked for (a provider asks for two or three), parsed once. */
    private final Map<String, URI> uris = new ConcurrentHashMap<>();

    /**
     * @param baseUrl        the API root, e.g. {@code https://api.groq.com/openai/v1}
     * @param apiKey         the key for {@code Authorization: Bearer}, null for keyless servers
     * @param headers        extra headers sent with every request
     * @param injected       a client to use and share, or null to create (and own) one
     * @param connectTimeout the connect timeout of a created client
     */
    public Transport(URI baseUrl, ApiKey apiKey, Map<String, String> headers, HttpClient injected,
                     Duration connectTimeout) {
        String text = baseUrl.toString();
        this.baseUrl = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.apiKey = apiKey;
        this.headers = Map.copyOf(headers);
        this.http1 = "http".equals(baseUrl.getScheme().toLowerCase(Locale.ROOT));
        if (injected != null) {
            this.client = injected;
            this.ownedExecutor = null;
        } else {
            this.ownedExecutor = new InlineExecutor();
            this.client = HttpClient.newBuilder()
                    .version(http1 ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
                    .connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .executor(ownedExecutor)
                    .build();
        }
    }

    /** The base URL without a trailing slash. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** A request builder for {@code path} (relative to the base URL) with auth and common headers. */
    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uris.computeIfAbsent(path, p -> URI.create(baseUrl + p)))
                .header("User-Agent", USER_AGENT);
        if (http1) {
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey.reveal());
        }
        headers.forEach(builder::header);
        return builder;
    }

    /**
     * A JSON POST of {@code body} to {@code path}. It carries no JDK timeout: the framework
     * watches every phase of the exchange itself (the JDK's stops at the headers on Java 17 and
     * costs a selector wake-up per request).
     */
    public HttpRequest postJson(String path, byte[] body, boolean stream) {
        return request(path)
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    /** Sends {@code request}; cancelling the returned future aborts the exchange. */
    public <T> CompletableFuture<HttpResponse<T>> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return client.sendAsync(request, handler);
    }

    /**
     * Sends {@code request} on the calling thread and returns once {@code handler}'s body is
     * available (right after the headers, for a body that completes at once). Interrupting the
     * thread aborts the exchange.
     *
     * <p>This is the path for blocking calls: the JDK's {@code sendAsync} completes every
     * exchange through the common pool's default executor, which on a JVM with fewer than three
     * CPUs starts a new thread per request; {@code send} does not.
     */
    public <T> HttpResponse<T> sendBlocking(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws java.io.IOException, InterruptedException {
        return client.send(request, handler);
    }

    /** The key, for scrubbing it from upstream text; may be null. */
    public ApiKey apiKey() {
        return apiKey;
    }

    /** Makes the client this transport created refuse further work. Idempotent. */
    @Override
    public void close() {
        if (ownedExecutor != null) {
            ownedExecutor.close();
        }
    }
}
