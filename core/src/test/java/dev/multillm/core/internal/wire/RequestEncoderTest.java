package dev.multillm.core.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multillm.core.ChatRequest;
import dev.multillm.core.ContentPart;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.Message;
import dev.multillm.core.ResponseFormat;
import dev.multillm.core.Tool;
import dev.multillm.core.ToolCall;
import dev.multillm.core.ToolChoice;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestEncoderTest {
    private static final String WEATHER_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";

    /** Everything the OpenAI chat-completions API accepts, plus one extension. */
    private static final Set<String> EVERYTHING = union(WireOptions.CHAT_COMPLETIONS_FIELDS,
            Set.of("reasoning_format", "include_reasoning"));

    private static final WireOptions OPENAI = new WireOptions("openai", EVERYTHING,
            WireOptions.MAX_COMPLETION_TOKENS, true);

    /** Groq: no logprobs, top_logprobs or logit_bias. */
    private static final WireOptions GROQ = new WireOptions("groq", Set.of("model", "messages", "tools",
            "tool_choice", "parallel_tool_calls", "response_format", "temperature", "top_p",
            "max_completion_tokens", "stop", "seed", "user", "reasoning_effort", "reasoning_format",
            "include_reasoning", "n", "service_tier", "stream", "stream_options"),
            WireOptions.MAX_COMPLETION_TOKENS, true);

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static JsonObject encode(ChatRequest request, boolean stream, WireOptions options) {
        return json(new String(RequestEncoder.encode(request, null, stream, options), StandardCharsets.UTF_8));
    }

    private static ChatRequest.Builder minimal() {
        return ChatRequest.builder().model("llama-3.3-70b-versatile").addUserMessage("Hi");
    }

    @Test
    void writesEverySetFieldOfAFullRequestInTheChatCompletionsShape() {
        ChatRequest request = ChatRequest.builder()
                .model("gpt-4o")
                .addSystemMessage("You are terse.")
                .addUserMessage("Weather in Paris?")
                .addMessage(Message.assistant(null,
                        List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"))))
                .addMessage(Message.toolResult("call_1", "{\"temp\":21}"))
                .addTool(new Tool("get_weather", "Current weather", WEATHER_SCHEMA, true))
                .toolChoice(ToolChoice.function("get_weather"))
                .parallelToolCalls(false)
                .responseFormat(ResponseFormat.jsonSchema("weather", WEATHER_SCHEMA, true))
                .temperature(0.2)
                .topP(0.9)
                .maxOutputTokens(256)
                .stop(List.of("END"))
                .seed(42L)
                .user("user-7")
                .reasoningEffort("low")
                .reasoningFormat("parsed")
                .choices(2)
                .logprobs(true)
                .topLogprobs(3)
                .serviceTier("flex")
                .extension("include_reasoning", false)
                .build();

        JsonObject body = encode(request, true, OPENAI);

        assertThat(body).isEqualTo(json("""
                {
                  "model": "gpt-4o",
                  "messages": [
                    {"role": "system", "content": "You are terse."},
                    {"role": "user", "content": "Weather in Paris?"},
                    {"role": "assistant", "content": null, "tool_calls": [
                      {"id": "call_1", "type": "function",
                       "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Paris\\"}"}}
                    ]},
                    {"role": "tool", "tool_call_id": "call_1", "content": "{\\"temp\\":21}"}
                  ],
                  "tools": [
                    {"type": "function", "function": {
                      "name": "get_weather",
                      "description": "Current weather",
                      "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
                      "strict": true}}
                  ],
                  "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
                  "parallel_tool_calls": false,
                  "response_format": {"type": "json_schema", "json_schema": {
                    "name": "weather",
                    "schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
                    "strict": true}},
                  "temperature": 0.2,
                  "top_p": 0.9,
                  "max_completion_tokens": 256,
                  "stop": ["END"],
                  "seed": 42,
                  "user": "user-7",
                  "reasoning_effort": "low",
                  "reasoning_format": "parsed",
                  "n": 2,
                  "logprobs": true,
                  "top_logprobs": 3,
                  "service_tier": "flex",
                  "include_reasoning": false,
                  "stream": true,
                  "stream_options": {"include_usage": true}
                }
                """));
    }

    @Test
    void writesOnlyModelAndMessagesForAMinimalRequestInAFixedOrder() {
        byte[] body = RequestEncoder.encode(minimal().build(), null, false, OPENAI);

        assertThat(new String(body, StandardCharsets.UTF_8))
                .isEqualTo("{\"model\":\"llama-3.3-70b-versatile\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    }

    @Test
    void theModelArgumentOverridesTheRequestModel() {
        byte[] body = RequestEncoder.encode(minimal().build(), "llama-3.1-8b-instant", false, OPENAI);

        assertThat(json(new String(body, StandardCharsets.UTF_8)).getString("model")).isEqualTo("llama-3.1-8b-instant");
    }

    @Test
    void aRequestWithoutAnyModelIsRejectedNamingTheField() {
        ChatRequest request = ChatRequest.builder().addUserMessage("Hi").build();

        assertThatThrownBy(() -> RequestEncoder.encode(request, null, false, OPENAI))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.category()).isEqualTo(ErrorTaxonomy.INVALID_REQUEST);
                    assertThat(e.param()).isEqualTo("model");
                });
    }

    static Stream<Arguments> fieldsGroqDoesNotAccept() {
        return Stream.of(
                Arguments.of("logprobs", "logprobs", (UnaryOperator<ChatRequest.Builder>) b -> b.logprobs(true)),
                Arguments.of("logprobs", "logprobs", (UnaryOperator<ChatRequest.Builder>) b -> b.logprobs(false)),
                Arguments.of("logit_bias", "extensions[\"logit_bias\"]",
                        (UnaryOperator<ChatRequest.Builder>) b -> b.extension("logit_bias", Map.of("50256", -100))),
                Arguments.of("frequency_penalty", "extensions[\"frequency_penalty\"]",
                        (UnaryOperator<ChatRequest.Builder>) b -> b.extension("frequency_penalty", 0.5)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldsGroqDoesNotAccept")
    void aSetFieldTheProviderDoesNotAcceptIsRejectedBeforeSendingNamingIt(
            String key, String javaField, UnaryOperator<ChatRequest.Builder> set) {
        ChatRequest request = set.apply(minimal()).build();

        assertThatThrownBy(() -> RequestEncoder.encode(request, null, false, GROQ))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.category()).isEqualTo(ErrorTaxonomy.INVALID_REQUEST);
                    assertThat(e.provider()).isEqualTo("groq");
                    assertThat(e.param()).isEqualTo(key);
                    assertThat(e.getMessage()).contains("groq does not accept '" + key + "'")
                            .contains("(ChatRequest." + javaField + ")");
                });
    }

    @Test
    void topLogprobsIsRejectedWhenOnlyLogprobsIsAllowed() {
        WireOptions options = new WireOptions("vllm", Set.of("model", "messages", "logprobs"),
                WireOptions.MAX_TOKENS, false);
        ChatRequest request = minimal().logprobs(true).topLogprobs(2).build();

        assertThatThrownBy(() -> RequestEncoder.encode(request, null, false, options))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.param()).isEqualTo("top_logprobs");
                    assertThat(e.getMessage()).contains("(ChatRequest.topLogprobs)");
                });
    }

    @Test
    void choicesAreRejectedWhenTheProviderDoesNotAcceptN() {
        WireOptions noN = new WireOptions("tiny", Set.of("model", "messages"), WireOptions.MAX_TOKENS, false);
        ChatRequest request = minimal().choices(2).build();

        assertThatThrownBy(() -> RequestEncoder.encode(request, null, false, noN))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.param()).isEqualTo("n");
                    assertThat(e.getMessage()).contains("tiny does not accept 'n' (ChatRequest.choices)");
                });
    }

    @Test
    void anAllowedExtensionIsWrittenAsJson() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("mode", "fast");
        nested.put("sizes", List.of(1, 2.5, true));
        nested.put("none", null);
        ChatRequest request = minimal().extension("search_settings", nested).extension("include_reasoning", true)
                .build();
        WireOptions options = new WireOptions("groq", union(GROQ.allowedFields(), Set.of("search_settings")),
                WireOptions.MAX_COMPLETION_TOKENS, false);

        JsonObject body = encode(request, false, options);

        assertThat(body.get("search_settings"))
                .isEqualTo(json("{\"mode\":\"fast\",\"sizes\":[1,2.5,true],\"none\":null}"));
        assertThat(body.getBoolean("include_reasoning")).isTrue();
    }

    @Test
    void anExtensionCannotOverwriteAFieldTheEncoderWrites() {
        ChatRequest request = minimal().temperature(0.5).extension("temperature", 1.5).build();

        assertThatThrownBy(() -> RequestEncoder.encode(request, null, false, OPENAI))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.category()).isEqualTo(ErrorTaxonomy.INVALID_REQUEST);
                    assertThat(e.param()).isEqualTo("temperature");
                });
        ChatRequest streamOverride = minimal().extension("stream", true).build();
        assertThatThrownBy(() -> RequestEncoder.encode(streamOverride, null, false, OPENAI))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.param()).isEqualTo("stream"));
    }

    @Test
    void anExtensionValueOfAnUnsupportedTypeIsRejectedNamingIt() {
        ChatRequest request = minimal().extension("metadata", Map.of("when", new Object())).build();
        WireOptions options = new WireOptions("openai", union(EVERYTHING, Set.of("metadata")),
                WireOptions.MAX_COMPLETION_TOKENS, false);

        assertThatThrownBy(() -> RequestEncoder.encode(request, null, false, options))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.category()).isEqualTo(ErrorTaxonomy.INVALID_REQUEST);
                    assertThat(e.param()).isEqualTo("extensions[\"metadata\"].when");
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("maxTokenFields")
    void maxOutputTokensGoesUnderTheProvidersMaxTokensField(String field, String absent) {
        WireOptions options = new WireOptions("p", Set.of("model", "messages", field), field, false);

        JsonObject body = encode(minimal().maxOutputTokens(100).build(), false, options);

        assertThat(body.getInt(field)).isEqualTo(100);
        assertThat(body).doesNotContainKey(absent);
    }

    static Stream<Arguments> maxTokenFields() {
        return Stream.of(Arguments.of("max_completion_tokens", "max_tokens"),
                Arguments.of("max_tokens", "max_completion_tokens"));
    }

    @Test
    void maxOutputTokensIsRejectedWhenTheMaxTokensFieldIsNotAllowed() {
        WireOptions options = new WireOptions("p", Set.of("model", "messages", "max_completion_tokens"),
                WireOptions.MAX_TOKENS, false);

        assertThatThrownBy(() -> RequestEncoder.encode(minimal().maxOutputTokens(10).build(), null, false, options))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.param()).isEqualTo("max_tokens");
                    assertThat(e.getMessage()).contains("ChatRequest.maxOutputTokens");
                });
    }

    static Stream<Arguments> streamOptionsCases() {
        Set<String> withOptions = Set.of("model", "messages", "stream", "stream_options");
        Set<String> withoutOptions = Set.of("model", "messages", "stream");
        return Stream.of(
                Arguments.of("streaming, usage wanted and allowed", true, true, withOptions, true, true),
                Arguments.of("streaming, usage not wanted", true, false, withOptions, true, false),
                Arguments.of("streaming, stream_options not allowed", true, true, withoutOptions, true, false),
                Arguments.of("not streaming", false, true, withOptions, false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamOptionsCases")
    void streamOptionsAreWrittenOnlyWhenStreamingAndWantedAndAllowed(String name, boolean stream,
            boolean streamUsage, Set<String> allowed, boolean expectStream, boolean expectOptions) {
        WireOptions options = new WireOptions("p", allowed, WireOptions.MAX_TOKENS, streamUsage);

        JsonObject body = encode(minimal().build(), stream, options);

        assertThat(body.containsKey("stream")).isEqualTo(expectStream);
        if (expectStream) {
            assertThat(body.getBoolean("stream")).isTrue();
        }
        assertThat(body.containsKey("stream_options")).isEqualTo(expectOptions);
        if (expectOptions) {
            assertThat(body.get("stream_options")).isEqualTo(json("{\"include_usage\":true}"));
        }
    }

    @Test
    void aUserMessageWithImagesBecomesAnArrayOfParts() {
        ChatRequest request = ChatRequest.builder().model("gpt-4o")
                .addMessage(Message.user(List.of(ContentPart.text("What is this?"),
                        new ContentPart.Image("https://example.com/cat.png", "low"),
                        ContentPart.image("data:image/png;base64,iVBORw0KGgo="))))
                .build();

        JsonObject body = encode(request, false, OPENAI);

        assertThat(body.getJsonArray("messages").get(0)).isEqualTo(json("""
                {"role": "user", "content": [
                  {"type": "text", "text": "What is this?"},
                  {"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "low"}},
                  {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
                ]}
                """));
    }

    @Test
    void severalTextPartsStayAnArray() {
        ChatRequest request = ChatRequest.builder().model("m")
                .addMessage(Message.user(List.of(ContentPart.text("a"), ContentPart.text("b")))).build();

        JsonObject body = encode(request, false, OPENAI);

        assertThat(body.getJsonArray("messages").getJsonObject(0).getJsonArray("content")).hasSize(2);
    }

    @Test
    void toolResultsAndAssistantTextAreWrittenWithTheirRoles() {
        ChatRequest request = ChatRequest.builder().model("m")
                .addUserMessage("Two cities")
                .addMessage(Message.assistant("Checking both.", List.of(
                        new ToolCall("call_a", "get_weather", "{\"city\":\"Oslo\"}"),
                        new ToolCall("call_b", "get_weather", ""))))
                .addMessage(Message.toolResult("call_a", "cold"))
                .addMessage(Message.toolResult("call_b", "warm"))
                .build();

        JsonObject body = encode(request, false, OPENAI);

        assertThat(body.getJsonArray("messages").subList(1, 4)).containsExactly(
                json("""
                        {"role": "assistant", "content": "Checking both.", "tool_calls": [
                          {"id": "call_a", "type": "function",
                           "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Oslo\\"}"}},
                          {"id": "call_b", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
                        ]}"""),
                json("{\"role\":\"tool\",\"tool_call_id\":\"call_a\",\"content\":\"cold\"}"),
                json("{\"role\":\"tool\",\"tool_call_id\":\"call_b\",\"content\":\"warm\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("toolChoices")
    void toolChoiceIsWrittenAsTheWireExpects(ToolChoice choice, String expected) {
        ChatRequest request = minimal().addTool(Tool.function("f", null, null)).toolChoice(choice).build();

        JsonObject body = encode(request, false, OPENAI);

        assertThat(body.get("tool_choice").toString()).isEqualTo(expected);
        assertThat(body.getJsonArray("tools").get(0)).isEqualTo(json("{\"type\":\"function\",\"function\":{\"name\":\"f\"}}"));
    }

    static Stream<Arguments> toolChoices() {
        return Stream.of(Arguments.of(ToolChoice.auto(), "\"auto\""), Arguments.of(ToolChoice.none(), "\"none\""),
                Arguments.of(ToolChoice.required(), "\"required\""),
                Arguments.of(ToolChoice.function("f"), "{\"type\":\"function\",\"function\":{\"name\":\"f\"}}"));
    }

    @Test
    void responseFormatJsonObjectIsWrittenAndTextIsOmitted() {
        assertThat(encode(minimal().responseFormat(ResponseFormat.jsonObject()).build(), false, OPENAI)
                .get("response_format")).isEqualTo(json("{\"type\":\"json_object\"}"));
        WireOptions noFormat = new WireOptions("p", Set.of("model", "messages"), WireOptions.MAX_TOKENS, false);
        assertThat(encode(minimal().responseFormat(ResponseFormat.text()).build(), false, noFormat))
                .doesNotContainKey("response_format");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSchemas")
    void toolParametersThatAreNotAJsonObjectAreRejectedNamingTheToolIndex(String name, String parameters) {
        ChatRequest request = minimal()
                .addTool(Tool.function("ok", null, WEATHER_SCHEMA))
                .addTool(Tool.function("broken", null, parameters))
                .build();

        assertThatThrownBy(() -> RequestEncoder.encode(request, null, false, OPENAI))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.category()).isEqualTo(ErrorTaxonomy.INVALID_REQUEST);
                    assertThat(e.param()).isEqualTo("tools[1].parameters");
                    assertThat(e.getMessage()).contains("tools[1].parameters");
                });
    }

    static Stream<Arguments> badSchemas() {
        return Stream.of(Arguments.of("unclosed", "{\"type\":\"object\""), Arguments.of("not json", "type: object"),
                Arguments.of("trailing text", "{\"type\":\"object\"} extra"), Arguments.of("an array", "[1,2]"));
    }

    @Test
    void aResponseFormatSchemaThatIsNotJsonIsRejectedNamingTheField() {
        ChatRequest request = minimal().responseFormat(ResponseFormat.jsonSchema("s", "{nope", false)).build();

        assertThatThrownBy(() -> RequestEncoder.encode(request, null, false, OPENAI))
                .isInstanceOfSatisfying(LlmException.class,
                        e -> assertThat(e.param()).isEqualTo("responseFormat.schema"));
    }

    @Test
    void textIsEscapedAndWrittenAsUtf8() {
        String text = "Quote \" backslash \\ newline \n emoji \uD83D\uDE00 accent é";
        byte[] body = RequestEncoder.encode(ChatRequest.of("m", text), null, false, OPENAI);

        assertThat(json(new String(body, StandardCharsets.UTF_8)).getJsonArray("messages").getJsonObject(0)
                .getString("content")).isEqualTo(text);
    }

    @Test
    void wireOptionsRejectAnUnknownMaxTokensField() {
        assertThatThrownBy(() -> new WireOptions("p", Set.of(), "max_output_tokens", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTokensField");
    }

    /** The bytes Parsson's generator writes through an OutputStreamWriter, as the encoder once did. */
    private static byte[] viaOutputStreamWriter(String model, String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (jakarta.json.stream.JsonGenerator g = WireJson.PROVIDER.createGeneratorFactory(Map.of())
                .createGenerator(out, StandardCharsets.UTF_8)) {
            g.writeStartObject().write("model", model).writeKey("messages").writeStartArray()
                    .writeStartObject().write("role", "user").write("content", text).writeEnd()
                    .writeEnd().writeEnd();
        }
        return out.toByteArray();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("texts")
    void theBodyIsByteForByteWhatAnOutputStreamWriterWrites(String name, String text) {
        byte[] body = RequestEncoder.encode(ChatRequest.of("m", text), null, false, OPENAI);

        assertThat(body).isEqualTo(viaOutputStreamWriter("m", text));
    }

    static Stream<Arguments> texts() {
        return Stream.of(
                Arguments.of("ascii", "Hi"),
                Arguments.of("non-ASCII first", "é then ascii"),
                Arguments.of("emoji", "emoji \uD83D\uDE00 and 日本語"),
                Arguments.of("lone high surrogate", "broken \uD83D here"),
                Arguments.of("lone low surrogate at the end", "broken \uDE00"),
                Arguments.of("long ascii", "x".repeat(20_000)),
                Arguments.of("non-ASCII after the generator's first flush",
                        "y".repeat(5_000) + "ü\uD83D\uDE00" + "z".repeat(9_000)),
                Arguments.of("surrogate pair across the generator's buffer",
                        "a".repeat(4_060) + "\uD83D\uDE00".repeat(40)));
    }

    @Test
    void theSizeHintCoversAnAsciiBodySoItsBufferNeverGrows() {
        String text = "x".repeat(5_000);
        ChatRequest request = ChatRequest.builder().model("m")
                .addMessage(Message.system(text))
                .addUserMessage(text + text)
                .addMessage(Message.assistant(null, List.of(new ToolCall("call_1", "lookup", "{\"q\":\"" + text + "\"}"))))
                .addMessage(Message.toolResult("call_1", text))
                .addTool(Tool.function("lookup", text, "{\"type\":\"object\"}"))
                .temperature(0.5).maxOutputTokens(100).stop(List.of("a", "b"))
                .build();
        ChatRequest small = ChatRequest.of("m", "hi");

        for (ChatRequest r : List.of(request, small)) {
            byte[] body = RequestEncoder.encode(r, null, true, OPENAI);
            assertThat(RequestEncoder.sizeHint(r)).as("hint for %d bytes", body.length)
                    .isGreaterThanOrEqualTo(body.length)
                    .isLessThan(body.length + 1_024);
        }
    }
}
