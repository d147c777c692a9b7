package dev.multillm.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The local server answers like an OpenAI-compatible server, so every client can read it. */
class LocalServerTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpResponse<String> post(URI base, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersAChatCompletionAndAStreamOfTheConfiguredLength() throws Exception {
        try (LocalServer server = LocalServer.start(new LocalServer.Config(7, 4, 2))) {
            HttpResponse<String> unary = post(server.baseUrl(), "{\"model\":\"m\",\"messages\":[]}");
            assertThat(unary.statusCode()).isEqualTo(200);
            byte[] body = unary.body().getBytes(StandardCharsets.UTF_8);
            assertThat(Wire.content(body, 0, body.length)).isEqualTo(LocalServer.ANSWER);

            HttpResponse<String> stream = post(server.baseUrl(), "{\"model\":\"m\",\"stream\": true}");
            assertThat(stream.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            assertThat(stream.body().split("\"content\":\"[^\"]").length - 1).isEqualTo(7);
            assertThat(stream.body()).endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void holdsGatedStreamsUntilTheGateOpensAndAnswers503OnItsPath() throws Exception {
        try (LocalServer server = LocalServer.start(new LocalServer.Config(7, 4, 2))) {
            assertThat(post(server.baseUrl("503"), "{}").statusCode()).isEqualTo(503);

            var pending = http.sendAsync(HttpRequest.newBuilder(URI.create(server.baseUrl("gate") + "/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            dev.multillm.testkit.Await.until("a stream parks at the gate", () -> server.parked() >= 1,
                    java.time.Duration.ofSeconds(10));
            assertThat(pending).isNotDone();
            server.openGate();
            assertThat(pending.get().body().split("\"content\":\"[^\"]").length - 1).isEqualTo(4);
        }
    }

    @Test
    void floorParsingFindsUnescapedContent() {
        byte[] line = "{\"delta\":{\"content\":\"a \\\"b\\\"\\n\\u00e9\"}}".getBytes(StandardCharsets.UTF_8);
        assertThat(Wire.content(line, 0, line.length)).isEqualTo("a \"b\"\n\u00e9");
        byte[] empty = "{\"delta\":{\"content\":\"\"}}".getBytes(StandardCharsets.UTF_8);
        assertThat(Wire.content(empty, 0, empty.length)).isNull();
    }
}
