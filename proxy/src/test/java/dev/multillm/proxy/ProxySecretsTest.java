package dev.multillm.proxy;

import static dev.multillm.proxy.ProxyHarness.CANARY;
import static dev.multillm.proxy.ProxyHarness.PROXY_KEY;
import static dev.multillm.proxy.ProxyHarness.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.FinishReason;
import dev.multillm.core.Usage;
import dev.multillm.testkit.LogCapture;
import dev.multillm.testkit.Reply;
import dev.multillm.testkit.SentenceDisplayNames;
import dev.multillm.testkit.WireFixture.ErrorAnswer;
import dev.multillm.testkit.WireFixture.StreamEvents;
import dev.multillm.testkit.WireFixture.TextAnswer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;

/** Contract 7: the upstream key never leaves the proxy, on any path. */
@DisplayNameGeneration(SentenceDisplayNames.class)
class ProxySecretsTest {

    private static String echo(int status, String code) {
        return "{\"error\":{\"message\":\"rejected key " + CANARY + " (Authorization: Bearer " + CANARY + ")\","
                + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":" + (code == null ? "null" : "\"" + code
                + "\"") + "}}";
    }

    @Test
    void neverLetsTheCanaryUpstreamKeyOutOnAnyPath() {
        List<String> seen = new ArrayList<>();
        try (LogCapture logs = LogCapture.install(); ProxyHarness h = new ProxyHarness()) {
            TextAnswer answer = new TextAnswer("chatcmpl-1", "up-model", "fine", FinishReason.STOP, Usage.of(1, 1), "r1");
            StreamEvents stream = h.wire.textStream(answer, List.of("fi", "ne"));
            List<String> broken = new ArrayList<>(stream.outputEvents());
            broken.add(h.wire.streamErrorEvent(ErrorAnswer.of(500, "server_error", "server_error",
                    "crashed with key " + CANARY)));
            h.upstream.enqueue(
                    h.wire.textReply(answer),
                    stream.toReply(),
                    Reply.json(401, echo(401, "invalid_api_key")),
                    Reply.json(403, echo(403, null)),
                    Reply.json(400, echo(400, "invalid_value")),
                    Reply.json(500, echo(500, null)),
                    Reply.json(429, echo(429, "rate_limit_exceeded")).header("retry-after", "1"),
                    Reply.html(502, "<html>bad gateway " + CANARY + "</html>"),
                    stream.toReply(broken),
                    Reply.json(422, echo(422, "json_validate_failed")));
            String[] bodies = {chatBody("fast", false), chatBody("fast", true), chatBody("fast", false),
                chatBody("fast", false), chatBody("fast", false), chatBody("fast", false), chatBody("fast", true),
                chatBody("fast", false), chatBody("fast", true), chatBody("fast", false)};
            for (String body : bodies) {
                record(seen, h.post("/v1/chat/completions", body, PROXY_KEY));
            }
            record(seen, h.post("/v1/chat/completions", chatBody("down", false), PROXY_KEY));
            record(seen, h.post("/v1/chat/completions", "{not json " + CANARY, PROXY_KEY));
            record(seen, h.post("/v1/chat/completions", chatBody("fast", false), CANARY));
            record(seen, h.get("/health", null));
            record(seen, h.get("/metrics", null));
            record(seen, h.get("/v1/models", PROXY_KEY));

            assertThat(h.upstream.requestCount()).isEqualTo(bodies.length);
            assertThat(String.join("\n", seen)).contains("fine").contains("upstream_authentication_failed")
                    .doesNotContain(CANARY).doesNotContain(CANARY.substring(0, 16)).doesNotContain(PROXY_KEY);
            assertThat(h.proxy.toString()).doesNotContain(CANARY).doesNotContain(PROXY_KEY);
            String logged = logs.texts().stream()
                    .filter(text -> !text.startsWith("com.github.tomakehurst") && !text.startsWith("wiremock"))
                    .reduce("", (a, b) -> a + "\n" + b);
            assertThat(logged).doesNotContain(CANARY).doesNotContain(PROXY_KEY);
        }
    }

    private static void record(List<String> seen, HttpResponse<String> response) {
        seen.add(response.statusCode() + " " + response.headers().map() + "\n" + response.body());
    }
}
