package dev.multillm.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.multillm.testkit.Await;
import dev.multillm.testkit.FakeChatProvider;
import dev.multillm.testkit.SentenceDisplayNames;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;

/**
 * Many callers arriving at once, each on a connection of its own: the burst of new connections
 * must all be accepted and every stream served whole (a listen backlog smaller than the burst
 * makes the kernel drop handshakes, which callers see as resets and second-long stalls).
 * Bounded in count and time; nothing here asserts how fast anything was.
 */
@DisplayNameGeneration(SentenceDisplayNames.class)
class ProxyConcurrencyTest {
    private static final String KEY = "sk-proxy-concurrency-test";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int CALLERS = 256;

    /**
     * The listen queue itself, without depending on how fast the acceptor is: with accepting
     * paused, the kernel completes handshakes only while the queue has room, and drops the SYNs
     * beyond it (the connect then stalls, retrying). The JDK's default backlog, 50, held 51.
     */
    @Test
    void queuesABurstOfConnectionsWhileTheAcceptorIsBusy() throws Exception {
        Path somaxconn = Path.of("/proc/sys/net/core/somaxconn");
        assumeTrue(Files.isReadable(somaxconn), "Linux only: the kernel's listen queue limit is needed");
        int limit = Integer.parseInt(Files.readAllLines(somaxconn).get(0).strip()); // readString is short on procfs
        assumeTrue(limit >= 128, "net.core.somaxconn is " + limit + ", too small for a burst above 50");
        int burst = Math.min(CALLERS, limit - 8);
        FakeChatProvider upstream = FakeChatProvider.replying("hello");
        try (ProxyServer proxy = ProxyServer.builder().port(0).clientKey(KEY).model("m", upstream).build().start()) {
            proxy.accepting(false);
            List<Socket> sockets = new ArrayList<>();
            int connected = 0;
            try {
                for (int i = 0; i < burst; i++) {
                    Socket socket = new Socket();
                    sockets.add(socket);
                    try {
                        socket.connect(new InetSocketAddress(proxy.host(), proxy.port()), 5_000);
                        connected++;
                    } catch (IOException e) {
                        break; // the handshake was dropped: the listen queue is full
                    }
                }
            } finally {
                proxy.accepting(true);
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
            assertThat(connected).as("connections queued while nothing was accepted").isEqualTo(burst);
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://" + proxy.host() + ":" + proxy.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        } finally {
            upstream.close();
        }
    }

    @Test
    void acceptsABurstOfNewConnectionsAndServesEveryStreamWhole() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        // Every stream waits for the gate before its first chunk, so all of them are open at once.
        FakeChatProvider upstream = FakeChatProvider.builder().sleeper(delay -> gate.thenRun(() -> { }))
                .delay(Duration.ofMillis(1)).then(FakeChatProvider.Step.stream(List.of("alpha", " beta", " gamma")))
                .build();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        try (ProxyServer proxy = ProxyServer.builder().port(0).clientKey(KEY).model("gated", upstream).build().start()) {
            URI chat = URI.create(proxy.baseUrl() + "/chat/completions");
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                // Nothing is pooled yet and every call is in flight at once: one new connection per caller.
                responses.add(http.sendAsync(HttpRequest.newBuilder(chat).timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gated\",\"stream\":true,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            Await.until("every caller's stream to reach the upstream", () -> upstream.callCount() == CALLERS
                    || responses.stream().anyMatch(CompletableFuture::isCompletedExceptionally), WAIT);

            gate.complete(null);

            int whole = 0;
            List<String> failures = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> response : responses) {
                try {
                    HttpResponse<String> answer = response.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    String body = answer.body();
                    if (answer.statusCode() == 200 && body.contains("\"content\":\" gamma\"")
                            && body.endsWith("data: [DONE]\n\n")) {
                        whole++;
                    } else {
                        failures.add("HTTP " + answer.statusCode() + ": " + body);
                    }
                } catch (Exception e) {
                    failures.add(String.valueOf(e.getCause() != null ? e.getCause() : e));
                }
            }
            assertThat(failures).as("failed streams").isEmpty();
            assertThat(whole).isEqualTo(CALLERS);
            assertThat(upstream.callCount()).isEqualTo(CALLERS);
            Await.until("every stream to be released", () -> upstream.openStreams() == 0, WAIT);
        } finally {
            gate.complete(null);
            upstream.close();
        }
    }
}
