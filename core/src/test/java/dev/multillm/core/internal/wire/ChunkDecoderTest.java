package dev.multillm.core.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.FinishReason;
import dev.multillm.core.LlmException;
import dev.multillm.core.ToolCallDelta;
import dev.multillm.core.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkDecoderTest {

    private static ChatChunk only(DecodedChunk decoded) {
        assertThat(decoded.chunks()).hasSize(1);
        return decoded.chunks().get(0);
    }

    @Test
    void reusesTheStreamsKnownIdAndModelStringsWhenTheyRepeat() {
        String knownId = new String("chatcmpl-123");
        String knownModel = new String("gpt-4o-mini");
        byte[] data = """
                {"id":"chatcmpl-123","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hi"}}]}"""
                .getBytes(StandardCharsets.UTF_8);

        DecodedChunk decoded = ChunkDecoder.decode(data, 0, data.length, knownId, knownModel);

        assertThat(decoded.id()).isSameAs(knownId);
        assertThat(decoded.model()).isSameAs(knownModel);
        assertThat(only(decoded).model()).isSameAs(knownModel);
    }

    @Test
    void readsNewStringsWhenTheIdOrModelDiffersFromTheKnownOnes() {
        byte[] data = """
                {"id":"chatcmpl-124","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hi"}}]}"""
                .getBytes(StandardCharsets.UTF_8);

        DecodedChunk decoded = ChunkDecoder.decode(data, 0, data.length, "chatcmpl-123", "gpt-4o-mini");

        assertThat(decoded.id()).isEqualTo("chatcmpl-124");
        assertThat(decoded.model()).isEqualTo("gpt-4o");
    }

    @Test
    void readsAContentDelta() {
        DecodedChunk decoded = ChunkDecoder.decode("""
                {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini",
                 "system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":"Hello"},
                 "logprobs":null,"finish_reason":null}],"usage":null}""");

        assertThat(decoded.id()).isEqualTo("chatcmpl-123");
        assertThat(decoded.model()).isEqualTo("gpt-4o-mini");
        assertThat(decoded.usage()).isNull();
        assertThat(decoded.error()).isNull();
        assertThat(decoded.isError()).isFalse();
        assertThat(only(decoded)).isEqualTo(
                new ChatChunk(0, "Hello", null, null, List.of(), null, null, "gpt-4o-mini"));
    }

    @Test
    void theRoleOnlyFirstChunkIsAChunkWithoutOutput() {
        DecodedChunk decoded = ChunkDecoder.decode("""
                {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini",
                 "choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},
                 "logprobs":null,"finish_reason":null}]}""");

        ChatChunk chunk = only(decoded);
        assertThat(chunk.content()).isNull();
        assertThat(chunk.hasOutput()).isFalse();
        assertThat(chunk.finishReason()).isNull();
    }

    @Test
    void anEmptyFinishReasonIsNoFinishReason() {
        assertThat(only(ChunkDecoder.decode("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},"
                + "\"finish_reason\":\"\"}]}")).finishReason()).isNull();
    }

    @Test
    void readsToolCallFragments() {
        DecodedChunk first = ChunkDecoder.decode("""
                {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o",
                 "choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[
                   {"index":0,"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function",
                    "function":{"name":"get_weather","arguments":""}}],"refusal":null},
                 "logprobs":null,"finish_reason":null}]}""");
        DecodedChunk next = ChunkDecoder.decode("""
                {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o",
                 "choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"loc"}}]},
                 "logprobs":null,"finish_reason":null}]}""");

        assertThat(only(first).toolCalls())
                .containsExactly(new ToolCallDelta(0, "call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather", ""));
        assertThat(only(first).hasOutput()).isTrue();
        assertThat(only(next).toolCalls()).containsExactly(new ToolCallDelta(0, null, null, "{\"loc"));
    }

    @Test
    void readsParallelFragmentsOfOneChunkAndToleratesAnEmptyType() {
        DecodedChunk decoded = ChunkDecoder.decode("""
                {"choices":[{"index":0,"delta":{"tool_calls":[
                  {"index":0,"id":"a","type":"","function":{"name":"f","arguments":"{}"}},
                  {"index":1,"id":"b","function":{"name":"g","arguments":null}},
                  {"id":"c","type":null,"function":{"name":"h"}}]}}]}""");

        assertThat(only(decoded).toolCalls()).containsExactly(
                new ToolCallDelta(0, "a", "f", "{}"),
                new ToolCallDelta(1, "b", "g", ""),
                new ToolCallDelta(null, "c", "h", ""));
    }

    @Test
    void readsTheFinishChunk() {
        DecodedChunk decoded = ChunkDecoder.decode("""
                {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o",
                 "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null}""");

        assertThat(only(decoded).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(only(decoded).hasOutput()).isFalse();
    }

    @Test
    void readsOpenAisUsageOnlyChunkWithEmptyChoices() {
        DecodedChunk decoded = ChunkDecoder.decode("""
                {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini",
                 "system_fingerprint":"fp_44709d6fcb","choices":[],
                 "usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,
                   "prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},
                   "completion_tokens_details":{"reasoning_tokens":256,"audio_tokens":0,
                     "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}""");

        assertThat(decoded.chunks()).isEmpty();
        assertThat(decoded.usage()).isEqualTo(new Usage(2006, 1920, 300, 256, true));
    }

    @Test
    void readsAUsageChunkWhoseChoicesAreNullOrMissing() {
        assertThat(ChunkDecoder.decode("{\"choices\":null,\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}")
                .usage()).isEqualTo(Usage.of(1, 2));
        assertThat(ChunkDecoder.decode("{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}").chunks())
                .isEmpty();
    }

    @Test
    void readsGroqsLastChunkWithXGroqUsage() {
        DecodedChunk decoded = ChunkDecoder.decode("""
                {"id":"chatcmpl-a1b2","object":"chat.completion.chunk","created":1730241104,
                 "model":"llama-3.3-70b-versatile","system_fingerprint":"fp_c5f20b5bb1",
                 "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],
                 "x_groq":{"id":"req_01jbd6g2qdfw2adyrt2az8hz4w",
                   "usage":{"queue_time":0.020358512,"prompt_tokens":18,"prompt_time":0.000906963,
                     "completion_tokens":556,"completion_time":0.463333333,"total_tokens":574,
                     "total_time":0.464240296}}}""");

        assertThat(decoded.groqId()).isEqualTo("req_01jbd6g2qdfw2adyrt2az8hz4w");
        assertThat(decoded.usage()).isEqualTo(Usage.of(18, 556));
        assertThat(only(decoded).finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(only(decoded).usage()).as("chunks never carry usage; the caller reports it once").isNull();
    }

    @ParameterizedTest(name = "usage {0}")
    @ValueSource(strings = {"before x_groq", "after x_groq"})
    void usageAndXGroqUsageInOneChunkCountOnceAndTopLevelWins(String order) {
        String usage = "\"usage\":{\"prompt_tokens\":18,\"completion_tokens\":556,\"total_tokens\":574}";
        String groq = "\"x_groq\":{\"id\":\"req_1\",\"usage\":{\"prompt_tokens\":17,\"completion_tokens\":555}}";
        String body = "{\"choices\":[]," + (order.startsWith("before") ? usage + "," + groq : groq + "," + usage) + "}";

        DecodedChunk decoded = ChunkDecoder.decode(body);

        assertThat(decoded.usage()).isEqualTo(Usage.of(18, 556));
    }

    @Test
    void readsGroqReasoningDeltas() {
        DecodedChunk decoded = ChunkDecoder.decode("""
                {"id":"chatcmpl-r","object":"chat.completion.chunk","created":1,"model":"qwen/qwen3-32b",
                 "choices":[{"index":0,"delta":{"reasoning":"Let me think"},"logprobs":null,"finish_reason":null}],
                 "x_groq":{"id":"req_r"}}""");

        assertThat(only(decoded).reasoning()).isEqualTo("Let me think");
        assertThat(only(decoded).content()).isNull();
        assertThat(only(decoded).hasOutput()).isTrue();
    }

    @Test
    void readsReasoningContentDeltasAndPrefersReasoningWhenBothCome() {
        assertThat(only(ChunkDecoder.decode("""
                {"choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":"Hmm"}}]}"""))
                .reasoning()).isEqualTo("Hmm");
        assertThat(only(ChunkDecoder.decode("""
                {"choices":[{"index":0,"delta":{"reasoning_content":"dup","reasoning":"once"}}]}"""))
                .reasoning()).isEqualTo("once");
    }

    @Test
    void readsARefusalDelta() {
        DecodedChunk decoded = ChunkDecoder.decode("""
                {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o",
                 "choices":[{"index":0,"delta":{"refusal":"I can't"},"logprobs":null,"finish_reason":null}]}""");

        assertThat(only(decoded).refusal()).isEqualTo("I can't");
        assertThat(only(decoded).hasOutput()).isTrue();
    }

    @Test
    void readsOneChunkPerChoiceWithItsIndex() {
        DecodedChunk decoded = ChunkDecoder.decode("""
                {"choices":[{"index":1,"delta":{"content":"B"}},{"index":0,"delta":{"content":"A"}}]}""");

        assertThat(decoded.chunks()).extracting(ChatChunk::choiceIndex, ChatChunk::content)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "B"),
                        org.assertj.core.groups.Tuple.tuple(0, "A"));
    }

    @Test
    void readsAnErrorChunk() {
        DecodedChunk decoded = ChunkDecoder.decode("""
                {"error":{"message":"Failed to call a function. Please adjust your prompt.",
                  "type":"invalid_request_error","code":"tool_use_failed",
                  "failed_generation":"<function=get_weather{\\"city\\": \\"Paris\\"}</function>"}}""");

        assertThat(decoded.isError()).isTrue();
        assertThat(decoded.error().getString("code")).isEqualTo("tool_use_failed");
        assertThat(decoded.error().getString("failed_generation")).startsWith("<function=get_weather");
        assertThat(decoded.chunks()).isEmpty();
    }

    @Test
    void readsAnErrorInsideXGroq() {
        DecodedChunk decoded = ChunkDecoder.decode("""
                {"id":"chatcmpl-e","object":"chat.completion.chunk","created":1,"model":"llama-3.3-70b-versatile",
                 "choices":[],"x_groq":{"id":"req_e","error":{"message":"Service Unavailable",
                   "type":"internal_server_error","code":"service_unavailable"}}}""");

        assertThat(decoded.groqId()).isEqualTo("req_e");
        assertThat(decoded.error().getString("code")).isEqualTo("service_unavailable");
    }

    @Test
    void anErrorGivenAsAStringBecomesAMessage() {
        assertThat(ChunkDecoder.decode("{\"x_groq\":{\"error\":\"over capacity\"}}").error().getString("message"))
                .isEqualTo("over capacity");
        assertThat(ChunkDecoder.decode("{\"error\":null,\"choices\":[]}").error()).isNull();
    }

    @Test
    void skipsUnknownFieldsOfAnyNesting() {
        DecodedChunk decoded = ChunkDecoder.decode("""
                {"unknown":{"a":[1,{"b":[[],{}]},"}"],"c":{"d":{"e":null}}},"id":"x",
                 "choices":[{"index":0,"logprobs":{"content":[{"token":"Hi","logprob":-0.01,"bytes":[72,105],
                   "top_logprobs":[{"token":"Hi","logprob":-0.01,"bytes":[72,105]}]}]},
                   "delta":{"annotations":[{"type":"url_citation","url_citation":{"url":"https://x"}}],
                     "content":"Hi","audio":{"id":"a","data":"AAAA"},"tool_calls":null},
                   "matched_stop":{"nested":[[["deep"]]]},"finish_reason":null},
                   42, null, "stray"],
                 "list":[[1,2],[3,[4,{"x":"]"}]]],"obfuscation":"xyz","x_groq":{"id":"req","other":{"k":[1]}},
                 "usage":null,"flag":true,"num":1.5e3}""");

        assertThat(decoded.id()).isEqualTo("x");
        assertThat(decoded.groqId()).isEqualTo("req");
        assertThat(only(decoded).content()).isEqualTo("Hi");
        assertThat(only(decoded).toolCalls()).isEmpty();
    }

    @Test
    void readsArgumentsSentAsAJsonObjectAsText() {
        DecodedChunk decoded = ChunkDecoder.decode("""
                {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f",
                  "arguments":{"city":"Paris"}}}]}}]}""");

        assertThat(only(decoded).toolCalls()).containsExactly(new ToolCallDelta(0, "c", "f", "{\"city\":\"Paris\"}"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel", "not json", "[]", "\"x\"",
            "{\"id\":}", "{\"id\":\"a\"} {\"id\":\"b\"}", "", "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}"})
    void malformedJsonIsAnInvalidResponse(String data) {
        assertThatThrownBy(() -> ChunkDecoder.decode(data))
                .isInstanceOfSatisfying(LlmException.class,
                        e -> assertThat(e.category()).isEqualTo(ErrorTaxonomy.INVALID_RESPONSE));
    }

    @Test
    void aNegativeTokenCountIsAnInvalidResponse() {
        assertThatThrownBy(() -> ChunkDecoder.decode("{\"usage\":{\"prompt_tokens\":-1,\"completion_tokens\":2}}"))
                .isInstanceOfSatisfying(LlmException.class,
                        e -> assertThat(e.category()).isEqualTo(ErrorTaxonomy.INVALID_RESPONSE));
    }

    @Test
    void theModelMayComeAfterTheChoices() {
        DecodedChunk decoded = ChunkDecoder.decode("{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"model\":\"m\"}");

        assertThat(only(decoded)).isEqualTo(new ChatChunk(0, "a", null, null, List.of(), null, null, "m"));
        assertThat(decoded.model()).isEqualTo("m");
    }

    @Test
    void everyChoiceHasOnlyItsOwnFields() {
        DecodedChunk decoded = ChunkDecoder.decode("""
                {"model":"m","choices":[
                  {"index":0,"delta":{"content":"A","reasoning":"r","refusal":"no","tool_calls":[{"index":0,"id":"c"}]},
                   "finish_reason":"stop"},
                  {"index":4,"delta":{}},
                  {"delta":{"reasoning_content":"rc"}}]}""");

        assertThat(decoded.chunks()).containsExactly(
                new ChatChunk(0, "A", "r", "no", List.of(new ToolCallDelta(0, "c", null, null)), FinishReason.STOP,
                        null, "m"),
                new ChatChunk(4, null, null, null, List.of(), null, null, "m"),
                new ChatChunk(2, null, "rc", null, List.of(), null, null, "m"));
    }

    @Test
    void aRepeatedChoicesKeyReplacesTheEarlierChoices() {
        DecodedChunk replaced = ChunkDecoder.decode("""
                {"choices":[{"index":0,"delta":{"content":"old"},"finish_reason":"stop"},{"delta":{"content":"x"}}],
                 "choices":[{"index":3,"delta":{"refusal":"r"}}]}""");
        DecodedChunk emptied = ChunkDecoder.decode("""
                {"choices":[{"index":0,"delta":{"content":"old"}}],"choices":null}""");

        assertThat(only(replaced)).isEqualTo(new ChatChunk(3, null, null, "r", List.of(), null, null, null));
        assertThat(emptied.chunks()).isEmpty();
    }

    @Test
    void theListsAreImmutable() {
        DecodedChunk decoded = ChunkDecoder.decode("""
                {"choices":[{"delta":{"tool_calls":[{"index":0,"id":"a"},{"index":1,"id":"b"}]}},{"delta":{}}]}""");

        assertThatThrownBy(() -> decoded.chunks().add(null)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> decoded.chunks().get(0).toolCalls().add(null))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(decoded.chunks().get(0).toolCalls()).extracting(ToolCallDelta::id).containsExactly("a", "b");
    }

    @Test
    void aTokenLongerThanTheParsersBufferThenShortChunksDecodeAlike() {
        String big = "ü€".repeat(6_000);
        String json = "{\"choices\":[{\"delta\":{\"content\":\"" + big + "\"}}]}";

        for (int round = 0; round < 3; round++) {
            assertThat(only(ChunkDecoder.decode(json)).content()).isEqualTo(big);
            assertThat(only(ChunkDecoder.decode("{\"choices\":[{\"delta\":{\"content\":\"s\"}}]}")).content())
                    .isEqualTo("s");
        }
    }

    @Test
    void decodesConcurrentlyWithSharedParserBuffers() throws Exception {
        int threads = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        String text = "t" + thread + "-" + i + (i % 97 == 0 ? "x".repeat(5_000) : "");
                        String json = "{\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"" + text + "\"}}]}";
                        if (!text.equals(only(ChunkDecoder.decode(json)).content())) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (java.util.concurrent.Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "{\"x\":{\"a\" \"b\" , ,},\"id\":\"i\"}",
        "{\"x\":{\"a\":[},\"id\":\"i\"}",
        "{\"logprobs\":[1,,2],\"choices\":[]}",
        "{\"choices\":[{\"delta\":{\"audio\":{\"data\":\"\\q\"}}}]}"})
    void malformedJsonInsideASkippedValueIsAnInvalidResponse(String data) {
        assertThatThrownBy(() -> ChunkDecoder.decode(data))
                .isInstanceOfSatisfying(LlmException.class,
                        e -> assertThat(e.category()).isEqualTo(ErrorTaxonomy.INVALID_RESPONSE));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"prompt_tokens", "queue_time"})
    void aNumberTooLongOrOutOfRangeToConvertIsAnInvalidResponseNotAParserException(String field) {
        for (String number : List.of("1" + "0".repeat(1_200), "1e-2147483649")) {
            String data = "{\"choices\":[],\"usage\":{\"" + field + "\":" + number + ",\"completion_tokens\":1}}";
            assertThatThrownBy(() -> ChunkDecoder.decode(data))
                    .isInstanceOfSatisfying(LlmException.class,
                            e -> assertThat(e.category()).isEqualTo(ErrorTaxonomy.INVALID_RESPONSE));
        }
        String inError = "{\"error\":{\"message\":\"m\",\"code\":1e-2147483649}}";
        assertThatThrownBy(() -> ChunkDecoder.decode(inError)).isInstanceOf(LlmException.class);
    }

    @Test
    void aLongNumberInASkippedFieldIsAccepted() {
        String data = "{\"created\":1" + "0".repeat(5_000) + ",\"choices\":[{\"delta\":{\"content\":\"a\"}}]}";

        assertThat(only(ChunkDecoder.decode(data)).content()).isEqualTo("a");
    }

    @Test
    void nestingDeeperThanTheReadersLimitIsAnInvalidResponse() {
        int limit = JsonBytesReader.MAX_DEPTH;
        String ok = "{\"x\":" + "[".repeat(limit - 1) + "]".repeat(limit - 1) + ",\"id\":\"i\"}";
        String deep = "{\"x\":" + "[".repeat(limit) + "]".repeat(limit) + ",\"id\":\"i\"}";

        assertThat(ChunkDecoder.decode(ok).id()).isEqualTo("i");
        assertThatThrownBy(() -> ChunkDecoder.decode(deep))
                .isInstanceOfSatisfying(LlmException.class,
                        e -> assertThat(e.getMessage()).contains("nested deeper than " + limit));
    }

    @Test
    void decodesFromARangeOfBytesAndQuotesTheRangeInItsErrors() {
        String good = "{\"id\":\"a\",\"choices\":[]}";
        String bad = "{\"id\":}";
        byte[] framed = ("xx" + good + "yy" + bad + "zz").getBytes(StandardCharsets.UTF_8);
        int badFrom = 2 + good.length() + 2;

        assertThat(ChunkDecoder.decode(framed, 2, good.length()).id()).isEqualTo("a");
        assertThatThrownBy(() -> ChunkDecoder.decode(framed, badFrom, bad.length()))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.getMessage())
                        .contains("stream chunk is not valid JSON (expected a value but found").endsWith("'{\"id\":}'"));
        assertThatThrownBy(() -> ChunkDecoder.decode(framed, badFrom, 100)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void malformedUtf8InContentBecomesReplacementCharacters() {
        byte[] data = "{\"choices\":[{\"delta\":{\"content\":\"a?b\\n?\"}}]}".getBytes(StandardCharsets.UTF_8);
        int first = new String(data, StandardCharsets.UTF_8).indexOf('?');
        data[first] = (byte) 0xC3; // a lead byte without its continuation
        data[first + 4] = (byte) 0xFF; // never valid in UTF-8

        assertThat(only(ChunkDecoder.decode(data, 0, data.length)).content()).isEqualTo("a\uFFFDb\n\uFFFD");
    }
}
