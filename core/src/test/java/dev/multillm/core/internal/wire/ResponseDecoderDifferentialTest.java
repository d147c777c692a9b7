package dev.multillm.core.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.multillm.core.ChatResponse;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ResponseDecoder} on bytes against the tree decoder it replaced
 * ({@link ParssonResponseDecoder}, fed the text the unary call used to make of the bytes): over
 * real-shaped bodies of the servers multillm talks to, over seeded random byte mutations of them,
 * and over the same bodies with their members reordered and repeated, both accept or both reject,
 * what is accepted decodes to equal responses, and what is rejected is rejected the same way (the
 * error object handed on, or the category and message; only the parser's own words in "not JSON
 * (...)" may differ).
 */
class ResponseDecoderDifferentialTest {
    private static final String PROVIDER = "p";

    /** Bodies as OpenAI, Groq, DeepSeek, vLLM, Ollama and OpenRouter send them, plus edge cases. */
    static final List<Named<String>> CORPUS = List.of(
            Named.of("OpenAI answer with logprobs and annotations", """
                    {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,\
                    "model":"gpt-4o-search-preview-2025-03-11","choices":[{"index":0,"message":{"role":"assistant",\
                    "content":"Paris is the capital of France [1].","refusal":null,"annotations":[{"type":"url_citation",\
                    "url_citation":{"end_index":35,"start_index":31,"title":"Paris","url":"https://en.wikipedia.org/wiki/Paris"}}]},\
                    "logprobs":{"content":[{"token":"Paris","logprob":-0.0001234,"bytes":[80,97,114,105,115],\
                    "top_logprobs":[{"token":"Paris","logprob":-1.2E-4,"bytes":[80,97]},{"token":"The","logprob":-9.5,\
                    "bytes":null}]}],"refusal":null},"finish_reason":"stop"}],"usage":{"prompt_tokens":19,\
                    "completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},\
                    "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,\
                    "rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_b376dfbbd5"}"""),
            Named.of("OpenAI parallel tool calls", """
                    {"id":"chatcmpl-5","object":"chat.completion","created":1,"model":"gpt-4o",\
                    "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,"tool_calls":[\
                    {"id":"call_abc","type":"function","function":{"name":"get_weather",\
                    "arguments":"{\\"location\\":\\"Z\\u00fcrich\\", \\"unit\\":\\"C\\"}"}},\
                    {"id":"call_def","type":"function","function":{"name":"get_time","arguments":"{}"}}],\
                    "annotations":[]},"logprobs":null,"finish_reason":"tool_calls"}],\
                    "usage":{"prompt_tokens":82,"completion_tokens":40,"total_tokens":122},"system_fingerprint":"fp_1"}"""),
            Named.of("OpenAI refusal", """
                    {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-2024-08-06",\
                    "choices":[{"index":0,"message":{"role":"assistant","content":null,\
                    "refusal":"I\\u2019m sorry, I can\\u2019t help with that."},"logprobs":null,"finish_reason":"stop"}],\
                    "usage":{"prompt_tokens":12,"completion_tokens":9,"total_tokens":21}}"""),
            Named.of("OpenAI reasoning model cut by the length limit", """
                    {"id":"chatcmpl-2","object":"chat.completion","created":1,"model":"o4-mini",\
                    "choices":[{"index":0,"message":{"role":"assistant","content":"","refusal":null,"annotations":[]},\
                    "finish_reason":"length"}],"usage":{"prompt_tokens":2006,"completion_tokens":64,"total_tokens":2070,\
                    "prompt_tokens_details":{"cached_tokens":1920},"completion_tokens_details":{"reasoning_tokens":64}}}"""),
            Named.of("OpenAI two choices", """
                    {"id":"chatcmpl-4","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[\
                    {"index":0,"message":{"role":"assistant","content":"Red"},"logprobs":null,"finish_reason":"stop"},\
                    {"index":1,"message":{"role":"assistant","content":"Blue and"},"logprobs":null,"finish_reason":"length"}],\
                    "usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}"""),
            Named.of("Groq answer with x_groq and timings", """
                    {"id":"chatcmpl-f51b2cd2-bef7-417e-964e-a08f0b513c22","object":"chat.completion","created":1730241104,\
                    "model":"llama-3.3-70b-versatile","choices":[{"index":0,"message":{"role":"assistant",\
                    "content":"Fast language models matter."},"logprobs":null,"finish_reason":"stop"}],\
                    "usage":{"queue_time":0.037493756,"prompt_tokens":18,"prompt_time":0.000680594,"completion_tokens":556,\
                    "completion_time":0.463333333,"total_tokens":574,"total_time":0.464013927},\
                    "usage_breakdown":null,"system_fingerprint":"fp_179b0f92c9",\
                    "x_groq":{"id":"req_01jbd6g2qdfw2adyrt2az8hz4w"},"service_tier":"on_demand"}"""),
            Named.of("Groq reasoning kept apart", """
                    {"id":"chatcmpl-6","object":"chat.completion","created":1,"model":"openai/gpt-oss-20b",\
                    "choices":[{"index":0,"message":{"role":"assistant","content":"The answer is 4.",\
                    "reasoning":"The user asks 2+2.\\nThat is 4."},"logprobs":null,"finish_reason":"stop"}],\
                    "usage":{"queue_time":0.01,"prompt_tokens":75,"prompt_time":0.003,"completion_tokens":40,\
                    "completion_time":0.03,"total_tokens":115,"total_time":0.033,\
                    "completion_tokens_details":{"reasoning_tokens":28}},"x_groq":{"id":"req_1"},"service_tier":"on_demand"}"""),
            Named.of("Groq compound with executed tools and a usage breakdown", """
                    {"id":"chatcmpl-8","object":"chat.completion","created":1,"model":"compound-beta",\
                    "choices":[{"index":0,"message":{"role":"assistant","content":"It is sunny.",\
                    "reasoning":"<tool>search(weather)</tool>","executed_tools":[{"index":0,"type":"search",\
                    "arguments":"{\\"query\\":\\"weather\\"}","output":"Title: ...","search_results":{"results":[\
                    {"title":"t","score":0.9}]}}]},"logprobs":null,"finish_reason":"stop"}],\
                    "usage":{"prompt_tokens":100,"completion_tokens":5,"total_tokens":105,"queue_time":0.1},\
                    "usage_breakdown":{"models":[{"model":"llama-3.3-70b-versatile","usage":{"prompt_tokens":50,\
                    "completion_tokens":2,"queue_time":9}}]},"x_groq":{"id":"req_3","seed":12345,\
                    "usage":{"prompt_tokens":1,"completion_tokens":1},"debug":{"nested":[[1],[2,{"a":null}]]}}}"""),
            Named.of("Groq tool call", """
                    {"id":"chatcmpl-7","object":"chat.completion","created":1,"model":"llama-3.3-70b-versatile",\
                    "choices":[{"index":0,"message":{"role":"assistant","tool_calls":[{"id":"call_d5wg","type":"function",\
                    "function":{"name":"calculate","arguments":"{\\"expression\\":\\"25 * 4 + 10\\"}"}}]},\
                    "logprobs":null,"finish_reason":"tool_calls"}],"usage":{"queue_time":0.02,"prompt_tokens":300,\
                    "prompt_time":0.01,"completion_tokens":20,"completion_time":0.02,"total_tokens":320,"total_time":0.03},\
                    "system_fingerprint":"fp_a4265e44d5","x_groq":{"id":"req_2"}}"""),
            Named.of("Groq usage only in x_groq", """
                    {"id":"chatcmpl-x","object":"chat.completion","created":1,"model":"qwen/qwen3-32b",\
                    "x_groq":{"id":"req_x","usage":{"queue_time":0.2,"prompt_tokens":12,"completion_tokens":3,\
                    "prompt_tokens_details":{"cached_tokens":8}}},"choices":[{"index":0,"message":{"role":"assistant",\
                    "content":"ok"},"finish_reason":"stop"}]}"""),
            Named.of("DeepSeek reasoning_content and cache hits", """
                    {"id":"a8f3","object":"chat.completion","created":1738000000,"model":"deepseek-reasoner",\
                    "choices":[{"index":0,"message":{"role":"assistant","content":"9.11 < 9.8",\
                    "reasoning_content":"Compare the decimals: 0.11 < 0.8."},"logprobs":null,"finish_reason":"stop"}],\
                    "usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30,\
                    "prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":15},\
                    "prompt_cache_hit_tokens":8,"prompt_cache_miss_tokens":2},"system_fingerprint":"fp_7e73fd9a08_prod0225"}"""),
            Named.of("vLLM with its extras", """
                    {"id":"chatcmpl-5d2c","object":"chat.completion","created":1730000000,\
                    "model":"meta-llama/Llama-3.1-8B-Instruct","choices":[{"index":0,"message":{"role":"assistant",\
                    "reasoning_content":null,"content":"42","tool_calls":[]},"logprobs":null,"finish_reason":"stop",\
                    "stop_reason":null,"token_ids":[2983]}],"usage":{"prompt_tokens":10,"total_tokens":11,\
                    "completion_tokens":1,"prompt_tokens_details":null},"prompt_logprobs":null,"kv_transfer_params":null}"""),
            Named.of("vLLM reasoning with both fields", """
                    {"id":"chatcmpl-q","object":"chat.completion","created":1,"model":"Qwen/QwQ-32B",\
                    "choices":[{"index":0,"message":{"role":"assistant","content":"yes","reasoning_content":"dup",\
                    "reasoning":"once"},"finish_reason":"stop","matched_stop":{"nested":[[["deep"]]]}}]}"""),
            Named.of("Ollama answer", """
                    {"id":"chatcmpl-318","object":"chat.completion","created":1731000000,"model":"llama3.2",\
                    "system_fingerprint":"fp_ollama","choices":[{"index":0,"message":{"role":"assistant",\
                    "content":"The sky is blue because of Rayleigh scattering."},"finish_reason":"stop"}],\
                    "usage":{"prompt_tokens":26,"completion_tokens":9,"total_tokens":35}}"""),
            Named.of("Ollama tool call without id and with object arguments", """
                    {"id":"chatcmpl-319","object":"chat.completion","created":1,"model":"llama3.2",\
                    "choices":[{"index":0,"message":{"role":"assistant","content":"","tool_calls":[{"type":"function",\
                    "function":{"name":"f","arguments":{"city":"Paris","n":1.50,"e":1e2,"dup":1,"dup":2,"s":"\\u00e9\\n",\
                    "nested":{"a":[true,false,null,-0]}}}},{"id":"","function":{"name":"g","arguments":[1,"x"]}},\
                    {"id":"c3","function":{"name":"h","arguments":7}},{"id":"c4","function":{"name":"i","arguments":null}},\
                    {"id":"c5","function":{"name":"j"}}]},"finish_reason":"tool_calls"}]}"""),
            Named.of("OpenRouter reasoning with details and cost", """
                    {"id":"gen-1745000000-abc","provider":"Anthropic","model":"anthropic/claude-3.7-sonnet:thinking",\
                    "object":"chat.completion","created":1745000000,"choices":[{"logprobs":null,"finish_reason":"stop",\
                    "native_finish_reason":"end_turn","index":0,"message":{"role":"assistant","content":"Done.",\
                    "refusal":null,"reasoning":"Considering","reasoning_details":[{"type":"reasoning.text",\
                    "text":"Considering","format":"anthropic-claude-v1","index":0}]}}],"usage":{"prompt_tokens":12,\
                    "completion_tokens":5,"total_tokens":17,"cost":0.0000805,"is_byok":false,\
                    "prompt_tokens_details":{"cached_tokens":0},"cost_details":{"upstream_inference_cost":null},\
                    "completion_tokens_details":{"reasoning_tokens":3}}}"""),
            Named.of("content as an array of parts", """
                    {"choices":[{"message":{"content":[{"type":"text","text":"Hello, "},"plain ",{"type":"image_url",\
                    "image_url":{"url":"x"}},{"type":"text","text":"world"},{"text":7},null,[{"text":"nested"}]]}}]}"""),
            Named.of("usage and x_groq before choices, id last", """
                    {"usage":{"prompt_tokens":3,"completion_tokens":4,"total_time":0.5},"x_groq":{"id":"req_first"},\
                    "choices":[{"finish_reason":"stop","message":{"content":"late"},"index":0}],"model":"m","id":"last"}"""),
            Named.of("keys given twice", """
                    {"choices":[{"message":{"content":"old"}}],"model":"m1","model":"m2","usage":{"prompt_tokens":1,\
                    "completion_tokens":1},"choices":[{"index":3,"index":"x","message":{"content":"a","content":"b",\
                    "tool_calls":[{"function":{}}],"tool_calls":null},"message":{"content":"c","refusal":"r",\
                    "refusal":""},"finish_reason":"stop","finish_reason":null}],"usage":null,\
                    "x_groq":{"usage":{"prompt_tokens":9,"completion_tokens":9,"queue_time":1,"queue_time":null}}}"""),
            Named.of("top-level usage without counts hides x_groq's", """
                    {"choices":[{"message":{"content":"hi"}}],"usage":{"total_time":0.2,"queue_time":"slow"},\
                    "x_groq":{"usage":{"prompt_tokens":5,"completion_tokens":6}}}"""),
            Named.of("numbers where text is read", """
                    {"id":123,"model":-1.5E+3,"service_tier":1e2,"system_fingerprint":-0,"x_groq":{"id":0.000001},\
                    "choices":[{"index":1.9,"message":{"content":0,"reasoning":10.0e-3,"refusal":true,\
                    "tool_calls":[{"id":99999999999999999999,"function":{"name":12,"arguments":"{}"}}]},"finish_reason":7}]}"""),
            Named.of("counts that are fractional or overflow", """
                    {"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":1.9,\
                    "completion_tokens":99999999999999999999,"prompt_tokens_details":{"cached_tokens":1e3},\
                    "completion_tokens_details":{"reasoning_tokens":-0.5},"prompt_cache_hit_tokens":2E1,"queue_time":-0}}"""),
            Named.of("nulls where values may be absent", """
                    {"id":null,"model":null,"choices":[{"index":null,"message":{"content":null,"tool_calls":null,\
                    "reasoning":null,"refusal":null},"finish_reason":null},{"message":null},{}],"usage":null,\
                    "x_groq":null,"error":null,"service_tier":null,"system_fingerprint":null}"""),
            Named.of("unicode and every escape", """
                    {"id":"é","choices":[{"message":{"content":"héllo wörld — 日本語 🙂 q\\"b\\\\s\\/b\\bf\\fn\\nr\\rt\\t \
                    \\u00e9\\u65E5 \\ud83d\\ude00 \\ud800 lone","reasoning":"\\uDBFF\\uDFFF\\u0000"}}]}"""),
            Named.of("escaped keys", """
                    {"choi\\u0063es":[{"m\\u0065ssage":{"c\\u006Fntent":"x","re\\u0061soning":"y"},"index":2}],\
                    "\\u006dodel":"m","usag\\u0065":{"prompt_tokens":1,"completion_\\u0074okens":2}}"""),
            Named.of("pretty-printed with every whitespace", "{\r\n\t\"id\" : \"p\" ,\n  \"choices\" :\t[ {\n"
                    + "    \"message\" : { \"content\" : \"a b\" } ,\r\n    \"finish_reason\" : \"stop\"\n  } ]\n}\n \t"),
            Named.of("usage of zeros only", """
                    {"choices":[{"message":{"content":"0"}}],"usage":{"prompt_tokens":0,"completion_tokens":0,\
                    "total_tokens":0}}"""));

    /** Bodies both decoders reject, each in its own way. */
    static final List<Named<String>> REJECTED = List.of(
            Named.of("an error object", """
                    {"error":{"message":"Please reduce the length of the messages.","type":"invalid_request_error",\
                    "param":"messages","code":"context_length_exceeded"}}"""),
            Named.of("an error string beside choices", """
                    {"choices":[{"message":{"content":"x"}}],"error":"model overloaded"}"""),
            Named.of("an error object after an invalid tool call", """
                    {"choices":[{"message":{"tool_calls":[{"function":{"arguments":"{}"}}]}}],"error":{"code":429}}"""),
            Named.of("no choices", """
                    {"id":"x","object":"chat.completion","choices":[]}"""),
            Named.of("choices that are not an array", """
                    {"choices":{"0":{"message":{"content":"x"}}}}"""),
            Named.of("a choice that is not an object", """
                    {"choices":[{"message":{"content":"x"}},"second"]}"""),
            Named.of("a tool call without a name", """
                    {"choices":[{"message":{"tool_calls":[{"id":"c","function":{"arguments":"{}"}}]}}]}"""),
            Named.of("a tool call that is not an object, after a valid one", """
                    {"choices":[{"message":{"tool_calls":[{"id":"c","function":{"name":"f"}},[]]}}]}"""),
            Named.of("a tool call whose name is blank", """
                    {"choices":[{"message":{"tool_calls":[{"id":"c","function":{"name":"  "}}]}}]}"""),
            Named.of("an invalid choice before a negative count", """
                    {"usage":{"prompt_tokens":-1,"completion_tokens":1},"choices":[{"message":{"tool_calls":[1]}}]}"""),
            Named.of("a negative count", """
                    {"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":5,"completion_tokens":-2}}"""),
            Named.of("a negative count in x_groq", """
                    {"choices":[{"message":{"content":"x"}}],"x_groq":{"usage":{"prompt_tokens":-5}}}"""),
            Named.of("text after the object", "{\"choices\":[{\"message\":{\"content\":\"x\"}}]} {}"),
            Named.of("an error object in a body that is not JSON", "{\"error\":{\"code\":\"x\"},\"choices\":[}"),
            Named.of("an array", "[{\"choices\":[]}]"),
            Named.of("a string", "\"text\""),
            Named.of("HTML", "<html><body>502 Bad Gateway</body></html>"),
            Named.of("blank as Java sees it", " \f\u000B\u2003 "),
            Named.of("empty", ""));

    static Stream<Named<String>> corpus() {
        return CORPUS.stream();
    }

    static Stream<Named<String>> rejected() {
        return REJECTED.stream();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** How a decoder answered: a response, an error object, or an exception's category and message. */
    private record Outcome(ChatResponse response, JsonObject error, String errorMessage, ErrorTaxonomy category,
                           String provider, String message) {
        static Outcome of(ChatResponse response) {
            return new Outcome(response, null, null, null, null, null);
        }

        static Outcome of(WireErrorException e) {
            return new Outcome(null, e.error(), e.getMessage(), null, null, null);
        }

        /** Only the parser's own description of a syntax error is left out. */
        static Outcome of(LlmException e, String text) {
            String message = e.upstreamMessage();
            String snippet = "): " + WireJson.snippet(text);
            if (message.startsWith("response body is not JSON (") && message.endsWith(snippet)) {
                message = "response body is not JSON (...)" + snippet;
            }
            return new Outcome(null, null, null, e.category(), e.provider(), message);
        }

        /** What the unary call made of an exception the tree decoder threw unclassified. */
        static final Outcome UNCLASSIFIED = new Outcome(null, null, null, ErrorTaxonomy.INVALID_RESPONSE, null, null);

        boolean accepted() {
            return response != null;
        }
    }

    private static Outcome oracle(String text) {
        try {
            return Outcome.of(ParssonResponseDecoder.decode(text, PROVIDER).build());
        } catch (WireErrorException e) {
            return Outcome.of(e);
        } catch (LlmException e) {
            return Outcome.of(e, text);
        } catch (RuntimeException e) {
            return Outcome.UNCLASSIFIED; // see ParssonResponseDecoder's class comment
        }
    }

    /**
     * Decodes {@code bytes} both ways and fails unless both answer alike; returns whether they
     * accepted the body.
     */
    private static boolean assertDecodedAlike(byte[] bytes, String what) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        Outcome expected = oracle(text);
        Outcome actual;
        try {
            actual = Outcome.of(ResponseDecoder.decode(bytes, 0, bytes.length, PROVIDER).build());
        } catch (WireErrorException e) {
            actual = Outcome.of(e);
        } catch (LlmException e) {
            actual = Outcome.of(e, text);
        } catch (RuntimeException e) {
            throw new AssertionError("threw " + e + " on " + what + "\n" + show(bytes), e);
        }
        if (expected == Outcome.UNCLASSIFIED) {
            assertThat(actual.category()).as("%s, which the tree decoder could not classify%n%s", what, show(bytes))
                    .isEqualTo(ErrorTaxonomy.INVALID_RESPONSE);
            assertThat(actual.provider()).isEqualTo(PROVIDER);
            return false;
        }
        if (expected.accepted() != actual.accepted()) {
            fail("%s what the tree decoder %s: %s%n%s%n%s", actual.accepted() ? "accepted" : "rejected",
                    expected.accepted() ? "accepts" : "rejects", what, show(bytes),
                    actual.accepted() ? expected : actual);
        }
        assertThat(actual).as("%s%n%s", what, show(bytes)).isEqualTo(expected);
        return actual.accepted();
    }

    private static String show(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.length() > 600 ? HexFormat.of().formatHex(bytes) : text + "\n" + HexFormat.of().formatHex(bytes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyCorpusBodyIsAcceptedAndDecodedAsTheTreeDecoderDecodesIt(String body) {
        assertThat(oracle(body).accepted()).as("the oracle accepts the corpus").isTrue();

        assertThat(assertDecodedAlike(utf8(body), "the body")).isTrue();
        assertThat(ResponseDecoder.decode(body, PROVIDER).build())
                .isEqualTo(ResponseDecoder.decode(utf8(body), 0, utf8(body).length, PROVIDER).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void everyRejectedBodyIsRejectedTheWayTheTreeDecoderRejectsIt(String body) {
        assertThat(assertDecodedAlike(utf8(body), "the body")).isFalse();
    }

    @Test
    void aBodyInsideALargerArrayIsReadFromItsRangeOnly() {
        byte[] body = utf8(CORPUS.get(5).getPayload());
        byte[] framed = new byte[body.length + 20];
        Arrays.fill(framed, (byte) '}');
        System.arraycopy(body, 0, framed, 7, body.length);

        assertThat(ResponseDecoder.decode(framed, 7, body.length, PROVIDER).build())
                .isEqualTo(ResponseDecoder.decode(body, 0, body.length, PROVIDER).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyTruncationIsDecodedAlike(String body) {
        ByteMutations.truncations(utf8(body)).forEach(m -> assertDecodedAlike(m.bytes(), m.what()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everySingleByteDeletionIsDecodedAlike(String body) {
        ByteMutations.singleDeletions(utf8(body)).forEach(m -> assertDecodedAlike(m.bytes(), m.what()));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void randomByteOverwritesAreDecodedAlike(long seed) {
        List<ByteMutations.Mutation> cases = ByteMutations.overwrites(corpusBytes(), seed, 2_000);
        long accepted = cases.stream().filter(m -> assertDecodedAlike(m.bytes(), m.what())).count();
        assertThat(accepted).as("mutations that are still valid bodies")
                .isBetween(cases.size() / 20L, cases.size() - cases.size() / 20L);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5})
    void randomInsertionsAreDecodedAlike(long seed) {
        List<ByteMutations.Mutation> cases = ByteMutations.insertions(corpusBytes(), seed, 2_000);
        long accepted = cases.stream().filter(m -> assertDecodedAlike(m.bytes(), m.what())).count();
        assertThat(accepted).as("insertions that leave a valid body")
                .isBetween(cases.size() / 20L, cases.size() - cases.size() / 20L);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {6, 7})
    void randomDeletionsOfSeveralBytesAreDecodedAlike(long seed) {
        ByteMutations.deletions(corpusBytes(), seed, 1_000).forEach(m -> assertDecodedAlike(m.bytes(), m.what()));
    }

    private static List<byte[]> corpusBytes() {
        return CORPUS.stream().map(named -> utf8(named.getPayload())).toList();
    }

    /** Values written as a decoy copy of a key, before or after the real one. */
    private static final List<String> DECOYS = List.of("null", "0", "-1", "1.5", "\"\"", "\"x\"", "true", "{}", "[]",
            "[{}]", "[\"s\"]", "{\"content\":\"decoy\"}", "{\"name\":\"n\"}", "{\"prompt_tokens\":7}",
            "[{\"message\":{\"content\":\"decoy\"}}]", "{\"message\":\"m\",\"type\":\"t\",\"code\":\"c\"}");

    /**
     * The body's JSON written again with the members of every object in a random order, and with
     * some members given twice (a decoy value before or after the real one), so the decoders must
     * agree on key order and on which copy of a key counts.
     */
    private static String reshuffled(JsonValue value, Random random) {
        if (value instanceof JsonObject object) {
            List<String> members = new ArrayList<>();
            for (Map.Entry<String, JsonValue> member : object.entrySet()) {
                String key = WireJson.PROVIDER.createValue(member.getKey()).toString();
                members.add(key + ":" + reshuffled(member.getValue(), random));
                if (random.nextInt(4) == 0) {
                    members.add(random.nextInt(members.size()), key + ":" + DECOYS.get(random.nextInt(DECOYS.size())));
                }
            }
            Collections.shuffle(members, random);
            return "{" + String.join(",", members) + "}";
        }
        if (value instanceof JsonArray array) {
            List<String> elements = new ArrayList<>();
            for (JsonValue element : array) {
                elements.add(reshuffled(element, random));
            }
            return "[" + String.join(",", elements) + "]";
        }
        return value.toString();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {8, 9})
    void bodiesWithMembersReorderedAndRepeatedAreDecodedAlike(long seed) {
        Random random = new Random(seed);
        int accepted = 0;
        int cases = 1_500;
        for (int k = 0; k < cases; k++) {
            String body = CORPUS.get(random.nextInt(CORPUS.size())).getPayload();
            String variant = reshuffled(WireJson.readValue(body), random);
            if (assertDecodedAlike(utf8(variant), "reshuffled")) {
                accepted++;
            }
        }
        assertThat(accepted).as("variants that are still valid bodies").isBetween(cases / 20, cases - cases / 20);
    }

    /** Malformed UTF-8 in kept text: each case wrapped as the content, the id, a tool name and a key. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"C3", "C328", "E282", "E2822E", "E28228", "F09F98", "F09F9828", "EDA080", "EDBFBF",
        "C0AF", "E08080", "F08080", "F4908080", "F5808080", "FF", "80", "BFBF", "C3A9C3", "E2FF82", "F0"})
    void malformedUtf8InKeptTextBecomesTheSameReplacementCharacters(String hex) {
        byte[] bad = HexFormat.of().parseHex(hex);
        for (String template : List.of("{\"choices\":[{\"message\":{\"content\":\"a%sb\"}}]}",
                "{\"choices\":[{\"message\":{\"content\":\"%s\"}}]}",
                "{\"choices\":[{\"message\":{\"content\":\"\\n%s\\t%s\\u00e9\"}}]}",
                "{\"id\":\"x%s\",\"choices\":[{}]}",
                "{\"choices\":[{\"message\":{\"tool_calls\":[{\"function\":{\"name\":\"%s\"}}]}}]}",
                "{\"choices\":[{\"message\":{\"content\":[{\"text\":\"é%s\\\"%s\"}]}}]}",
                "{\"%s\":1,\"choices\":[{}]}",
                "{\"choices\":[{\"message\":{\"content\":\"x\"}}],\"mod%sel\":\"m\"}")) {
            String[] parts = template.split("%s", -1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int p = 0; p < parts.length; p++) {
                if (p > 0) {
                    out.writeBytes(bad);
                }
                out.writeBytes(utf8(parts[p]));
            }
            assertThat(assertDecodedAlike(out.toByteArray(), template)).isTrue();
        }
    }
}
