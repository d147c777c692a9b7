package dev.multillm.proxy;

import static dev.multillm.proxy.ProxyHarness.CANARY;
import static dev.multillm.proxy.ProxyHarness.PROXY_KEY;
import static dev.multillm.proxy.ProxyHarness.UPSTREAM_MODEL;
import static dev.multillm.proxy.ProxyHarness.chatBody;
import static dev.multillm.proxy.ProxyHarness.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.SseException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.multillm.core.FinishReason;
import dev.multillm.core.ToolCall;
import dev.multillm.core.Usage;
import dev.multillm.testkit.Await;
import dev.multillm.testkit.RecordedRequest;
import dev.multillm.testkit.Reply;
import dev.multillm.testkit.SentenceDisplayNames;
import dev.multillm.testkit.WireFixture.ErrorAnswer;
import dev.multillm.testkit.WireFixture.StreamEvents;
import dev.multillm.testkit.WireFixture.TextAnswer;
import dev.multillm.testkit.WireFixture.ToolCallAnswer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The proxy on loopback in front of a fake upstream, driven by the official OpenAI Java SDK. */
@DisplayNameGeneration(SentenceDisplayNames.class)
class ProxyServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ProxyHarness h = new ProxyHarness();

    @AfterEach
    void closeHarness() {
        h.close();
    }

    private static TextAnswer hello(String content) {
        return new TextAnswer("chatcmpl-up-1", UPSTREAM_MODEL, content, FinishReason.STOP, Usage.of(12, 5),
                "up-req-1");
    }

    private static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    /** The {@code data:} payloads of an SSE body, in order. */
    private static List<String> events(String body) {
        List<String> events = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(line.substring("data: ".length()));
            }
        }
        return events;
    }

    @Nested
    @DisplayNameGeneration(SentenceDisplayNames.class)
    class Completions {

        @Test
        void answersANonStreamingChatThroughTheOfficialSdk() {
            h.upstream.enqueue(h.wire.textReply(hello("Hello from upstream")));

            ChatCompletion completion = h.sdk.chat().completions().create(params("fast").build());

            assertThat(completion.choices()).singleElement().satisfies(choice -> {
                assertThat(choice.message().content()).contains("Hello from upstream");
                assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
            });
            assertThat(completion.model()).isEqualTo("fast");
            assertThat(completion.usage()).hasValueSatisfying(usage -> {
                assertThat(usage.promptTokens()).isEqualTo(12);
                assertThat(usage.completionTokens()).isEqualTo(5);
                assertThat(usage.totalTokens()).isEqualTo(17);
            });
        }

        @Test
        void sendsTheRoutesModelAndTheUpstreamKeyButNeverTheCallersKeyUpstream() {
            h.upstream.enqueue(h.wire.textReply(hello("hi")));

            h.sdk.chat().completions().create(params("fast").addSystemMessage("be brief").temperature(0.25)
                    .maxCompletionTokens(64).build());

            RecordedRequest sent = h.upstream.lastRequest();
            assertThat(sent.pathOnly()).isEqualTo("/v1/chat/completions");
            assertThat(sent.header("Authorization")).isEqualTo("Bearer " + CANARY);
            assertThat(sent.headers().toString()).doesNotContain(PROXY_KEY);
            JsonObject body = sent.json();
            assertThat(body.getString("model")).isEqualTo(UPSTREAM_MODEL);
            assertThat(body.getJsonNumber("temperature").doubleValue()).isEqualTo(0.25);
            assertThat(body.getInt("max_completion_tokens")).isEqualTo(64);
            assertThat(body.getJsonArray("messages")).hasSize(2);
        }

        @Test
        void answersToolCallsThroughTheOfficialSdk() {
            List<ToolCall> calls = List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"),
                    new ToolCall("call_2", "get_time", "{\"tz\":\"CET\"}"));
            h.upstream.enqueue(h.wire.toolCallReply(new ToolCallAnswer("chatcmpl-t", UPSTREAM_MODEL, calls,
                    Usage.of(20, 9), "up-req-2")));

            ChatCompletion completion = h.sdk.chat().completions().create(params("fast")
                    .addFunctionTool(weatherTool()).build());

            ChatCompletion.Choice choice = completion.choices().get(0);
            assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
            assertThat(choice.message().toolCalls().orElseThrow())
                    .extracting(call -> call.asFunction().function().name() + call.asFunction().function().arguments())
                    .containsExactly("get_weather{\"city\":\"Paris\"}", "get_time{\"tz\":\"CET\"}");
            assertThat(h.upstream.lastRequest().json().getJsonArray("tools").getJsonObject(0)
                    .getJsonObject("function").getString("name")).isEqualTo("get_weather");
        }

        @Test
        void listsTheConfiguredModels() {
            assertThat(h.sdk.models().list().data()).extracting(m -> m.id())
                    .containsExactly("down", "fast", "impatient");
            assertThat(h.sdk.models().retrieve("fast").ownedBy()).isEqualTo("multillm");
            assertThat(catchThrowableOfType(NotFoundException.class, () -> h.sdk.models().retrieve("nope")))
                    .isNotNull();
        }

        @Test
        void namesTheRouteThatAnswered() {
            h.upstream.enqueue(h.wire.textReply(hello("hi")));

            HttpResponse<String> response = h.post("/v1/chat/completions", chatBody("fast", false), PROXY_KEY);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-multillm-route")).hasValue("openai");
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
        }
    }

    static FunctionDefinition weatherTool() {
        return FunctionDefinition.builder().name("get_weather").description("weather by city")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city",
                                Map.of("type", "string")))).build())
                .build();
    }

    @Nested
    @DisplayNameGeneration(SentenceDisplayNames.class)
    class Streaming {

        @Test
        void streamsTextDeltasAndUsageThroughTheOfficialSdk() {
            StreamEvents events = h.wire.textStream(hello("Hello there"), List.of("Hel", "lo", " there"));
            h.upstream.enqueue(events.toReply());

            StringBuilder text = new StringBuilder();
            List<ChatCompletionChunk> chunks = new ArrayList<>();
            try (StreamResponse<ChatCompletionChunk> stream = h.sdk.chat().completions().createStreaming(
                    params("fast").streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                            .build())) {
                stream.stream().forEach(chunk -> {
                    chunks.add(chunk);
                    chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
                });
            }

            assertThat(text).hasToString("Hello there");
            assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.model()).isEqualTo("fast"));
            assertThat(chunks.get(chunks.size() - 1).usage()).hasValueSatisfying(
                    usage -> assertThat(usage.promptTokens()).isEqualTo(12));
            assertThat(chunks).anySatisfy(chunk -> assertThat(chunk.choices()).anySatisfy(
                    c -> assertThat(c.finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.STOP)));
            assertThat(h.upstream.lastRequest().json().getBoolean("stream")).isTrue();
        }

        @Test
        void sendsServerSentEventsThatEndWithDone() {
            h.upstream.enqueue(h.wire.textStream(hello("Hi!"), List.of("Hi", "!")).toReply());

            HttpResponse<String> response = h.post("/v1/chat/completions", chatBody("fast", true), PROXY_KEY);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            assertThat(response.headers().firstValue("x-request-id")).isPresent();
            List<String> events = events(response.body());
            assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
            assertThat(json(events.get(0)).getJsonArray("choices").getJsonObject(0).getJsonObject("delta")
                    .getString("role")).isEqualTo("assistant");
            assertThat(response.body()).doesNotContain("\"usage\"");
        }

        @Test
        void streamsToolCallsThatAssembleIntoTheSameCallsAsANonStreamedAnswer() {
            List<ToolCall> calls = List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"),
                    new ToolCall("call_2", "get_time", "{\"tz\":\"CET\"}"));
            h.upstream.enqueue(h.wire.toolCallStream(new ToolCallAnswer("chatcmpl-t", UPSTREAM_MODEL, calls,
                    Usage.of(20, 9), "up-req-3"), 3).toReply());

            Map<Long, String> names = new TreeMap<>();
            Map<Long, StringBuilder> arguments = new TreeMap<>();
            try (StreamResponse<ChatCompletionChunk> stream = h.sdk.chat().completions().createStreaming(
                    params("fast").addFunctionTool(weatherTool()).build())) {
                stream.stream().flatMap(chunk -> chunk.choices().stream())
                        .flatMap(c -> c.delta().toolCalls().orElse(List.of()).stream())
                        .forEach(call -> {
                            call.function().flatMap(f -> f.name()).ifPresent(n -> names.put(call.index(), n));
                            call.function().flatMap(f -> f.arguments()).ifPresent(a -> arguments
                                    .computeIfAbsent(call.index(), k -> new StringBuilder()).append(a));
                        });
            }

            assertThat(names).containsExactly(Map.entry(0L, "get_weather"), Map.entry(1L, "get_time"));
            assertThat(arguments.values()).extracting(StringBuilder::toString)
                    .containsExactly("{\"city\":\"Paris\"}", "{\"tz\":\"CET\"}");
        }

        @Test
        void endsAStreamThatFailsAfterOutputWithAnErrorEventAndNoDone() {
            StreamEvents events = h.wire.textStream(hello("Hello"), List.of("Hel", "lo"));
            List<String> broken = new ArrayList<>(events.outputEvents());
            broken.add(h.wire.streamErrorEvent(ErrorAnswer.of(500, "server_error", "server_error",
                    "the model crashed")));
            h.upstream.enqueue(events.toReply(broken));

            HttpResponse<String> response = h.post("/v1/chat/completions", chatBody("fast", true), PROXY_KEY);

            assertThat(response.statusCode()).isEqualTo(200);
            List<String> data = events(response.body());
            assertThat(response.body()).contains("Hel").doesNotContain("[DONE]");
            JsonObject error = json(data.get(data.size() - 1)).getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("stream_interrupted");
            assertThat(error.getString("type")).isEqualTo("server_error");
            assertThat(error.getString("message")).contains("the model crashed");
        }

        @Test
        void letsTheOfficialSdkRaiseTheErrorOfAStreamThatFailsAfterOutput() {
            StreamEvents events = h.wire.textStream(hello("Hello"), List.of("Hel", "lo"));
            List<String> broken = new ArrayList<>(events.outputEvents());
            broken.add(h.wire.streamErrorEvent(ErrorAnswer.of(500, "server_error", "server_error", "crash")));
            h.upstream.enqueue(events.toReply(broken));

            StringBuilder text = new StringBuilder();
            SseException failure;
            try (StreamResponse<ChatCompletionChunk> stream = h.sdk.chat().completions()
                    .createStreaming(params("fast").build())) {
                failure = catchThrowableOfType(SseException.class, () -> stream.stream().forEach(chunk ->
                        chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append))));
            }

            assertThat(text).hasToString("Hello");
            assertThat(failure).isNotNull();
            assertThat(failure.code()).hasValue("stream_interrupted");
        }

        @Test
        void answersAFailureBeforeAnyOutputWithAnHttpErrorStatus() {
            h.upstream.enqueue(h.wire.errorReply(ErrorAnswer.of(429, "rate_limit_exceeded", "requests", "slow down")
                    .withHeader("retry-after", "5")));

            HttpResponse<String> response = h.post("/v1/chat/completions", chatBody("fast", true), PROXY_KEY);

            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("retry-after")).hasValue("5");
            assertThat(json(response.body()).getJsonObject("error").getString("code")).isEqualTo("rate_limit_exceeded");
        }

        @Test
        void closesTheUpstreamConnectionWhenTheClientDisconnectsMidStream() throws Exception {
            StreamEvents events = h.wire.textStream(hello("Hello world"), List.of("Hello", " world", "!"));
            h.upstream.enqueue(Reply.sseRaw(events.outputEvents().subList(0, 2).toArray(String[]::new)).thenStall());
            String body = chatBody("fast", true);

            try (Socket socket = new Socket("127.0.0.1", h.proxy.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + PROXY_KEY
                        + "\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                int dataEvents = 0;
                String line;
                while (dataEvents < 2 && (line = in.readLine()) != null) {
                    if (line.startsWith("data: ")) {
                        dataEvents++;
                    }
                }
                assertThat(dataEvents).isEqualTo(2);
                assertThat(h.upstream.openConnections()).isEqualTo(1);
            }

            Await.until("the upstream connection to close", () -> h.upstream.openConnections() == 0, WAIT);
            Await.until("the proxy to release the stream", () -> h.metrics()
                    .contains("multillm_proxy_active_streams 0\n"), WAIT);
            assertThat(h.metrics()).contains("outcome=\"CANCELLED\"");
        }
    }

    @Nested
    @DisplayNameGeneration(SentenceDisplayNames.class)
    class Authentication {

        @Test
        void answers401InOpenAisShapeWhenTheKeyIsMissing() {
            HttpResponse<String> response = h.post("/v1/chat/completions", chatBody("fast", false), null);

            assertThat(response.statusCode()).isEqualTo(401);
            JsonObject error = json(response.body()).getJsonObject("error");
            assertThat(error.getString("type")).isEqualTo("invalid_request_error");
            assertThat(error.getString("code")).isEqualTo("invalid_api_key");
            assertThat(error.isNull("param")).isTrue();
            assertThat(error.getString("message")).isNotBlank();
            assertThat(h.upstream.requestCount()).isZero();
        }

        @Test
        void letsTheOfficialSdkRaiseUnauthorizedForAWrongKey() {
            var wrong = com.openai.client.okhttp.OpenAIOkHttpClient.builder()
                    .baseUrl(h.proxy.baseUrl().toString()).apiKey("sk-wrong-key-123456").maxRetries(0).build();
            try {
                UnauthorizedException failure = catchThrowableOfType(UnauthorizedException.class,
                        () -> wrong.chat().completions().create(params("fast").build()));

                assertThat(failure).isNotNull();
                assertThat(failure.statusCode()).isEqualTo(401);
                assertThat(failure.code()).hasValue("invalid_api_key");
                assertThat(failure.getMessage()).doesNotContain("sk-wrong-key-123456");
            } finally {
                wrong.close();
            }
            assertThat(h.upstream.requestCount()).isZero();
        }

        @Test
        void protectsTheModelListButNotHealthOrMetrics() {
            assertThat(h.get("/v1/models", null).statusCode()).isEqualTo(401);
            assertThat(h.get("/v1/models", "nope-nope-nope").statusCode()).isEqualTo(401);
            assertThat(h.get("/health", null).statusCode()).isEqualTo(200);
            assertThat(h.get("/metrics", null).statusCode()).isEqualTo(200);
        }
    }

    @Nested
    @DisplayNameGeneration(SentenceDisplayNames.class)
    class BadInput {

        private JsonObject rejected(String body, int status) {
            HttpResponse<String> response = h.post("/v1/chat/completions", body, PROXY_KEY);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
            assertThat(response.headers().firstValue("x-request-id")).isPresent();
            return json(response.body()).getJsonObject("error");
        }

        @Test
        void rejectsMalformedJson() {
            JsonObject error = rejected("{\"model\": \"fast\", \"messages\": [", 400);

            assertThat(error.getString("type")).isEqualTo("invalid_request_error");
            assertThat(error.getString("code")).isEqualTo("invalid_json");
            assertThat(h.upstream.requestCount()).isZero();
        }

        @Test
        void rejectsAFieldOfTheWrongTypeNamingIt() {
            JsonObject error = rejected("{\"model\":\"fast\",\"temperature\":\"hot\","
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400);

            assertThat(error.getString("param")).isEqualTo("temperature");
            assertThat(error.getString("message")).contains("temperature");
            assertThat(h.upstream.requestCount()).isZero();
        }

        @Test
        void rejectsAMissingModelOrMessages() {
            assertThat(rejected("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400).getString("param"))
                    .isEqualTo("model");
            assertThat(rejected("{\"model\":\"fast\"}", 400).getString("param")).isEqualTo("messages");
            assertThat(h.upstream.requestCount()).isZero();
        }

        @Test
        void rejectsAnUnknownModelWith404ModelNotFound() {
            JsonObject error = rejected(chatBody("gpt-17", false), 404);

            assertThat(error.getString("code")).isEqualTo("model_not_found");
            assertThat(error.getString("param")).isEqualTo("model");
            assertThat(error.getString("message")).contains("gpt-17").contains("fast");
            assertThat(catchThrowableOfType(NotFoundException.class,
                    () -> h.sdk.chat().completions().create(params("gpt-17").build()))).isNotNull();
            assertThat(h.upstream.requestCount()).isZero();
        }

        @Test
        void rejectsAnUnknownPathOrMethod() {
            HttpResponse<String> path = h.get("/v1/embeddings", PROXY_KEY);
            HttpResponse<String> method = h.get("/v1/chat/completions", PROXY_KEY);

            assertThat(path.statusCode()).isEqualTo(404);
            assertThat(json(path.body()).getJsonObject("error").getString("code")).isEqualTo("unknown_url");
            assertThat(method.statusCode()).isEqualTo(405);
            assertThat(method.headers().firstValue("allow")).hasValue("POST");
        }
    }

    @Test
    void rejectsABodyLargerThanTheConfiguredLimitWith413() {
        try (ProxyHarness small = new ProxyHarness(b -> b.maxRequestBytes(1024))) {
            String big = "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(4096)
                    + "\"}]}";

            HttpResponse<String> response = small.post("/v1/chat/completions", big, PROXY_KEY);

            assertThat(response.statusCode()).isEqualTo(413);
            JsonObject error = json(response.body()).getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("request_too_large");
            assertThat(error.getString("message")).contains("1024");
            assertThat(small.upstream.requestCount()).isZero();
        }
    }

    @Test
    void putsARequestIdOnEveryResponse() {
        h.upstream.enqueue(h.wire.textReply(hello("hi")));
        List<HttpResponse<String>> responses = List.of(
                h.post("/v1/chat/completions", chatBody("fast", false), PROXY_KEY),
                h.post("/v1/chat/completions", chatBody("fast", false), null),
                h.post("/v1/chat/completions", "{", PROXY_KEY),
                h.get("/v1/models", PROXY_KEY),
                h.get("/health", null),
                h.get("/metrics", null),
                h.get("/nowhere", null));

        List<String> ids = responses.stream()
                .map(r -> r.headers().firstValue("x-request-id").orElse("missing")).collect(Collectors.toList());

        assertThat(ids).doesNotContain("missing").doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).matches("req_[0-9a-f]{24}"));
    }
}
