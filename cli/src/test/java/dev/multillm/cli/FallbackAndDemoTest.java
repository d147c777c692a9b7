package dev.multillm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.testkit.FakeUpstream;
import dev.multillm.testkit.Reply;
import dev.multillm.testkit.SentenceDisplayNames;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;

/** Several {@code -p} make a fallback chain; {@code --demo} shows one with no key and no network. */
@DisplayNameGeneration(SentenceDisplayNames.class)
class FallbackAndDemoTest {
    private static final String OVERLOADED =
            "{\"error\":{\"message\":\"Service Unavailable\",\"type\":\"internal_server_error\"}}";
    private FakeUpstream groq;
    private FakeUpstream openai;

    @BeforeEach
    void startUpstreams() {
        groq = FakeUpstream.start();
        openai = FakeUpstream.start();
    }

    @AfterEach
    void stopUpstreams() {
        groq.close();
        openai.close();
    }

    private String[] chain(String... flags) {
        List<String> args = new java.util.ArrayList<>(List.of("chat",
                "-p", "groq,baseUrl=" + groq.baseUrl() + ",model=llama-3.3-70b-versatile",
                "-p", "openai,baseUrl=" + openai.baseUrl() + ",model=gpt-4o-mini"));
        args.addAll(List.of(flags));
        return args.toArray(String[]::new);
    }

    @Test
    void listsTheFailedRouteThenTheOneThatAnsweredInTheAttempts() {
        groq.enqueue(Reply.json(503, OVERLOADED));
        openai.enqueue(Cli.textReply("gpt-4o-mini", "From the second route."));

        Cli.Run run = Cli.run(chain("--json", "hello"));

        assertThat(run.status()).as(run.err()).isZero();
        JsonObject json = run.json();
        assertThat(json.getString("provider")).isEqualTo("openai");
        assertThat(json.getString("content")).isEqualTo("From the second route.");
        assertThat(json.getJsonArray("attempts")).hasSize(2);
        JsonObject first = json.getJsonArray("attempts").getJsonObject(0);
        JsonObject second = json.getJsonArray("attempts").getJsonObject(1);
        assertThat(first.getString("provider")).isEqualTo("groq");
        assertThat(first.getString("outcome")).isEqualTo("OVERLOADED");
        assertThat(first.getInt("status")).isEqualTo(503);
        assertThat(second.getString("provider")).isEqualTo("openai");
        assertThat(second.getString("outcome")).isEqualTo("OK");
        assertThat(second.getInt("status")).isEqualTo(200);
        assertThat(openai.lastRequest().json().getString("model")).isEqualTo("gpt-4o-mini");
        assertThat(run.err()).contains("\u2192 groq: OVERLOADED (503), failing over to openai");
    }

    @Test
    void streamsTheSecondRoutesAnswerAfterAFailoverBeforeTheFirstToken() {
        groq.enqueue(Cli.errorReply(429, "rate_limit_exceeded", "tokens", "Rate limit reached")
                .header("retry-after", "30"));
        openai.enqueue(Cli.streamReply("gpt-4o-mini", "Still", " here."));

        Cli.Run run = Cli.run(chain("--stream", "--json", "hello"));

        assertThat(run.status()).as(run.err()).isZero();
        List<JsonObject> lines = run.jsonLines();
        assertThat(lines).extracting(line -> line.getString("type")).containsExactly("delta", "delta", "done");
        JsonObject done = lines.get(2);
        assertThat(done.getString("provider")).isEqualTo("openai");
        assertThat(done.getJsonArray("attempts").getJsonObject(0).getString("outcome")).isEqualTo("RATE_LIMITED");
        assertThat(done.getJsonArray("attempts").getJsonObject(1).getString("outcome")).isEqualTo("OK");
        assertThat(run.err()).contains("\u2192 groq: RATE_LIMITED (429), failing over to openai");
    }

    @Test
    void reportsEveryRouteFailingAsNoProviderAvailable() {
        groq.enqueue(Reply.json(503, OVERLOADED));
        openai.enqueue(Cli.errorReply(401, "invalid_api_key", "invalid_request_error", "Incorrect API key"));

        Cli.Run run = Cli.run(chain("--json", "hello"));

        assertThat(run.status()).isEqualTo(1);
        JsonObject json = run.json();
        assertThat(json.getJsonObject("error").getString("category")).isEqualTo("NO_PROVIDER_AVAILABLE");
        assertThat(json.getJsonArray("attempts")).extracting(a -> a.asJsonObject().getString("outcome"))
                .startsWith("OVERLOADED", "AUTHENTICATION");
    }

    @Test
    void demoShowsTheFailoverOnStandardErrorAndStreamsTheAnswer() {
        Cli.Run run = Cli.runWith(java.util.Map.of(), "", "chat", "--demo", "Explain circuit breakers in one sentence");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.err()).contains("\u2192 groq: OVERLOADED (503), failing over to openai");
        assertThat(run.out()).startsWith("A circuit breaker stops sending calls").endsWith(".\n");
    }

    @Test
    void demoWorksWithJson() {
        Cli.Run run = Cli.runWith(java.util.Map.of(), "", "chat", "--demo", "--json", "Why retry?");

        assertThat(run.status()).as(run.err()).isZero();
        JsonObject json = run.json();
        assertThat(json.getString("provider")).isEqualTo("openai");
        assertThat(json.getString("content")).contains("backoff");
        assertThat(json.getJsonArray("attempts")).extracting(a -> a.asJsonObject().getString("outcome"))
                .containsExactly("OVERLOADED", "OK");
        assertThat(json.getJsonObject("rateLimit").getInt("remainingRequests")).isEqualTo(9999);
    }

    @Test
    void demoWorksWithStreamAndJson() {
        Cli.Run run = Cli.runWith(java.util.Map.of(), "", "chat", "--demo", "--stream", "--json", "hello");

        assertThat(run.status()).as(run.err()).isZero();
        List<JsonObject> lines = run.jsonLines();
        assertThat(lines.size()).isGreaterThan(3);
        assertThat(lines.subList(0, lines.size() - 1)).extracting(line -> line.getString("type")).containsOnly("delta");
        JsonObject done = lines.get(lines.size() - 1);
        assertThat(done.getString("type")).isEqualTo("done");
        assertThat(done.getString("provider")).isEqualTo("openai");
        assertThat(done.getString("content")).isEqualTo(lines.subList(0, lines.size() - 1).stream()
                .map(line -> line.getString("content")).reduce("", String::concat));
    }
}
