package dev.multillm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.testkit.Await;
import dev.multillm.testkit.FakeUpstream;
import dev.multillm.testkit.Reply;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code multillm serve --config proxy.json} runs the real proxy until it is stopped. */
class ServeCommandTest {
    private static final String CLIENT_KEY = "sk-proxy-client-0001";
    private static final String OK_BODY = """
            {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":"served"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""";

    @Test
    void servesTheConfiguredModelsUntilStopped(@TempDir Path dir) throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            upstream.enqueue(Reply.json(200, OK_BODY));
            Path config = dir.resolve("proxy.json");
            Files.writeString(config, """
                    {"host": "127.0.0.1", "port": 8080, "clientKeys": ["%s"],
                     "models": {"fast": [{"provider": "openai", "model": "gpt-4o-mini", "baseUrl": "%s",
                                          "apiKeyEnv": "OPENAI_API_KEY"}]}}
                    """.formatted(CLIENT_KEY, upstream.baseUrl()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            AtomicInteger status = new AtomicInteger(-1);
            Thread serving = new Thread(() -> status.set(Main.run(
                    new String[] {"serve", "--config", config.toString(), "--port", "0"},
                    new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Cli.ENV)), "serve-under-test");
            serving.start();
            try {
                Await.until("the proxy says where it listens", () -> text(out).contains("listening on"),
                        Duration.ofSeconds(20));
                Matcher url = Pattern.compile("listening on (\\S+)").matcher(text(out));
                assertThat(url.find()).isTrue();

                HttpResponse<String> answer = post(URI.create(url.group(1) + "/chat/completions"),
                        "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(answer.body()).contains("\"served\"").doesNotContain(Cli.OPENAI_KEY);
                assertThat(upstream.lastRequest().header("Authorization")).isEqualTo("Bearer " + Cli.OPENAI_KEY);
                assertThat(text(out)).contains("models: fast");
            } finally {
                serving.interrupt();
                serving.join(Duration.ofSeconds(30).toMillis());
            }
            assertThat(serving.isAlive()).isFalse();
            assertThat(status.get()).as(text(err)).isZero();
        }
    }

    @Test
    void aMalformedConfigIsBadInputOnOneLine(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("proxy.json");
        Files.writeString(config, "{\"models\": {\"fast\": [{\"provider\": \"openai\", \"apiKey\": \"sk-inline\"}]}}");

        Cli.Run run = Cli.run("serve", "--config", config.toString());

        assertThat(run.status()).isEqualTo(Main.USAGE);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).startsWith("multillm: ").doesNotContain("sk-inline");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aMissingConfigFileIsBadInput() {
        Cli.Run run = Cli.run("serve", "--config", "/nonexistent/proxy.json");

        assertThat(run.status()).isEqualTo(Main.USAGE);
        assertThat(run.errLines()).hasSize(1);
    }

    private static String text(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static HttpResponse<String> post(URI uri, String body) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + CLIENT_KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
