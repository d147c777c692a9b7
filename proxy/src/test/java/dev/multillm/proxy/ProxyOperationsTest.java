package dev.multillm.proxy;

import static dev.multillm.proxy.ProxyHarness.CANARY;
import static dev.multillm.proxy.ProxyHarness.PROXY_KEY;
import static dev.multillm.proxy.ProxyHarness.chatBody;
import static dev.multillm.proxy.ProxyHarness.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.openai.models.chat.completions.ChatCompletion;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatProviders;
import dev.multillm.core.FinishReason;
import dev.multillm.core.ProviderConfig;
import dev.multillm.core.Usage;
import dev.multillm.fallback.Route;
import dev.multillm.testkit.Await;
import dev.multillm.testkit.FakeChatProvider;
import dev.multillm.testkit.FakeUpstream;
import dev.multillm.testkit.Reply;
import dev.multillm.testkit.SentenceDisplayNames;
import dev.multillm.testkit.WireFixture.StreamEvents;
import dev.multillm.testkit.WireFixture.TextAnswer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Health, metrics, failover and graceful shutdown. */
@DisplayNameGeneration(SentenceDisplayNames.class)
class ProxyOperationsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static TextAnswer answer(String content) {
        return new TextAnswer("chatcmpl-1", "up-model", content, FinishReason.STOP, Usage.of(12, 5), "r1");
    }

    private static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    @Nested
    @DisplayNameGeneration(SentenceDisplayNames.class)
    class HealthAndMetrics {

        @Test
        void reportsEachModelsRoutesWithTheirBreakerAndCooldownState() {
            try (ProxyHarness h = new ProxyHarness()) {
                JsonObject health = json(h.get("/health", null).body());

                assertThat(health.getString("status")).isEqualTo("ok");
                JsonObject fast = health.getJsonObject("models").getJsonObject("fast");
                assertThat(fast.getBoolean("available")).isTrue();
                JsonObject route = fast.getJsonArray("routes").getJsonObject(0);
                assertThat(route.getString("route")).isEqualTo("openai");
                assertThat(route.getString("model")).isEqualTo("up-model");
                assertThat(route.getString("breaker")).isEqualTo("CLOSED");
                assertThat(route.isNull("openUntil")).isTrue();
                assertThat(route.isNull("cooldownUntil")).isTrue();
                assertThat(route.getBoolean("available")).isTrue();
            }
        }

        @Test
        void showsARouteCoolingDownAfterARateLimit() {
            try (ProxyHarness h = new ProxyHarness()) {
                h.upstream.enqueue(Reply.json(429, "{\"error\":{\"message\":\"slow\",\"type\":\"requests\","
                        + "\"code\":\"rate_limit_exceeded\"}}").header("retry-after", "600"));
                h.post("/v1/chat/completions", chatBody("fast", false), PROXY_KEY);

                JsonObject health = json(h.get("/health", null).body());

                JsonObject route = health.getJsonObject("models").getJsonObject("fast").getJsonArray("routes")
                        .getJsonObject(0);
                assertThat(route.isNull("cooldownUntil")).isFalse();
                assertThat(route.getBoolean("available")).isFalse();
                assertThat(health.getString("status")).isEqualTo("unavailable");
                assertThat(h.metrics()).contains("multillm_proxy_route_available{model=\"fast\",route=\"openai\"} 0");
            }
        }

        @Test
        void countsRequestsOutcomesTokensAndTimeToFirstToken() {
            try (ProxyHarness h = new ProxyHarness()) {
                h.upstream.enqueue(h.wire.textReply(answer("hi")),
                        h.wire.textStream(answer("hello"), List.of("hel", "lo")).toReply(),
                        Reply.json(503, "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}"));
                h.sdk.chat().completions().create(params("fast").build());
                h.post("/v1/chat/completions", chatBody("fast", true), PROXY_KEY);
                h.post("/v1/chat/completions", chatBody("fast", false), PROXY_KEY);
                h.post("/v1/chat/completions", chatBody("fast", false), null);

                String metrics = h.metrics();

                assertThat(metrics)
                        .contains("multillm_proxy_requests_total{model=\"fast\",stream=\"false\",outcome=\"OK\"} 1")
                        .contains("multillm_proxy_requests_total{model=\"fast\",stream=\"true\",outcome=\"OK\"} 1")
                        .contains("multillm_proxy_requests_total{model=\"fast\",stream=\"false\",outcome=\"OVERLOADED\"} 1")
                        .contains("multillm_proxy_errors_total{category=\"OVERLOADED\"} 1")
                        .contains("multillm_proxy_errors_total{category=\"UNAUTHORIZED\"} 1")
                        .contains("multillm_proxy_tokens_total{model=\"fast\",kind=\"input\"} 24")
                        .contains("multillm_proxy_tokens_total{model=\"fast\",kind=\"output\"} 10")
                        .contains("multillm_proxy_time_to_first_token_seconds_count{model=\"fast\"} 1")
                        .contains("multillm_proxy_upstream_attempts_total{model=\"fast\",route=\"openai\",outcome=\"OK\"} 2")
                        .contains("multillm_proxy_http_requests_total{endpoint=\"chat\",status=\"401\"} 1")
                        .contains("multillm_proxy_active_streams 0");
                assertThat(h.get("/metrics", null).headers().firstValue("content-type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
            }
        }
    }

    @Test
    void failsOverToTheNextRouteAndCountsTheFailover() {
        try (FakeUpstream backup = FakeUpstream.start();
             ChatProvider backupProvider = ChatProviders.create("openai", ProviderConfig.of(Map.of(
                     "baseUrl", backup.baseUrl().toString(), "apiKey", CANARY)))) {
            ChatProvider[] primary = new ChatProvider[1];
            try (ProxyHarness h = new ProxyHarness(b -> {
                primary[0] = ChatProviders.create("openai", ProviderConfig.of(Map.of(
                        "baseUrl", FakeUpstream.refusingBaseUrl().toString(), "apiKey", CANARY)));
                b.maxRetries(1).model("pair", List.of(Route.builder(primary[0]).model("a").name("primary").build(),
                        Route.builder(backupProvider).model("b").name("backup").build()));
            })) {
                backup.enqueue(h.wire.textReply(answer("from the backup")));

                ChatCompletion completion = h.sdk.chat().completions().create(params("pair").build());

                assertThat(completion.choices().get(0).message().content()).contains("from the backup");
                assertThat(backup.lastRequest().json().getString("model")).isEqualTo("b");
                assertThat(h.metrics()).contains("multillm_proxy_failovers_total{model=\"pair\",from=\"primary\","
                        + "to=\"backup\",reason=\"CONNECTION\"} 1");
            } finally {
                if (primary[0] != null) {
                    primary[0].close();
                }
            }
        }
    }

    @Test
    void servesManyConcurrentStreamsEachWholeAndReleasesThemAll() throws Exception {
        int streams = 64;
        try (ProxyHarness h = new ProxyHarness()) {
            StreamEvents events = h.wire.textStream(answer("alpha beta gamma delta"),
                    List.of("alpha", " beta", " gamma", " delta"));
            h.upstream.enqueue(events.toReply().delayBetween(Duration.ofMillis(5)));
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                responses.add(h.http.sendAsync(HttpRequest.newBuilder(h.url("/v1/chat/completions"))
                                .header("Authorization", "Bearer " + PROXY_KEY)
                                .POST(HttpRequest.BodyPublishers.ofString(chatBody("fast", true))).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }

            for (CompletableFuture<HttpResponse<String>> response : responses) {
                String body = response.get(30, TimeUnit.SECONDS).body();
                String text = body.lines().filter(line -> line.startsWith("data: {"))
                        .map(line -> json(line.substring(6)).getJsonArray("choices"))
                        .filter(choices -> !choices.isEmpty())
                        .map(choices -> choices.getJsonObject(0).getJsonObject("delta").getString("content", ""))
                        .collect(Collectors.joining());
                assertThat(text).isEqualTo("alpha beta gamma delta");
                assertThat(body).endsWith("data: [DONE]\n\n");
            }
            assertThat(h.upstream.requestCount()).isEqualTo(streams);
            Await.until("every stream to be released", () -> h.metrics().contains("multillm_proxy_active_streams 0\n")
                    && h.metrics().contains("multillm_proxy_active_requests 0\n"), WAIT);
            assertThat(h.metrics()).contains("multillm_proxy_requests_total{model=\"fast\",stream=\"true\","
                    + "outcome=\"OK\"} " + streams);
        }
    }

    @Test
    void refusesToStartOnAPortThatIsTaken() {
        try (ProxyHarness h = new ProxyHarness()) {
            ProxyServer second = ProxyServer.builder().port(h.proxy.port()).clientKey(PROXY_KEY)
                    .model("m", FakeChatProvider.replying("x")).build();

            Throwable failure = catchThrowable(second::start);

            assertThat(failure).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(String.valueOf(h.proxy.port()));
            second.close();
        }
    }

    @Nested
    @DisplayNameGeneration(SentenceDisplayNames.class)
    class Shutdown {

        @Test
        void letsAStreamInFlightFinishThenStopsAccepting() throws Exception {
            ProxyHarness h = new ProxyHarness();
            try {
                StreamEvents events = h.wire.textStream(answer("one two three four"),
                        List.of("one", " two", " three", " four"));
                h.upstream.enqueue(events.toReply().delayBetween(Duration.ofMillis(100)));
                CompletableFuture<HttpResponse<String>> streaming = h.http.sendAsync(HttpRequest.newBuilder(
                                h.url("/v1/chat/completions")).header("Authorization", "Bearer " + PROXY_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(chatBody("fast", true))).build(),
                        HttpResponse.BodyHandlers.ofString());
                h.upstream.awaitRequests(1, WAIT);

                h.proxy.close();

                HttpResponse<String> response = streaming.get(10, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).contains("\"content\":\" four\"").endsWith("data: [DONE]\n\n");
                Throwable refused = catchThrowable(() -> h.http.send(HttpRequest.newBuilder(h.url("/health")).build(),
                        HttpResponse.BodyHandlers.ofString()));
                assertThat(refused).isInstanceOf(ConnectException.class);
            } finally {
                h.close();
            }
        }

        @Test
        void endsStreamsThatOutlastTheGracePeriodWithAnErrorEvent() throws Exception {
            ProxyHarness h = new ProxyHarness(b -> b.shutdownGrace(Duration.ofMillis(200)));
            try {
                StreamEvents events = h.wire.textStream(answer("one two"), List.of("one", " two"));
                h.upstream.enqueue(Reply.sseRaw(events.outputEvents().toArray(String[]::new)).thenStall());
                CompletableFuture<HttpResponse<String>> streaming = h.http.sendAsync(HttpRequest.newBuilder(
                                h.url("/v1/chat/completions")).header("Authorization", "Bearer " + PROXY_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(chatBody("fast", true))).build(),
                        HttpResponse.BodyHandlers.ofString());
                h.upstream.awaitRequests(1, WAIT);
                Await.until("the stream to start", () -> h.metrics().contains("multillm_proxy_active_streams 1\n"),
                        WAIT);

                h.proxy.close();

                HttpResponse<String> response = streaming.get(10, TimeUnit.SECONDS);
                assertThat(response.body()).contains("\"content\":\" two\"")
                        .contains("\"code\":\"server_shutting_down\"").doesNotContain("[DONE]");
                Await.until("the upstream connection to close", () -> h.upstream.openConnections() == 0, WAIT);
            } finally {
                h.close();
            }
        }
    }
}
