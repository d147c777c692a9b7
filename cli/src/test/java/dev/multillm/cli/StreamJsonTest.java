package dev.multillm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.ToolCall;
import dev.multillm.core.Usage;
import dev.multillm.testkit.FakeUpstream;
import dev.multillm.testkit.Reply;
import dev.multillm.testkit.SentenceDisplayNames;
import dev.multillm.testkit.WireFixture;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;

/** {@code --stream --json}: one object per line, ending with a done or an error line. */
@DisplayNameGeneration(SentenceDisplayNames.class)
class StreamJsonTest {
    private FakeUpstream upstream;

    @BeforeEach
    void startUpstream() {
        upstream = FakeUpstream.start();
    }

    @AfterEach
    void stopUpstream() {
        upstream.close();
    }

    private String groq() {
        return "groq,baseUrl=" + upstream.baseUrl() + ",maxRetries=0,model=m";
    }

    @Test
    void printsOneDeltaLinePerTokenThenADoneLineWithTheSuccessFields() {
        upstream.enqueue(Cli.streamReply("llama-3.3-70b-versatile", "Circuit", " breakers", " trip."));

        Cli.Run run = Cli.run("chat", "-p", groq(), "--stream", "--json", "Explain");

        assertThat(run.status()).as(run.err()).isZero();
        List<JsonObject> lines = run.jsonLines();
        assertThat(lines).hasSize(4);
        assertThat(lines.subList(0, 3)).allSatisfy(line -> assertThat(Cli.keys(line)).containsExactly("type", "content"));
        assertThat(lines.subList(0, 3)).extracting(line -> line.getString("type")).containsOnly("delta");
        assertThat(lines.subList(0, 3)).extracting(line -> line.getString("content"))
                .containsExactly("Circuit", " breakers", " trip.");
        JsonObject done = lines.get(3);
        assertThat(Cli.keys(done)).containsExactly("type", "ok", "provider", "model", "content", "reasoning",
                "refusal", "finishReason", "toolCalls", "usage", "requestId", "rateLimit", "attempts");
        assertThat(done.getString("type")).isEqualTo("done");
        assertThat(done.getBoolean("ok")).isTrue();
        assertThat(done.getString("content")).isEqualTo("Circuit breakers trip.");
        assertThat(done.getString("finishReason")).isEqualTo("stop");
        assertThat(done.getString("requestId")).isEqualTo("req_test_1");
        assertThat(done.getJsonObject("usage").getInt("outputTokens")).isEqualTo(7);
        assertThat(done.getJsonArray("attempts").getJsonObject(0).getString("outcome")).isEqualTo("OK");
        assertThat(upstream.lastRequest().json().getBoolean("stream")).isTrue();
    }

    @Test
    void printsReasoningAsItsOwnLines() {
        String reasoning = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"role\":\"assistant\",\"reasoning\":\"Let me think.\"},\"finish_reason\":null}]}";
        String content = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"42\"},\"finish_reason\":\"stop\"}]}";
        upstream.enqueue(Reply.sse(reasoning, content, "[DONE]"));

        List<JsonObject> lines = Cli.run("chat", "-p", groq(), "--stream", "--json", "Why?").jsonLines();

        assertThat(lines).extracting(line -> line.getString("type")).containsExactly("reasoning", "delta", "done");
        assertThat(lines.get(0).getString("content")).isEqualTo("Let me think.");
        assertThat(lines.get(2).getString("reasoning")).isEqualTo("Let me think.");
        assertThat(lines.get(2).getString("content")).isEqualTo("42");
    }

    @Test
    void printsToolCallFragmentsThenTheAssembledCallsInTheDoneLine() {
        WireFixture.ToolCallAnswer answer = new WireFixture.ToolCallAnswer("c1", "m",
                List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")), Usage.of(5, 5), "req_t");
        upstream.enqueue(Cli.WIRE.toolCallStream(answer, 2).toReply());

        List<JsonObject> lines = Cli.run("chat", "-p", groq(), "--stream", "--json", "weather?").jsonLines();

        List<JsonObject> fragments = lines.subList(0, lines.size() - 1);
        assertThat(fragments).extracting(line -> line.getString("type")).containsOnly("tool_call");
        assertThat(Cli.keys(fragments.get(0))).containsExactly("type", "index", "id", "name", "arguments");
        assertThat(fragments.get(0).getString("id")).isEqualTo("call_1");
        assertThat(fragments.get(0).getString("name")).isEqualTo("get_weather");
        assertThat(fragments.stream().map(f -> f.getString("arguments")).reduce("", String::concat))
                .isEqualTo("{\"city\":\"Paris\"}");
        JsonObject done = lines.get(lines.size() - 1);
        assertThat(done.getString("type")).isEqualTo("done");
        assertThat(done.getJsonArray("toolCalls").getJsonObject(0).getString("arguments"))
                .isEqualTo("{\"city\":\"Paris\"}");
    }

    @Test
    void endsWithAnErrorLineCarryingThePartialContentWhenTheStreamBreaksAfterOutput() {
        WireFixture.StreamEvents events = Cli.WIRE.textStream(Cli.answer("m", "one two three"),
                List.of("one", " two", " three"));
        upstream.enqueue(events.toReply(events.outputEvents()).thenReset());

        Cli.Run run = Cli.run("chat", "-p", groq(), "--stream", "--json", "count");

        assertThat(run.status()).isEqualTo(1);
        List<JsonObject> lines = run.jsonLines();
        assertThat(lines).extracting(line -> line.getString("type")).containsExactly("delta", "delta", "delta", "error");
        JsonObject last = lines.get(3);
        assertThat(Cli.keys(last)).containsExactly("type", "error", "partialContent");
        assertThat(last.getJsonObject("error").getString("category")).isEqualTo("STREAM_INTERRUPTED");
        assertThat(last.getJsonObject("error").getString("provider")).isEqualTo("groq");
        assertThat(Cli.keys(last.getJsonObject("error"))).containsExactly("category", "provider", "status", "code",
                "retryAfterMs", "requestId", "message");
        assertThat(last.getString("partialContent")).isEqualTo("one two three");
        assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void endsWithAnErrorLineWhenTheStreamFailsBeforeAnyOutput() {
        upstream.enqueue(Cli.errorReply(429, "rate_limit_exceeded", "tokens", "Rate limit reached")
                .header("retry-after", "3"));

        Cli.Run run = Cli.run("chat", "-p", groq(), "--stream", "--json", "hello");

        assertThat(run.status()).isEqualTo(1);
        JsonObject line = run.json();
        assertThat(line.getString("type")).isEqualTo("error");
        assertThat(line.getJsonObject("error").getString("category")).isEqualTo("RATE_LIMITED");
        assertThat(line.getJsonObject("error").getInt("retryAfterMs")).isEqualTo(3000);
        assertThat(line.getString("partialContent")).isEmpty();
    }

    @Test
    void printsTokensAsPlainTextWithoutJson() {
        upstream.enqueue(Cli.streamReply("m", "Hello", ",", " world"));

        Cli.Run run = Cli.run("chat", "-p", groq(), "--stream", "hi");

        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("Hello, world\n");
    }

    @Test
    void keepsThePartialAnswerAndReportsTheBreakOnStandardErrorWithoutJson() {
        WireFixture.StreamEvents events = Cli.WIRE.textStream(Cli.answer("m", "half an"), List.of("half", " an"));
        upstream.enqueue(events.toReply(events.outputEvents()).thenReset());

        Cli.Run run = Cli.run("chat", "-p", groq(), "--stream", "hi");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("half an\n");
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).startsWith("multillm: STREAM_INTERRUPTED from groq");
    }
}
