package dev.multillm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multillm.core.internal.wire.ChunkDecoder;
import dev.multillm.core.internal.wire.DecodedChunk;
import dev.multillm.core.internal.wire.ResponseDecoder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChunkAccumulatorTest {
    private final ChunkAccumulator acc = new ChunkAccumulator();

    private static ChatChunk calls(ToolCallDelta... deltas) {
        return new ChatChunk(0, null, null, null, List.of(deltas), null, null, null);
    }

    private static ChatChunk usage(Usage usage) {
        return new ChatChunk(0, null, null, null, List.of(), null, usage, null);
    }

    private static ChatChunk finish(FinishReason reason) {
        return new ChatChunk(0, null, null, null, List.of(), reason, null, null);
    }

    private ChatResponse response() {
        return acc.toResponse("p", "m", "id", null, null, null, null);
    }

    /** What a provider's stream loop does with each {@code data:} payload. */
    private static void feed(ChunkAccumulator into, String data) {
        DecodedChunk decoded = ChunkDecoder.decode(data);
        decoded.chunks().forEach(into::add);
        if (decoded.usage() != null) {
            into.add(new ChatChunk(0, null, null, null, List.of(), null, decoded.usage(), decoded.model()));
        }
    }

    @Test
    void assemblesInterleavedParallelToolCallsByIndex() {
        acc.add(calls(new ToolCallDelta(0, "call_a", "get_weather", "")));
        acc.add(calls(new ToolCallDelta(1, "call_b", "get_time", "")));
        acc.add(calls(new ToolCallDelta(0, null, null, "{\"city\":")));
        acc.add(calls(new ToolCallDelta(1, null, null, "{\"tz\":")));
        acc.add(calls(new ToolCallDelta(1, null, null, "\"CET\"}"), new ToolCallDelta(0, null, null, "\"Oslo\"}")));
        acc.add(finish(FinishReason.TOOL_CALLS));

        assertThat(response().toolCalls()).containsExactly(
                new ToolCall("call_a", "get_weather", "{\"city\":\"Oslo\"}"),
                new ToolCall("call_b", "get_time", "{\"tz\":\"CET\"}"));
        assertThat(response().finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    }

    @Test
    void ordersCallsByIndexEvenWhenALaterIndexStartsFirst() {
        acc.add(calls(new ToolCallDelta(1, "call_b", "g", "{}")));
        acc.add(calls(new ToolCallDelta(0, "call_a", "f", "{}")));

        assertThat(acc.toolCalls()).extracting(ToolCall::id).containsExactly("call_a", "call_b");
    }

    @Test
    void takesIdAndNameFromTheFirstFragmentThatHasThem() {
        acc.add(calls(new ToolCallDelta(0, null, null, "")));
        acc.add(calls(new ToolCallDelta(0, "call_late", "f", "{")));
        acc.add(calls(new ToolCallDelta(0, "call_late", "f", "}")));

        assertThat(acc.toolCalls()).containsExactly(new ToolCall("call_late", "f", "{}"));
    }

    @Test
    void assemblesByIdWhenTheIndexIsMissing() {
        acc.add(calls(new ToolCallDelta(null, "call_a", "f", "{\"x\"")));
        acc.add(calls(new ToolCallDelta(null, "call_b", "g", "{\"y\":")));
        acc.add(calls(new ToolCallDelta(null, "call_a", null, ":1}")));
        acc.add(calls(new ToolCallDelta(null, "call_b", null, "2")));
        acc.add(calls(new ToolCallDelta(null, null, null, "}")));

        assertThat(acc.toolCalls()).containsExactly(
                new ToolCall("call_a", "f", "{\"x\":1}"),
                new ToolCall("call_b", "g", "{\"y\":2}"));
    }

    @Test
    void aFragmentWithNeitherIndexNorIdContinuesTheLastCall() {
        acc.add(calls(new ToolCallDelta(null, "call_a", "f", "{\"a\"")));
        acc.add(calls(new ToolCallDelta(null, null, null, ":1}")));

        assertThat(acc.toolCalls()).containsExactly(new ToolCall("call_a", "f", "{\"a\":1}"));
    }

    @Test
    void aRepeatedIndexWithANewIdStartsANewCall() {
        acc.add(calls(new ToolCallDelta(0, "call_a", "f", "{\"n\":")));
        acc.add(calls(new ToolCallDelta(0, null, null, "1}")));
        acc.add(calls(new ToolCallDelta(0, "call_b", "f", "{\"n\":")));
        acc.add(calls(new ToolCallDelta(0, null, null, "2}")));

        assertThat(acc.toolCalls()).containsExactly(
                new ToolCall("call_a", "f", "{\"n\":1}"),
                new ToolCall("call_b", "f", "{\"n\":2}"));
    }

    @Test
    void aRepeatedIndexWithTheSameIdStaysOneCall() {
        acc.add(calls(new ToolCallDelta(0, "call_a", "f", "{\"n\":")));
        acc.add(calls(new ToolCallDelta(0, "call_a", "f", "1}")));

        assertThat(acc.toolCalls()).containsExactly(new ToolCall("call_a", "f", "{\"n\":1}"));
    }

    @Test
    void toleratesAnEmptyTypeAndEmptyIdOnTheWire() {
        feed(acc, "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\"}}]}}]}");
        feed(acc, "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"\",\"type\":\"\","
                + "\"function\":{\"name\":\"\",\"arguments\":\"\\\":true}\"}}]}}]}");

        assertThat(acc.toolCalls()).containsExactly(new ToolCall("call_1", "f", "{\"a\":true}"));
    }

    @Test
    void concatenatesArgumentsSplitInsideKeysAndValues() {
        for (String piece : List.of("{\"lo", "cat", "ion\":\"Pa", "ris, Fr", "ance\",\"un", "it\":\"c\"}")) {
            acc.add(calls(new ToolCallDelta(0, piece.startsWith("{") ? "call_1" : null,
                    piece.startsWith("{") ? "get_weather" : null, piece)));
        }

        assertThat(acc.toolCalls()).containsExactly(
                new ToolCall("call_1", "get_weather", "{\"location\":\"Paris, France\",\"unit\":\"c\"}"));
    }

    @Test
    void keepsArgumentsThatAreNotValidJsonRaw() {
        acc.add(calls(new ToolCallDelta(0, "call_1", "f", "{\"city\": \"Par")));
        acc.add(finish(FinishReason.LENGTH));

        ChatResponse response = response();
        assertThat(response.toolCalls()).containsExactly(new ToolCall("call_1", "f", "{\"city\": \"Par"));
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void aCallWithoutIdGetsThePositionalId() {
        acc.add(calls(new ToolCallDelta(0, null, "f", "{}")));
        acc.add(calls(new ToolCallDelta(1, null, "g", "{}")));

        assertThat(acc.toolCalls()).extracting(ToolCall::id).containsExactly("call_0", "call_1");
    }

    @Test
    void aCallWhoseNameHasNotArrivedIsLeftOutOfAPartialResponse() {
        acc.add(calls(new ToolCallDelta(0, "call_1", "f", "{}")));
        acc.add(calls(new ToolCallDelta(1, "call_2", null, "{")));

        assertThat(acc.toolCalls()).containsExactly(new ToolCall("call_1", "f", "{}"));
        assertThat(response().toolCalls()).containsExactly(new ToolCall("call_1", "f", "{}"));
    }

    @Test
    void aFinishedChoiceWithACallThatNeverGotANameIsAnInvalidResponse() {
        acc.add(calls(new ToolCallDelta(0, "call_1", null, "{}")));
        acc.add(finish(FinishReason.TOOL_CALLS));

        assertThat(acc.toolCalls()).isEmpty();
        assertThatThrownBy(this::response).isInstanceOfSatisfying(LlmException.class, e -> {
            assertThat(e.category()).isEqualTo(ErrorTaxonomy.INVALID_RESPONSE);
            assertThat(e.getMessage()).contains("call_1").contains("function name");
        });
    }

    @Test
    void usageIsTheLastReportedNeverASum() {
        acc.add(ChatChunk.content("hi"));
        acc.add(usage(Usage.of(18, 556)));
        acc.add(usage(Usage.NOT_REPORTED));
        acc.add(usage(Usage.of(18, 556)));

        assertThat(response().usage()).isEqualTo(Usage.of(18, 556));
    }

    @Test
    void usageIsNotReportedWhenNoChunkCarriedIt() {
        acc.add(ChatChunk.content("hi"));

        assertThat(response().usage()).isEqualTo(Usage.NOT_REPORTED);
        assertThat(acc.usage().reported()).isFalse();
    }

    @Test
    void groqsUsageAndXGroqUsageInTheSameStreamAreCountedOnce() {
        feed(acc, "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}],\"x_groq\":{\"id\":\"req_1\"}}");
        feed(acc, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2},"
                + "\"x_groq\":{\"id\":\"req_1\",\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2}}}");

        assertThat(response().usage()).isEqualTo(Usage.of(10, 2));
    }

    @Test
    void concatenatesContentReasoningAndRefusalAndReportsOutput() {
        acc.add(new ChatChunk(0, "", null, null, List.of(), null, null, "qwen"));
        assertThat(acc.hasOutput()).isFalse();
        assertThat(acc.content()).isNull();

        acc.add(new ChatChunk(0, null, "Think", null, List.of(), null, null, null));
        acc.add(new ChatChunk(0, null, "ing.", null, List.of(), null, null, null));
        acc.add(ChatChunk.content("Hel"));
        acc.add(ChatChunk.content("lo"));
        assertThat(acc.hasOutput()).isTrue();
        assertThat(acc.content()).isEqualTo("Hello");

        ChatResponse response = acc.toResponse("groq", null, "chatcmpl-1", "req_1", null, null, Map.of("k", "v"));
        assertThat(response.content()).isEqualTo("Hello");
        assertThat(response.reasoning()).isEqualTo("Thinking.");
        assertThat(response.refusal()).isNull();
        assertThat(response.model()).as("the chunks' model when none is given").isEqualTo("qwen");
        assertThat(response.id()).isEqualTo("chatcmpl-1");
        assertThat(response.requestId()).isEqualTo("req_1");
        assertThat(response.metadata()).containsEntry("k", "v");
    }

    @Test
    void aRefusalAloneIsOutput() {
        acc.add(new ChatChunk(0, null, null, "I can't", List.of(), null, null, null));
        acc.add(new ChatChunk(0, null, null, " help.", List.of(), null, null, null));

        assertThat(acc.hasOutput()).isTrue();
        assertThat(response().refusal()).isEqualTo("I can't help.");
        assertThat(response().content()).isNull();
    }

    @Test
    void foldsEveryChoiceSeparately() {
        acc.add(new ChatChunk(1, "B", null, null, List.of(), null, null, null));
        acc.add(new ChatChunk(0, "A", null, null, List.of(), null, null, null));
        acc.add(new ChatChunk(1, "b", null, null, List.of(), FinishReason.LENGTH, null, null));
        acc.add(new ChatChunk(0, "a", null, null, List.of(), FinishReason.STOP, null, null));

        assertThat(response().choices()).containsExactly(
                new Choice(0, "Aa", null, null, List.of(), FinishReason.STOP),
                new Choice(1, "Bb", null, null, List.of(), FinishReason.LENGTH));
    }

    @Test
    void foldsChoicesInIndexOrderWhenChoiceZeroNeverCame() {
        acc.add(new ChatChunk(2, "C", null, null, List.of(), FinishReason.STOP, null, null));
        acc.add(new ChatChunk(1, "B", null, null, List.of(), FinishReason.STOP, null, null));

        assertThat(response().choices()).extracting(Choice::index, Choice::content)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "B"), org.assertj.core.groups.Tuple.tuple(2, "C"));
        assertThat(acc.content()).isNull();
        assertThat(acc.toolCalls()).isEmpty();
    }

    @Test
    void anEmptyStreamFoldsToOneEmptyChoice() {
        RateLimitSnapshot limits = new RateLimitSnapshot(30L, 29L, Duration.ofSeconds(2), null, null, null);
        List<Attempt> attempts = List.of(Attempt.ok("p", "m", 200, Duration.ofMillis(5)));

        ChatResponse response = acc.toResponse("p", "m", null, null, limits, attempts, null);

        assertThat(response.choices()).containsExactly(new Choice(0, null, null, null, List.of(), null));
        assertThat(response.rateLimit()).isEqualTo(limits);
        assertThat(response.attempts()).isEqualTo(attempts);
        assertThat(acc.hasOutput()).isFalse();
    }

    @Test
    void rejectsANullChunk() {
        assertThatThrownBy(() -> acc.add(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chunk");
    }

    static Stream<Arguments> streamedAndWholeBodies() {
        return Stream.of(
                Arguments.of("OpenAI parallel tool calls, usage chunk", List.of(
                        "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,"
                                + "\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":"
                                + "{\"name\":\"get_weather\",\"arguments\":\"\"}}],\"refusal\":null},\"logprobs\":null,"
                                + "\"finish_reason\":null}],\"usage\":null}",
                        "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":"
                                + "[{\"index\":0,\"function\":{\"arguments\":\"{\\\"lo\"}}]},\"finish_reason\":null}],\"usage\":null}",
                        "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":"
                                + "[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"get_time\","
                                + "\"arguments\":\"\"}}]},\"finish_reason\":null}],\"usage\":null}",
                        "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":"
                                + "[{\"index\":1,\"function\":{\"arguments\":\"{\\\"tz\\\":\\\"UTC\\\"}\"}}]},\"finish_reason\":null}],"
                                + "\"usage\":null}",
                        "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":"
                                + "[{\"index\":0,\"function\":{\"arguments\":\"cation\\\":\\\"Paris\\\"}\"}}]},"
                                + "\"finish_reason\":null}],\"usage\":null}",
                        "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},"
                                + "\"finish_reason\":\"tool_calls\"}],\"usage\":null}",
                        "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":82,"
                                + "\"completion_tokens\":40,\"total_tokens\":122,\"prompt_tokens_details\":"
                                + "{\"cached_tokens\":64},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}"),
                        """
                        {"id":"chatcmpl-9","object":"chat.completion","created":1,"model":"gpt-4o",
                         "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,
                           "tool_calls":[
                             {"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}"}},
                             {"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{\\"tz\\":\\"UTC\\"}"}}]},
                           "logprobs":null,"finish_reason":"tool_calls"}],
                         "usage":{"prompt_tokens":82,"completion_tokens":40,"total_tokens":122,
                           "prompt_tokens_details":{"cached_tokens":64},"completion_tokens_details":{"reasoning_tokens":0}}}
                        """),
                Arguments.of("Groq reasoning and content, x_groq usage", List.of(
                        "{\"id\":\"chatcmpl-g\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"qwen/qwen3-32b\","
                                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                                + "\"logprobs\":null,\"finish_reason\":null}],\"x_groq\":{\"id\":\"req_g\"}}",
                        "{\"id\":\"chatcmpl-g\",\"model\":\"qwen/qwen3-32b\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{\"reasoning\":\"Two plus \"},\"finish_reason\":null}]}",
                        "{\"id\":\"chatcmpl-g\",\"model\":\"qwen/qwen3-32b\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{\"reasoning\":\"two.\"},\"finish_reason\":null}]}",
                        "{\"id\":\"chatcmpl-g\",\"model\":\"qwen/qwen3-32b\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{\"content\":\"4\"},\"finish_reason\":null}]}",
                        "{\"id\":\"chatcmpl-g\",\"model\":\"qwen/qwen3-32b\",\"choices\":[{\"index\":0,\"delta\":{},"
                                + "\"finish_reason\":\"stop\"}],\"x_groq\":{\"id\":\"req_g\",\"usage\":{\"queue_time\":0.1,"
                                + "\"prompt_tokens\":15,\"prompt_time\":0.01,\"completion_tokens\":9,\"completion_time\":0.02,"
                                + "\"total_tokens\":24,\"total_time\":0.03}}}"),
                        """
                        {"id":"chatcmpl-g","object":"chat.completion","created":1,"model":"qwen/qwen3-32b",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"4","reasoning":"Two plus two."},
                           "logprobs":null,"finish_reason":"stop"}],
                         "usage":{"queue_time":0.1,"prompt_tokens":15,"prompt_time":0.01,"completion_tokens":9,
                           "completion_time":0.02,"total_tokens":24,"total_time":0.03},
                         "x_groq":{"id":"req_g"}}
                        """),
                Arguments.of("Groq tool call in one piece, no content", List.of(
                        "{\"id\":\"chatcmpl-t\",\"model\":\"llama-3.3-70b-versatile\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{\"role\":\"assistant\",\"content\":null},\"finish_reason\":null}],"
                                + "\"x_groq\":{\"id\":\"req_t\"}}",
                        "{\"id\":\"chatcmpl-t\",\"model\":\"llama-3.3-70b-versatile\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{\"tool_calls\":[{\"id\":\"call_d5wg\",\"type\":\"function\",\"function\":"
                                + "{\"name\":\"calculate\",\"arguments\":\"{\\\"expression\\\":\\\"25 * 4\\\"}\"},\"index\":0}]},"
                                + "\"finish_reason\":null}]}",
                        "{\"id\":\"chatcmpl-t\",\"model\":\"llama-3.3-70b-versatile\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{},\"finish_reason\":\"tool_calls\"}],\"x_groq\":{\"id\":\"req_t\","
                                + "\"usage\":{\"prompt_tokens\":300,\"completion_tokens\":20}}}"),
                        """
                        {"id":"chatcmpl-t","object":"chat.completion","created":1,"model":"llama-3.3-70b-versatile",
                         "choices":[{"index":0,"message":{"role":"assistant","tool_calls":[
                           {"id":"call_d5wg","type":"function","function":{"name":"calculate","arguments":"{\\"expression\\":\\"25 * 4\\"}"}}]},
                           "logprobs":null,"finish_reason":"tool_calls"}],
                         "usage":{"prompt_tokens":300,"completion_tokens":20},"x_groq":{"id":"req_t"}}
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamedAndWholeBodies")
    void theStreamedResultEqualsTheNonStreamedOne(String name, List<String> payloads, String wholeBody) {
        String id = null;
        String model = null;
        for (String payload : payloads) {
            DecodedChunk decoded = ChunkDecoder.decode(payload);
            id = decoded.id() != null ? decoded.id() : id;
            model = decoded.model() != null ? decoded.model() : model;
            feed(acc, payload);
        }
        ChatResponse streamed = acc.toResponse("p", model, id, null, null, null, null);
        ChatResponse whole = ResponseDecoder.decode(wholeBody, "p").build();

        assertThat(streamed.choices()).isEqualTo(whole.choices());
        assertThat(streamed.usage()).isEqualTo(whole.usage());
        assertThat(streamed.id()).isEqualTo(whole.id());
        assertThat(streamed.model()).isEqualTo(whole.model());
        assertThat(streamed.usage().reported()).isTrue();
    }
}
