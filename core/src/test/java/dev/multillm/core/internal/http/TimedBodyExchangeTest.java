package dev.multillm.core.internal.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.multillm.core.ApiKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A blocking exchange under the framework's two limits (headers, then the deadline), and the
 * abortable send under it, against a real local server (WireMock).
 */
class TimedBodyExchangeTest {
    private static final String BODY = "{\"answer\":\"héllo wörld\"}";

    private WireMockServer server;
    private Transport transport;

    @BeforeEach
    void start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        transport = new Transport(URI.create("http://127.0.0.1:" + server.port() + "/v1"), ApiKey.of("sk-test"),
                Map.of(), null, Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        transport.close();
        server.stop();
    }

    private java.net.http.HttpRequest request() {
        return transport.postJson("/chat", "{}".getBytes(StandardCharsets.UTF_8), false);
    }

    @Test
    void returnsTheWholeBodyAsItsBytes() throws Exception {
        server.stubFor(post(urlEqualTo("/v1/chat")).willReturn(aResponse().withStatus(200).withBody(BODY)));
        TimedBodyExchange exchange = new TimedBodyExchange(() -> Duration.ofSeconds(30));

        HttpResponse<byte[]> response = exchange.send(transport, request(), Duration.ofSeconds(30));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(BODY.getBytes(StandardCharsets.UTF_8));
        assertThat(exchange.expiry()).isEqualTo(TimedBodyExchange.Expiry.NONE);
    }

    @Test
    void returnsAnEmptyBodyAsNoBytes() throws Exception {
        server.stubFor(post(urlEqualTo("/v1/chat")).willReturn(aResponse().withStatus(200)));

        HttpResponse<byte[]> response = new TimedBodyExchange(() -> null)
                .send(transport, request(), Duration.ofSeconds(30));

        assertThat(response.body()).isEmpty();
    }

    @Test
    void returnsExactlyTheBytesOfABodyThatDeclaresNoLength() throws Exception {
        server.stubFor(post(urlEqualTo("/v1/chat")).willReturn(aResponse().withStatus(200).withBody(BODY)
                .withChunkedDribbleDelay(3, 30)));

        HttpResponse<byte[]> response = new TimedBodyExchange(() -> null)
                .send(transport, request(), Duration.ofSeconds(30));

        assertThat(response.headers().firstValue("content-length")).as("no length: the first buffer is presized")
                .isEmpty();
        assertThat(response.body()).isEqualTo(BODY.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsABodyLargerThanItsFirstBuffer() throws Exception {
        String large = "x".repeat(300_000);
        server.stubFor(post(urlEqualTo("/v1/chat"))
                .willReturn(aResponse().withStatus(200).withBody(large).withChunkedDribbleDelay(7, 50)));
        HttpResponse<byte[]> response = new TimedBodyExchange(() -> null)
                .send(transport, request(), Duration.ofSeconds(30));
        assertThat(response.body()).isEqualTo(large.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void abortsTheSendWhenNoHeadersArriveInTime() {
        server.stubFor(post(urlEqualTo("/v1/chat")).willReturn(aResponse().withStatus(200).withBody(BODY)
                .withFixedDelay(5_000)));
        TimedBodyExchange exchange = new TimedBodyExchange(() -> Duration.ofSeconds(30));

        assertThatThrownBy(() -> exchange.send(transport, request(), Duration.ofMillis(100)))
                .isInstanceOf(InterruptedException.class);
        assertThat(exchange.expiry()).isEqualTo(TimedBodyExchange.Expiry.HEADERS);
        assertThat(Thread.currentThread().isInterrupted()).as("the abort's interrupt is not left behind").isFalse();
    }

    @Test
    void abandonsABodyThatOutlastsTheDeadline() {
        server.stubFor(post(urlEqualTo("/v1/chat")).willReturn(aResponse().withStatus(200).withBody(BODY)
                .withChunkedDribbleDelay(BODY.length(), 5_000)));
        AtomicReference<Duration> left = new AtomicReference<>(Duration.ofMillis(150));
        TimedBodyExchange exchange = new TimedBodyExchange(() -> {
            Duration now = left.get();
            left.set(Duration.ZERO); // asked once while the body still streams: then the time is up
            return now;
        });

        // WireMock sends the headers with the first slice of the body, about 190 ms in.
        assertThatThrownBy(() -> exchange.send(transport, request(), Duration.ofSeconds(1)))
                .isInstanceOf(IOException.class);
        assertThat(exchange.expiry()).isEqualTo(TimedBodyExchange.Expiry.BODY);
    }

    @Test
    void waitsForASlowBodyWhenTheCallHasNoDeadline() throws Exception {
        server.stubFor(post(urlEqualTo("/v1/chat")).willReturn(aResponse().withStatus(200).withBody(BODY)
                .withChunkedDribbleDelay(4, 300)));
        TimedBodyExchange exchange = new TimedBodyExchange(() -> null);

        // The headers come with the first slice, about 75 ms in; the first limit passes after them.
        HttpResponse<byte[]> response = exchange.send(transport, request(), Duration.ofMillis(200));

        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(BODY);
        assertThat(exchange.expiry()).isEqualTo(TimedBodyExchange.Expiry.NONE);
    }

    @Test
    void anAbortBeforeTheSendFailsItAtOnce() {
        AbortableSend send = new AbortableSend();
        send.abort();
        assertThatThrownBy(() -> send.send(transport, request(), HttpResponse.BodyHandlers.discarding()))
                .isInstanceOf(InterruptedException.class);
        assertThat(send.aborted()).isTrue();
        assertThat(server.getAllServeEvents()).as("nothing was sent").isEmpty();
    }

    @Test
    void anAbortFromAnotherThreadEndsASendWaitingForHeaders() throws Exception {
        server.stubFor(post(urlEqualTo("/v1/chat")).willReturn(aResponse().withStatus(200).withFixedDelay(5_000)));
        AbortableSend send = new AbortableSend();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> leftInterrupted = new AtomicReference<>();
        Thread sender = new Thread(() -> {
            try {
                send.send(transport, request(), HttpResponse.BodyHandlers.discarding());
            } catch (Exception e) {
                thrown.set(e);
            }
            leftInterrupted.set(Thread.currentThread().isInterrupted());
        });
        sender.start();
        awaitRequestReceived();

        send.abort();
        sender.join(10_000);

        assertThat(sender.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(leftInterrupted.get()).isFalse();
    }

    @Test
    void anInterruptFromElsewhereIsKept() throws Exception {
        server.stubFor(post(urlEqualTo("/v1/chat")).willReturn(aResponse().withStatus(200).withFixedDelay(5_000)));
        AbortableSend send = new AbortableSend();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread sender = new Thread(() -> {
            try {
                send.send(transport, request(), HttpResponse.BodyHandlers.discarding());
            } catch (InterruptedException e) {
                thrown.set(e);
                Thread.currentThread().interrupt(); // what a caller does with an interrupt it was given
            } catch (Exception e) {
                thrown.set(e);
            }
        });
        sender.start();
        awaitRequestReceived();

        sender.interrupt();
        sender.join(10_000);

        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(send.aborted()).as("not an abort: the caller's own interrupt").isFalse();
    }

    private void awaitRequestReceived() throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.getAllServeEvents().isEmpty() && System.nanoTime() < until) {
            Thread.sleep(1);
        }
        assertThat(server.getAllServeEvents()).isNotEmpty();
    }
}
