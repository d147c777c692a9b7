package dev.multillm.testkit;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeUpstreamTest {
    private static final Duration AWAIT = Duration.ofSeconds(10);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final FakeUpstream upstream = FakeUpstream.start();

    @AfterEach
    void close() {
        upstream.close();
    }

    private HttpRequest post(String body) {
        return HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer sk-test").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listensOnLoopbackWithAnOpenAiStyleBaseUrl() {
        assertThat(upstream.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:" + upstream.port() + "/v1"));
        assertThat(upstream.url("/health").toString()).isEqualTo("http://127.0.0.1:" + upstream.port() + "/health");
    }

    @Test
    void answersEnqueuedRepliesInOrderThenRepeatsTheLast() throws Exception {
        upstream.enqueue(Reply.status(503), Reply.json(429, "{}"), Reply.text(200, "ok"));

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            statuses.add(send(post("{}")).statusCode());
        }
        assertThat(statuses).containsExactly(503, 429, 200, 200, 200);
        assertThat(upstream.requestCount()).isEqualTo(5);
    }

    @Test
    void enqueuingAfterTheScriptRanOutAnswersTheNextRequestWithTheNewReply() throws Exception {
        upstream.enqueue(Reply.status(500));
        send(post("{}"));
        send(post("{}"));
        upstream.enqueue(3, Reply.status(201));

        assertThat(send(post("{}")).statusCode()).isEqualTo(201);
    }

    @Test
    void sendsTheStatusHeadersAndBodyOfAReply() throws Exception {
        upstream.enqueue(Reply.json(429, "{\"error\":{\"code\":\"rate_limit_exceeded\"}}")
                .header("retry-after", "2").header("x-request-id", "req_1"));

        HttpResponse<String> response = send(post("{}"));
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).contains("2");
        assertThat(response.headers().firstValue("content-type")).contains("application/json");
        assertThat(response.headers().map()).doesNotContainKeys("x-fake-upstream-reply", "matched-stub-id");
        assertThat(response.body()).isEqualTo("{\"error\":{\"code\":\"rate_limit_exceeded\"}}");
    }

    @Test
    void servesAnHtmlPage() throws Exception {
        upstream.enqueue(Reply.html(502, "<html>bad gateway</html>"));

        HttpResponse<String> response = send(post("{}"));
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    }

    @Test
    void recordsEveryRequestAsItArrived() throws Exception {
        upstream.enqueue(Reply.status(200));
        send(post("{\"model\":\"m\",\"messages\":[]}"));

        RecordedRequest recorded = upstream.lastRequest();
        assertThat(recorded.method()).isEqualTo("POST");
        assertThat(recorded.path()).isEqualTo("/v1/chat/completions");
        assertThat(recorded.header("authorization")).isEqualTo("Bearer sk-test");
        assertThat(recorded.json().getString("model")).isEqualTo("m");
        assertThat(recorded.connection()).isEqualTo(1);
        assertThat(recorded.toString()).doesNotContain("sk-test");
    }

    @Test
    void withNothingEnqueuedWireMockAnswers404() throws Exception {
        assertThat(send(post("{}")).statusCode()).isEqualTo(404);
    }

    @Test
    void wireMockStubsTakePrecedenceOverTheQueueAndItsJournalVerifies() throws Exception {
        upstream.enqueue(Reply.status(200));
        upstream.wireMock().stubFor(get(urlPathEqualTo("/v1/models")).willReturn(okJson("{\"data\":[]}")));

        HttpResponse<String> models = send(HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/models")).GET()
                .build());
        assertThat(models.body()).isEqualTo("{\"data\":[]}");
        send(post("{}"));
        upstream.wireMock().verify(1, postRequestedFor(urlPathEqualTo("/v1/chat/completions")));
    }

    @Test
    void resetForgetsTheScriptAndTheRecord() throws Exception {
        upstream.enqueue(Reply.status(503));
        send(post("{}"));
        upstream.reset();
        upstream.enqueue(Reply.status(204));

        assertThat(upstream.requestCount()).isZero();
        assertThat(send(post("{}")).statusCode()).isEqualTo(204);
    }

    @Test
    void writesSseEventsWithCrlfLineEndings() throws Exception {
        upstream.enqueue(Reply.sse("{\"a\":1}", "[DONE]").crlf());

        HttpResponse<String> response = send(post("{}"));
        assertThat(response.headers().firstValue("content-type")).contains("text/event-stream");
        assertThat(response.body()).isEqualTo("data: {\"a\":1}\r\n\r\ndata: [DONE]\r\n\r\n");
    }

    @Test
    void writesMultiLinePayloadsAsSeveralDataLines() throws Exception {
        upstream.enqueue(Reply.sse("line one\nline two"));

        assertThat(send(post("{}")).body()).isEqualTo("data: line one\ndata: line two\n\n");
    }

    @Test
    void reChunkedWritesStillCarryTheSameBytes() throws Exception {
        upstream.enqueue(Reply.sseRaw(": hello\n\n", "data: Grüße 🌍\n\n").chunkBytes(1)
                .delayBetween(Duration.ofMillis(1)));

        assertThat(send(post("{}")).body()).isEqualTo(": hello\n\ndata: Grüße 🌍\n\n");
    }

    @Test
    void stallKeepsTheConnectionOpenUntilTheClientLeaves() throws Exception {
        upstream.enqueue(Reply.stallAfter(1, "first", "never sent"));

        HttpResponse<InputStream> response = client.send(post("{}"), HttpResponse.BodyHandlers.ofInputStream());
        InputStream body = response.body();
        byte[] first = body.readNBytes("data: first\n\n".length());
        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("data: first\n\n");
        assertThat(upstream.openConnections()).isEqualTo(1);

        body.close();
        Await.until("the connection to close", () -> upstream.openConnections() == 0, AWAIT);
    }

    @Test
    void pingsSendsOnlyKeepAliveComments() throws Exception {
        upstream.enqueue(Reply.pings(Duration.ofMillis(5)));

        HttpResponse<InputStream> response = client.send(post("{}"), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            assertThat(new String(body.readNBytes(16), StandardCharsets.UTF_8)).isEqualTo(": ping\n\n: ping\n\n");
        }
        Await.until("the connection to close", () -> upstream.openConnections() == 0, AWAIT);
    }

    @Test
    void aResetFailsTheRequest() {
        upstream.enqueue(Reply.reset());

        assertThatThrownBy(() -> send(post("{}"))).isInstanceOf(IOException.class);
    }

    @Test
    void aResetAfterEventsBreaksTheBodyMidway() throws Exception {
        upstream.enqueue(Reply.sse("one").delayBetween(Duration.ofMillis(100)).thenReset());

        HttpResponse<InputStream> response = client.send(post("{}"), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            assertThat(new String(body.readNBytes(11), StandardCharsets.UTF_8)).isEqualTo("data: one\n\n");
            assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class);
        }
    }

    @Test
    void noResponseNeverSendsAStatusLine() {
        upstream.enqueue(Reply.noResponse());
        HttpRequest request = HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/chat/completions"))
                .timeout(Duration.ofMillis(200)).POST(HttpRequest.BodyPublishers.ofString("{}")).build();

        assertThatThrownBy(() -> send(request)).isInstanceOf(HttpTimeoutException.class);
        assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void afterDelayHoldsTheAnswerBack() {
        upstream.enqueue(Reply.status(200).afterDelay(Duration.ofSeconds(30)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/chat/completions"))
                .timeout(Duration.ofMillis(200)).POST(HttpRequest.BodyPublishers.ofString("{}")).build();

        assertThatThrownBy(() -> send(request)).isInstanceOf(HttpTimeoutException.class);
        Await.until("the abandoned connection to close", () -> upstream.openConnections() == 0, AWAIT);
    }

    @Test
    void closeEndsEveryWaitAndEveryConnection() throws Exception {
        upstream.enqueue(Reply.noResponse());
        CompletableFuture<HttpResponse<String>> pending = client.sendAsync(post("{}"),
                HttpResponse.BodyHandlers.ofString());
        upstream.awaitRequests(1, AWAIT);

        upstream.close();
        assertThat(upstream.openConnections()).isZero();
        assertThatThrownBy(pending::join).hasCauseInstanceOf(IOException.class);
        String prefix = FakeUpstream.THREAD_PREFIX + upstream.port() + "-";
        Await.until("the upstream's threads end", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith(prefix)), AWAIT);
    }

    @Test
    void theRefusingBaseUrlRefusesConnections() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(FakeUpstream.refusingBaseUrl() + "/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();

        assertThatThrownBy(() -> send(request)).isInstanceOf(ConnectException.class);
    }

    @Test
    void servesManyConnectionsAtOnce() throws Exception {
        upstream.enqueue(Reply.text(200, "ok").afterDelay(Duration.ofMillis(20)));
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            calls.add(client.sendAsync(post("{}"), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            assertThat(call.get().body()).isEqualTo("ok");
        }
        assertThat(upstream.requestCount()).isEqualTo(40);
    }

    @Test
    void modifiersThatDoNotFitTheReplyAreRejected() {
        assertThatThrownBy(() -> Reply.status(200).thenStall()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Reply.reset().header("a", "b")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Reply.json(42, "{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Reply.stallAfter(3, "only one")).isInstanceOf(IllegalArgumentException.class);
    }
}
