package dev.multillm.core.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.entry;

import dev.multillm.core.ChatResponse;
import dev.multillm.core.Choice;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.FinishReason;
import dev.multillm.core.LlmException;
import dev.multillm.core.ToolCall;
import dev.multillm.core.Usage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseDecoderTest {

    private static ChatResponse decode(String body, String provider) {
        return ResponseDecoder.decode(body, provider).build();
    }

    @Test
    void readsABasicOpenAiCompletion() {
        ChatResponse response = decode("""
                {
                  "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
                  "object": "chat.completion",
                  "created": 1741569952,
                  "model": "gpt-4.1-2025-04-14",
                  "choices": [
                    {
                      "index": 0,
                      "message": {
                        "role": "assistant",
                        "content": "Hello! How can I assist you today?",
                        "refusal": null,
                        "annotations": []
                      },
                      "logprobs": null,
                      "finish_reason": "stop"
                    }
                  ],
                  "usage": {
                    "prompt_tokens": 19,
                    "completion_tokens": 10,
                    "total_tokens": 29,
                    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                    "completion_tokens_details": {
                      "reasoning_tokens": 0, "audio_tokens": 0,
                      "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0
                    }
                  },
                  "service_tier": "default",
                  "system_fingerprint": "fp_b376dfbbd5"
                }
                """, "openai");

        assertThat(response.id()).isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
        assertThat(response.provider()).isEqualTo("openai");
        assertThat(response.model()).isEqualTo("gpt-4.1-2025-04-14");
        assertThat(response.choices()).containsExactly(
                new Choice(0, "Hello! How can I assist you today?", null, null, java.util.List.of(), FinishReason.STOP));
        assertThat(response.usage()).isEqualTo(Usage.of(19, 0, 10, 0));
        assertThat(response.metadata()).containsOnly(entry("service_tier", "default"),
                entry("system_fingerprint", "fp_b376dfbbd5"));
    }

    @Test
    void readsAnOpenAiRefusal() {
        ChatResponse response = decode("""
                {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-2024-08-06",
                 "choices":[{"index":0,"message":{"role":"assistant","content":null,
                   "refusal":"I'm sorry, I can't help with that."},"logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":12,"completion_tokens":9,"total_tokens":21}}
                """, "openai");

        assertThat(response.refusal()).isEqualTo("I'm sorry, I can't help with that.");
        assertThat(response.content()).isNull();
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void emptyContentCutByTheLengthLimitIsNoContentWithFinishLength() {
        ChatResponse response = decode("""
                {"id":"chatcmpl-2","object":"chat.completion","created":1,"model":"o4-mini",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"","refusal":null,"annotations":[]},
                   "finish_reason":"length"}],
                 "usage":{"prompt_tokens":30,"completion_tokens":64,"total_tokens":94,
                   "completion_tokens_details":{"reasoning_tokens":64}}}
                """, "openai");

        assertThat(response.content()).as("\"\" is read as no text, as a stream would give").isNull();
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.usage()).isEqualTo(Usage.of(30, 0, 64, 64));
    }

    @Test
    void readsCachedAndReasoningTokenDetailsAsPartsOfTheirTotals() {
        ChatResponse response = decode("""
                {"id":"chatcmpl-3","object":"chat.completion","created":1,"model":"o3",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"42"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,
                   "prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},
                   "completion_tokens_details":{"reasoning_tokens":256,"audio_tokens":0}}}
                """, "openai");

        assertThat(response.usage()).isEqualTo(new Usage(2006, 1920, 300, 256, true));
        assertThat(response.usage().totalTokens()).isEqualTo(2306);
    }

    @Test
    void readsEveryChoiceWhenSeveralWereRequested() {
        ChatResponse response = decode("""
                {"id":"chatcmpl-4","object":"chat.completion","created":1,"model":"gpt-4o-mini",
                 "choices":[
                   {"index":0,"message":{"role":"assistant","content":"Red"},"logprobs":null,"finish_reason":"stop"},
                   {"index":1,"message":{"role":"assistant","content":"Blue and"},"logprobs":null,"finish_reason":"length"}
                 ],
                 "usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}
                """, "openai");

        assertThat(response.choices()).extracting(Choice::index, Choice::content, Choice::finishReason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, "Red", FinishReason.STOP),
                        org.assertj.core.groups.Tuple.tuple(1, "Blue and", FinishReason.LENGTH));
    }

    @Test
    void readsOpenAiToolCallsWithNullContent() {
        ChatResponse response = decode("""
                {"id":"chatcmpl-5","object":"chat.completion","created":1,"model":"gpt-4o",
                 "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,
                   "tool_calls":[
                     {"id":"call_abc","type":"function","function":{"name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}"}},
                     {"id":"call_def","type":"function","function":{"name":"get_time","arguments":"{}"}}
                   ]},"logprobs":null,"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":82,"completion_tokens":40,"total_tokens":122}}
                """, "openai");

        assertThat(response.content()).isNull();
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.toolCalls()).containsExactly(
                new ToolCall("call_abc", "get_weather", "{\"location\":\"Paris\"}"),
                new ToolCall("call_def", "get_time", "{}"));
    }

    @Test
    void readsABasicGroqCompletionWithXGroqIdAndTimings() {
        ChatResponse response = decode("""
                {
                  "id": "chatcmpl-f51b2cd2-bef7-417e-964e-a08f0b513c22",
                  "object": "chat.completion",
                  "created": 1730241104,
                  "model": "llama-3.3-70b-versatile",
                  "choices": [
                    {
                      "index": 0,
                      "message": {"role": "assistant", "content": "Fast language models matter."},
                      "logprobs": null,
                      "finish_reason": "stop"
                    }
                  ],
                  "usage": {
                    "queue_time": 0.037493756,
                    "prompt_tokens": 18,
                    "prompt_time": 0.000680594,
                    "completion_tokens": 556,
                    "completion_time": 0.463333333,
                    "total_tokens": 574,
                    "total_time": 0.464013927
                  },
                  "system_fingerprint": "fp_179b0f92c9",
                  "x_groq": {"id": "req_01jbd6g2qdfw2adyrt2az8hz4w"}
                }
                """, "groq");

        assertThat(response.content()).isEqualTo("Fast language models matter.");
        assertThat(response.usage()).isEqualTo(Usage.of(18, 556));
        assertThat(response.metadata()).containsOnly(
                entry("x_groq.id", "req_01jbd6g2qdfw2adyrt2az8hz4w"),
                entry("groq.queue_time", 0.037493756),
                entry("groq.prompt_time", 0.000680594),
                entry("groq.completion_time", 0.463333333),
                entry("groq.total_time", 0.464013927),
                entry("system_fingerprint", "fp_179b0f92c9"));
    }

    @Test
    void keepsGroqReasoningApartFromContent() {
        ChatResponse response = decode("""
                {"id":"chatcmpl-6","object":"chat.completion","created":1,"model":"openai/gpt-oss-20b",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"The answer is 4.",
                   "reasoning":"The user asks 2+2. That is 4."},"logprobs":null,"finish_reason":"stop"}],
                 "usage":{"queue_time":0.01,"prompt_tokens":75,"prompt_time":0.003,"completion_tokens":40,
                   "completion_time":0.03,"total_tokens":115,"total_time":0.033,
                   "completion_tokens_details":{"reasoning_tokens":28}},
                 "x_groq":{"id":"req_1"},"service_tier":"on_demand"}
                """, "groq");

        assertThat(response.content()).isEqualTo("The answer is 4.");
        assertThat(response.reasoning()).isEqualTo("The user asks 2+2. That is 4.");
        assertThat(response.usage()).isEqualTo(Usage.of(75, 0, 40, 28));
        assertThat(response.metadata()).containsEntry("service_tier", "on_demand");
    }

    @Test
    void readsReasoningContentAsSentByDeepSeekAndVllm() {
        ChatResponse response = decode("""
                {"id":"x","object":"chat.completion","created":1,"model":"deepseek-reasoner",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"9.11 < 9.8",
                   "reasoning_content":"Compare decimals."},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":10,"completion_tokens":20,"prompt_cache_hit_tokens":8,
                   "prompt_cache_miss_tokens":2}}
                """, "deepseek");

        assertThat(response.reasoning()).isEqualTo("Compare decimals.");
        assertThat(response.usage()).isEqualTo(Usage.of(10, 8, 20, 0));
    }

    @Test
    void readsGroqToolCallsWithoutContent() {
        ChatResponse response = decode("""
                {"id":"chatcmpl-7","object":"chat.completion","created":1,"model":"llama-3.3-70b-versatile",
                 "choices":[{"index":0,"message":{"role":"assistant","tool_calls":[
                   {"id":"call_d5wg","type":"function","function":{"name":"calculate","arguments":"{\\"expression\\":\\"25 * 4 + 10\\"}"}}
                 ]},"logprobs":null,"finish_reason":"tool_calls"}],
                 "usage":{"queue_time":0.02,"prompt_tokens":300,"prompt_time":0.01,"completion_tokens":20,
                   "completion_time":0.02,"total_tokens":320,"total_time":0.03},
                 "system_fingerprint":"fp_a4265e44d5","x_groq":{"id":"req_2"}}
                """, "groq");

        assertThat(response.content()).isNull();
        assertThat(response.toolCalls()).containsExactly(
                new ToolCall("call_d5wg", "calculate", "{\"expression\":\"25 * 4 + 10\"}"));
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    }

    @Test
    void ignoresUnknownFieldsOfAnyShape() {
        ChatResponse response = decode("""
                {"id":"chatcmpl-8","object":"chat.completion","created":1,"model":"compound-beta",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"It is sunny.",
                   "executed_tools":[{"index":0,"type":"search","arguments":"{\\"query\\":\\"weather\\"}",
                     "output":"Title: ...","search_results":{"results":[{"title":"t","score":0.9}]}}],
                   "annotations":[{"type":"url_citation"}]},
                   "logprobs":{"content":[{"token":"It","logprob":-0.1,"bytes":[73,116],"top_logprobs":[]}]},
                   "finish_reason":"stop","stop_reason":null}],
                 "usage":{"prompt_tokens":100,"completion_tokens":5,"total_tokens":105,"queue_time":0.1},
                 "usage_breakdown":{"models":[{"model":"llama-3.3-70b-versatile",
                   "usage":{"prompt_tokens":50,"completion_tokens":2}}]},
                 "x_groq":{"id":"req_3","seed":12345,"debug":{"nested":[[1],[2,{"a":null}]]}},
                 "prompt_logprobs":null,"kv_transfer_params":null}
                """, "groq");

        assertThat(response.content()).isEqualTo("It is sunny.");
        assertThat(response.usage()).isEqualTo(Usage.of(100, 5));
        assertThat(response.metadata()).containsEntry("x_groq.id", "req_3").containsEntry("groq.queue_time", 0.1);
    }

    @Test
    void toleratesAMissingIdCreatedModelAndUsage() {
        ChatResponse response = decode("""
                {"choices":[{"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}
                """, "local");

        assertThat(response.id()).isNull();
        assertThat(response.model()).isNull();
        assertThat(response.content()).isEqualTo("hi");
        assertThat(response.choices().get(0).index()).isZero();
        assertThat(response.usage()).isEqualTo(Usage.NOT_REPORTED);
        assertThat(response.usage().reported()).isFalse();
    }

    @Test
    void anUsageWithoutTokenCountsIsNotReportedRatherThanZero() {
        ChatResponse response = decode("""
                {"choices":[{"message":{"content":"hi"}}],"usage":{"total_time":0.2}}
                """, "local");

        assertThat(response.usage()).isEqualTo(Usage.NOT_REPORTED);
        assertThat(response.metadata()).containsEntry("groq.total_time", 0.2);
    }

    @Test
    void aToolCallWithoutIdGetsThePositionalIdTheStreamAccumulatorAlsoUses() {
        ChatResponse response = decode("""
                {"choices":[{"message":{"tool_calls":[{"type":"function","function":{"name":"f","arguments":{"a":1}}}]},
                  "finish_reason":"tool_calls"}]}
                """, "ollama");

        assertThat(response.toolCalls()).containsExactly(new ToolCall("call_0", "f", "{\"a\":1}"));
    }

    @Test
    void aToolCallWithoutNameIsAnInvalidResponseNamingThePath() {
        assertThatThrownBy(() -> decode("""
                {"choices":[{"message":{"tool_calls":[{"id":"c","function":{"arguments":"{}"}}]}}]}
                """, "p"))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.category()).isEqualTo(ErrorTaxonomy.INVALID_RESPONSE);
                    assertThat(e.getMessage()).contains("choices[0].message.tool_calls[0].function.name");
                });
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"<html><body>502 Bad Gateway</body></html>", "{\"choices\":[", "", "   ", "[1,2]",
            "\"text\"", "{\"choices\":[]} trailing"})
    void aBodyThatIsNotAJsonObjectIsAnInvalidResponse(String body) {
        assertThatThrownBy(() -> decode(body, "openai"))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.category()).isEqualTo(ErrorTaxonomy.INVALID_RESPONSE);
                    assertThat(e.provider()).isEqualTo("openai");
                });
    }

    @Test
    void theErrorMessageQuotesAtMost200CharactersOfTheBody() {
        String body = "<html>" + "x".repeat(300) + "SECRET_TAIL</html>";

        assertThatThrownBy(() -> decode(body, "openai"))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.getMessage())
                        .contains("not JSON").contains("<html>xxx").doesNotContain("SECRET_TAIL"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[]}", "{\"id\":\"x\"}",
            "{\"choices\":null}", "{\"choices\":{}}"})
    void aBodyWithoutChoicesIsAnInvalidResponse(String body) {
        assertThatThrownBy(() -> decode(body, "openai"))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.category()).isEqualTo(ErrorTaxonomy.INVALID_RESPONSE);
                    assertThat(e.getMessage()).contains("no choices");
                });
    }

    @Test
    void anErrorObjectInASuccessfulBodyIsHandedOnForClassification() {
        assertThatThrownBy(() -> decode("""
                {"error":{"message":"Please reduce the length of the messages or completion.",
                  "type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}
                """, "openai"))
                .isInstanceOfSatisfying(WireErrorException.class, e -> {
                    assertThat(e.error().getString("code")).isEqualTo("context_length_exceeded");
                    assertThat(e.error().getString("type")).isEqualTo("invalid_request_error");
                    assertThat(e.getMessage()).contains("code=context_length_exceeded")
                            .doesNotContain("Please reduce");
                });
    }

    @Test
    void anErrorGivenAsAStringIsWrappedAsAMessage() {
        assertThatThrownBy(() -> decode("{\"error\":\"model overloaded\"}", "vllm"))
                .isInstanceOfSatisfying(WireErrorException.class,
                        e -> assertThat(e.error().getString("message")).isEqualTo("model overloaded"));
    }

    @Test
    void aNullErrorFieldBesideChoicesIsNotAnError() {
        assertThat(decode("{\"error\":null,\"choices\":[{\"message\":{\"content\":\"ok\"}}]}", "p").content())
                .isEqualTo("ok");
    }

    @Test
    void contentGivenAsAnArrayOfTextPartsIsJoined() {
        assertThat(decode("""
                {"choices":[{"message":{"content":[{"type":"text","text":"Hello, "},{"type":"text","text":"world"}]}}]}
                """, "p").content()).isEqualTo("Hello, world");
    }

    private static ChatResponse decodeBytes(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return ResponseDecoder.decode(bytes, 0, bytes.length, "p").build();
    }

    private static LlmException invalid(String body) {
        Throwable thrown = catchThrowable(() -> decodeBytes(body));
        assertThat(thrown).isInstanceOf(LlmException.class);
        LlmException e = (LlmException) thrown;
        assertThat(e.category()).isEqualTo(ErrorTaxonomy.INVALID_RESPONSE);
        assertThat(e.provider()).isEqualTo("p");
        return e;
    }

    @Test
    void readsABodyFromARangeOfBytesAsFromItsText() {
        String body = "{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"caf\u00e9 \\u2713\"}}]}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        byte[] framed = new byte[bytes.length + 4];
        Arrays.fill(framed, (byte) '{');
        System.arraycopy(bytes, 0, framed, 2, bytes.length);

        ChatResponse fromBytes = ResponseDecoder.decode(framed, 2, bytes.length, "p").build();

        assertThat(fromBytes).isEqualTo(decode(body, "p"));
        assertThat(fromBytes.content()).isEqualTo("caf\u00e9 \u2713");
        assertThatThrownBy(() -> ResponseDecoder.decode(framed, 2, framed.length, "p"))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void readsUsageAndXGroqThatComeBeforeTheChoices() {
        ChatResponse response = decodeBytes("""
                {"usage":{"prompt_tokens":3,"completion_tokens":4,"total_time":0.5},"x_groq":{"id":"req_1"},
                 "choices":[{"finish_reason":"stop","message":{"content":"late"},"index":0}],"model":"m","id":"c"}
                """);

        assertThat(response.usage()).isEqualTo(Usage.of(3, 4));
        assertThat(response.content()).isEqualTo("late");
        assertThat(response.id()).isEqualTo("c");
        assertThat(response.metadata()).containsOnly(entry("x_groq.id", "req_1"), entry("groq.total_time", 0.5));
    }

    @Test
    void aKeyGivenTwiceCountsByItsLastValueAtAnyDepth() {
        ChatResponse response = decodeBytes("""
                {"choices":[{"message":{"content":"old"}}],"model":"m1","model":"m2",
                 "choices":[{"index":3,"index":"x","message":{"content":"a","content":"b",
                   "tool_calls":[{"function":{}}],"tool_calls":null},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":1,"completion_tokens":1},"usage":null,
                 "x_groq":{"usage":{"prompt_tokens":9,"completion_tokens":8,"queue_time":1,"queue_time":null}}}
                """);

        assertThat(response.model()).isEqualTo("m2");
        assertThat(response.choices()).containsExactly(new Choice(0, "b", null, null, List.of(), FinishReason.STOP));
        assertThat(response.usage()).as("the last usage is null: x_groq's counts").isEqualTo(Usage.of(9, 8));
        assertThat(response.metadata()).as("the last queue_time is null").doesNotContainKey("groq.queue_time");
    }

    @Test
    void aTopLevelUsageWithoutCountsIsNotReportedEvenWhenXGroqHasCounts() {
        ChatResponse response = decodeBytes("""
                {"choices":[{"message":{"content":"hi"}}],"usage":{"total_time":0.2},
                 "x_groq":{"usage":{"prompt_tokens":5,"completion_tokens":6,"total_time":9}}}
                """);

        assertThat(response.usage()).isEqualTo(Usage.NOT_REPORTED);
        assertThat(response.metadata()).containsOnly(entry("groq.total_time", 0.2));
    }

    @Test
    void aNumberWhereTextIsExpectedReadsAsJsonPPrintsIt() {
        ChatResponse response = decodeBytes("""
                {"id":1e2,"model":-0,"choices":[{"message":{"reasoning":10.0e-3,"tool_calls":[
                  {"id":99999999999999999999,"function":{"name":12,"arguments":1.50}}]},"finish_reason":7}]}
                """);

        assertThat(response.id()).isEqualTo("1E+2");
        assertThat(response.model()).isEqualTo("0");
        assertThat(response.reasoning()).isEqualTo("0.0100");
        assertThat(response.toolCalls()).containsExactly(new ToolCall("99999999999999999999", "12", "1.50"));
        assertThat(response.finishReason()).isEqualTo(FinishReason.OTHER);
    }

    @Test
    void argumentsSentAsJsonOfAnyKindAreSerializedAndMissingOnesAreEmpty() {
        ChatResponse response = decodeBytes("""
                {"choices":[{"message":{"tool_calls":[
                  {"id":"a","function":{"name":"f","arguments":{ "city" : "Z\\u00fcrich", "n" : [1, true] }}},
                  {"id":"b","function":{"name":"g","arguments":[null]}},
                  {"id":"c","function":{"name":"h","arguments":null}},
                  {"id":"d","function":{"name":"i"}}]}}]}
                """);

        assertThat(response.toolCalls()).extracting(ToolCall::arguments)
                .containsExactly("{\"city\":\"Z\u00fcrich\",\"n\":[1,true]}", "[null]", "", "");
    }

    @Test
    void aToolCallWithABlankNameIsAnInvalidResponseNamingThePath() {
        assertThat(invalid("""
                {"choices":[{"message":{}},{"message":{"tool_calls":[{"id":"c","function":{"name":"f"}},
                  {"id":"d","function":{"name":" \\t"}}]}}]}
                """).getMessage()).contains("choices[1].message.tool_calls[1].function.name is blank");
    }

    @Test
    void theFirstInvalidChoiceIsTheOneReported() {
        assertThat(invalid("""
                {"choices":[{"message":{"tool_calls":[{"function":{"name":"f"}},7]}},"second"]}
                """).getMessage()).contains("choices[0].message.tool_calls[1] is not an object");
        assertThat(invalid("{\"choices\":[{},\"second\",{\"message\":{\"tool_calls\":[7]}}]}").getMessage())
                .contains("choices[1] is not an object");
    }

    @Test
    void anErrorObjectIsHandedOnWhereverItIsAndWhateverTheChoicesAre() {
        assertThatThrownBy(() -> decodeBytes("""
                {"choices":[{"message":{"tool_calls":[{"function":{}}]}}],"error":{"type":"server_error"}}
                """)).isInstanceOfSatisfying(WireErrorException.class,
                        e -> assertThat(e.error().getString("type")).isEqualTo("server_error"));
    }

    @Test
    void aBodyThatIsNotJsonIsNotJsonEvenWithAnErrorObjectInIt() {
        assertThat(invalid("{\"error\":{\"code\":\"x\"},\"choices\":[}").getMessage()).contains("not JSON");
        assertThat(invalid("{\"choices\":[{\"message\":{}}]} {}").getMessage())
                .contains("not JSON").contains("end of the input");
    }

    @Test
    void aNegativeTokenCountIsAnInvalidResponse() {
        assertThat(invalid("""
                {"choices":[{"message":{"content":"x"}}],"x_groq":{"usage":{"prompt_tokens":-5}}}
                """).getMessage()).contains("negative");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"\f", " \u000B\u2003\u3000 ", "\u001C"})
    void aBodyThatJavaCallsBlankIsEmptyThoughItIsNoJsonWhitespace(String body) {
        assertThat(invalid(body).getMessage()).isEqualTo("INVALID_RESPONSE from p: response body is empty");
    }

    @Test
    void nestingDeeperThanTheReaderAllowsIsNotJson() {
        int depth = JsonBytesReader.MAX_DEPTH + 1;
        String deep = "{\"choices\":[{}],\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}";

        assertThat(invalid(deep).getMessage()).contains("not JSON").contains("nested deeper");
    }

    @Test
    void aNumberBeyondConversionLimitsInAnIgnoredFieldIsIgnored() {
        String body = "{\"choices\":[{\"message\":{\"content\":\"ok\"}}],\"created\":1"
                + "0".repeat(JsonBytesReader.MAX_NUMBER_LENGTH) + ",\"seed\":1e99999999999}";

        assertThat(decodeBytes(body).content()).isEqualTo("ok");
    }
}
