package dev.multillm.core.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ChunkDecoder} on bytes against the JSON-P decoder it replaced ({@link ParssonChunkDecoder},
 * fed the text the SSE decoder used to make of the bytes): over real-shaped chunks of the servers
 * multillm talks to, and over seeded random mutations of them, both accept or both reject, and
 * what is accepted decodes to equal records, field by field.
 */
class ChunkDecoderDifferentialTest {

    /** Chunks as OpenAI, Groq, DeepSeek, vLLM, Ollama and OpenRouter stream them, plus edge cases. */
    static final List<Named<String>> CORPUS = List.of(
            Named.of("OpenAI role chunk", """
                    {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,\
                    "model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8",\
                    "choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,\
                    "finish_reason":null}],"usage":null,"obfuscation":"Vb1xv"}"""),
            Named.of("OpenAI content chunk", """
                    {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,\
                    "model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8",\
                    "choices":[{"index":0,"delta":{"content":" Hello"},"logprobs":null,"finish_reason":null}],\
                    "usage":null}"""),
            Named.of("OpenAI content with logprobs", """
                    {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini",\
                    "choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":{"content":[{"token":"Hi",\
                    "logprob":-0.0001234,"bytes":[72,105],"top_logprobs":[{"token":"Hi","logprob":-1.2E-4,\
                    "bytes":[72,105]},{"token":"Hello","logprob":-9.5,"bytes":null}]}],"refusal":null},\
                    "finish_reason":null}]}"""),
            Named.of("OpenAI first tool-call fragment", """
                    {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o",\
                    "choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,\
                    "id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function","function":{"name":"get_weather",\
                    "arguments":""}}],"refusal":null},"logprobs":null,"finish_reason":null}]}"""),
            Named.of("OpenAI tool-call arguments fragment", """
                    {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o",\
                    "choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"loc"}}]},\
                    "logprobs":null,"finish_reason":null}]}"""),
            Named.of("OpenAI parallel tool calls", """
                    {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function",\
                    "function":{"name":"f","arguments":"{\\"city\\": \\"Z\\u00fcrich\\", \\"unit\\": \\"C\\"}"}},\
                    {"index":1,"id":"call_b","type":"","function":{"name":"g","arguments":null}},\
                    {"id":"call_c","type":null,"function":{"name":"h"}}]}}]}"""),
            Named.of("OpenAI finish chunk", """
                    {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o",\
                    "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null}"""),
            Named.of("OpenAI usage-only chunk", """
                    {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini",\
                    "system_fingerprint":"fp_44709d6fcb","choices":[],"usage":{"prompt_tokens":2006,\
                    "completion_tokens":300,"total_tokens":2306,"prompt_tokens_details":{"cached_tokens":1920,\
                    "audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":256,"audio_tokens":0,\
                    "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}"""),
            Named.of("OpenAI refusal", """
                    {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o",\
                    "choices":[{"index":0,"delta":{"refusal":"I can\\u2019t help with that."},"logprobs":null,\
                    "finish_reason":null}]}"""),
            Named.of("OpenAI in-band error", """
                    {"error":{"message":"The server had an error while processing your request. Sorry about that!",\
                    "type":"server_error","param":null,"code":null}}"""),
            Named.of("Groq content chunk", """
                    {"id":"chatcmpl-a1b2","object":"chat.completion.chunk","created":1730241104,\
                    "model":"llama-3.3-70b-versatile","system_fingerprint":"fp_c5f20b5bb1",\
                    "choices":[{"index":0,"delta":{"content":" recover"},"logprobs":null,"finish_reason":null}],\
                    "x_groq":{"id":"req_01jbd6g2qdfw2adyrt2az8hz4w"}}"""),
            Named.of("Groq last chunk with x_groq usage and timings", """
                    {"id":"chatcmpl-a1b2","object":"chat.completion.chunk","created":1730241104,\
                    "model":"llama-3.3-70b-versatile","system_fingerprint":"fp_c5f20b5bb1",\
                    "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],\
                    "x_groq":{"id":"req_01jbd6g2qdfw2adyrt2az8hz4w","usage":{"queue_time":0.020358512,\
                    "prompt_tokens":18,"prompt_time":0.000906963,"completion_tokens":556,\
                    "completion_time":0.463333333,"total_tokens":574,"total_time":0.464240296}}}"""),
            Named.of("Groq usage both top-level and in x_groq", """
                    {"id":"chatcmpl-u","object":"chat.completion.chunk","created":1,"model":"openai/gpt-oss-20b",\
                    "choices":[],"usage":{"queue_time":0.05,"prompt_tokens":90,"prompt_time":0.004,\
                    "completion_tokens":12,"completion_time":0.01,"total_tokens":102,"total_time":0.014,\
                    "prompt_tokens_details":{"cached_tokens":64},"completion_tokens_details":{"reasoning_tokens":7}},\
                    "x_groq":{"id":"req_u","usage":{"prompt_tokens":89,"completion_tokens":11}}}"""),
            Named.of("Groq reasoning delta", """
                    {"id":"chatcmpl-r","object":"chat.completion.chunk","created":1,"model":"qwen/qwen3-32b",\
                    "choices":[{"index":0,"delta":{"reasoning":"Let me think\\n\\nStep 1: "},"logprobs":null,\
                    "finish_reason":null}],"x_groq":{"id":"req_r"}}"""),
            Named.of("Groq whole tool call", """
                    {"id":"chatcmpl-t","object":"chat.completion.chunk","created":1,"model":"llama-3.3-70b-versatile",\
                    "choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_7x9k","type":"function",\
                    "function":{"name":"get_weather","arguments":"{\\"location\\":\\"New York, NY\\"}"},"index":0}]},\
                    "logprobs":null,"finish_reason":null}],"x_groq":{"id":"req_t"}}"""),
            Named.of("Groq error in x_groq", """
                    {"id":"chatcmpl-e","object":"chat.completion.chunk","created":1,"model":"llama-3.3-70b-versatile",\
                    "choices":[],"x_groq":{"id":"req_e","error":{"message":"Service Unavailable",\
                    "type":"internal_server_error","code":"service_unavailable"}}}"""),
            Named.of("Groq tool_use_failed error", """
                    {"error":{"message":"Failed to call a function. Please adjust your prompt.",\
                    "type":"invalid_request_error","code":"tool_use_failed",\
                    "failed_generation":"<function=get_weather{\\"city\\": \\"Paris\\"}</function>"}}"""),
            Named.of("Groq error as a string", """
                    {"x_groq":{"id":"req_s","error":"over capacity"}}"""),
            Named.of("DeepSeek reasoning_content", """
                    {"id":"a8f3","object":"chat.completion.chunk","created":1738000000,"model":"deepseek-reasoner",\
                    "system_fingerprint":"fp_7e73fd9a08_prod0225","choices":[{"index":0,"delta":{"content":null,\
                    "reasoning_content":"Okay, the user asks about 9.11 vs 9.9"},"logprobs":null,"finish_reason":null}]}"""),
            Named.of("DeepSeek usage with cache hits", """
                    {"id":"a8f3","object":"chat.completion.chunk","created":1738000000,"model":"deepseek-chat",\
                    "choices":[{"index":0,"delta":{"content":""},"logprobs":null,"finish_reason":"stop"}],\
                    "usage":{"prompt_tokens":18,"completion_tokens":420,"total_tokens":438,\
                    "prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":380},\
                    "prompt_cache_hit_tokens":16,"prompt_cache_miss_tokens":2}}"""),
            Named.of("vLLM content with extras", """
                    {"id":"chatcmpl-5d2c","object":"chat.completion.chunk","created":1730000000,\
                    "model":"meta-llama/Llama-3.1-8B-Instruct","choices":[{"index":0,"delta":{"content":"42"},\
                    "logprobs":null,"finish_reason":null,"stop_reason":null,"token_ids":[2983]}],"prompt_token_ids":null}"""),
            Named.of("vLLM reasoning with both fields", """
                    {"id":"chatcmpl-5d2c","object":"chat.completion.chunk","created":1730000000,\
                    "model":"Qwen/QwQ-32B","choices":[{"index":0,"delta":{"reasoning_content":"dup",\
                    "reasoning":"once"},"logprobs":null,"finish_reason":null,"matched_stop":{"nested":[[["deep"]]]}}]}"""),
            Named.of("vLLM final chunk with continuous usage", """
                    {"id":"chatcmpl-5d2c","object":"chat.completion.chunk","created":1730000000,"model":"m",\
                    "choices":[{"index":0,"delta":{"content":""},"logprobs":null,"finish_reason":"length",\
                    "stop_reason":null}],"usage":{"prompt_tokens":10,"total_tokens":26,"completion_tokens":16}}"""),
            Named.of("Ollama chunk", """
                    {"id":"chatcmpl-318","object":"chat.completion.chunk","created":1731000000,"model":"llama3.2",\
                    "system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant",\
                    "content":"The"},"finish_reason":null}]}"""),
            Named.of("Ollama last chunk", """
                    {"id":"chatcmpl-318","object":"chat.completion.chunk","created":1731000000,"model":"llama3.2",\
                    "system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},\
                    "finish_reason":"stop"}],"usage":{"prompt_tokens":26,"completion_tokens":9,"total_tokens":35}}"""),
            Named.of("OpenRouter reasoning with details", """
                    {"id":"gen-1745000000-abc","provider":"Anthropic","model":"anthropic/claude-3.7-sonnet:thinking",\
                    "object":"chat.completion.chunk","created":1745000000,"choices":[{"index":0,"delta":{"role":"assistant",\
                    "content":"","reasoning":"Considering","reasoning_details":[{"type":"reasoning.text",\
                    "text":"Considering","format":"anthropic-claude-v1","index":0}]},"finish_reason":null,\
                    "native_finish_reason":null,"logprobs":null}]}"""),
            Named.of("OpenRouter usage with cost", """
                    {"id":"gen-1745000000-abc","provider":"OpenAI","model":"openai/gpt-4o","object":"chat.completion.chunk",\
                    "created":1745000000,"choices":[{"index":0,"delta":{"role":"assistant","content":""},\
                    "finish_reason":"stop","native_finish_reason":"stop","logprobs":null}],"usage":{"prompt_tokens":12,\
                    "completion_tokens":5,"total_tokens":17,"cost":0.0000805,"is_byok":false,\
                    "prompt_tokens_details":{"cached_tokens":0},"cost_details":{"upstream_inference_cost":null},\
                    "completion_tokens_details":{"reasoning_tokens":0}}}"""),
            Named.of("OpenRouter keep-alive payload", """
                    {"id":"gen-k","object":"chat.completion.chunk","created":1,"model":"x","choices":[]}"""),
            Named.of("unicode content", """
                    {"choices":[{"index":0,"delta":{"content":"héllo wörld — 日本語 🙂 ✓ naïve café"}}],"model":"m"}"""),
            Named.of("every escape in content", """
                    {"choices":[{"delta":{"content":"q\\"b\\\\s\\/b\\bf\\fn\\nr\\rt\\t \\u00e9\\u65E5 \\ud83d\\ude00 end"}}]}"""),
            Named.of("escapes mixed with non-ASCII", """
                    {"choices":[{"delta":{"content":"Zürich\\n日本\\"🙂\\" — ok\\u0021","refusal":"\\u00fc€"}}],"id":"é"}"""),
            Named.of("lone surrogates and NUL", """
                    {"choices":[{"delta":{"content":"a\\ud800b\\udc00c\\u0000d","reasoning":"\\uDBFF\\uDFFF"}}]}"""),
            Named.of("escaped keys", """
                    {"choi\\u0063es":[{"\\u0064elta":{"c\\u006Fntent":"x","re\\u0061soning":"y"},"index":2}],\
                    "\\u006dodel":"m"}"""),
            Named.of("arguments sent as a JSON object", """
                    {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f",\
                    "arguments":{"city":"Paris","n":1.50,"e":1e2,"dup":1,"dup":2,"s":"\\u00e9\\n","nested":{"a":[true,false,null,-0]}}}}]}}]}"""),
            Named.of("numbers where text is read", """
                    {"id":123,"model":-1.5E+3,"choices":[{"index":1.0,"delta":{"content":0,"refusal":true,\
                    "reasoning":[]},"finish_reason":7}]}"""),
            Named.of("counts that are fractional or overflow", """
                    {"choices":[],"usage":{"prompt_tokens":1.9,"completion_tokens":99999999999999999999,\
                    "prompt_tokens_details":{"cached_tokens":1e3},"completion_tokens_details":{"reasoning_tokens":-0.5},\
                    "prompt_cache_hit_tokens":2E1}}"""),
            Named.of("indexes that are fractional or overflow", """
                    {"choices":[{"index":4294967297,"delta":{"tool_calls":[{"index":2.99e0,"id":"a"},\
                    {"index":12345678901,"id":"b"},{"index":-3,"id":"c"}]}},{"index":1e1}]}"""),
            Named.of("several choices and a repeated choices key", """
                    {"model":"m","choices":[{"index":0,"delta":{"content":"old"},"finish_reason":"stop"},\
                    {"delta":{"content":"x"}}],"choices":[{"index":1,"delta":{"content":"B"}},{"index":0,\
                    "delta":{"content":"A","tool_calls":[{"index":0,"id":"c"}]},"finish_reason":"length"},\
                    {"delta":{"reasoning_content":"rc"}}, 42, null, "stray"]}"""),
            Named.of("nulls where values may be absent", """
                    {"id":null,"model":null,"choices":[{"index":null,"delta":{"content":null,"tool_calls":null,\
                    "reasoning":null},"finish_reason":null}],"usage":null,"x_groq":null,"error":null}"""),
            Named.of("pretty-printed with every whitespace", "{\r\n\t\"id\" : \"p\" ,\n  \"choices\" :\t[ {\n"
                    + "    \"delta\" : { \"content\" : \"a b\" } ,\r\n    \"finish_reason\" : \"stop\"\n  } ]\n}\n \t"),
            Named.of("usage of zeros only", """
                    {"choices":[],"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}"""));

    static Stream<Named<String>> corpus() {
        return CORPUS.stream();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Decodes {@code bytes} both ways and fails unless both reject, or both accept with equal
     * results; returns whether they accepted.
     */
    private static boolean assertDecodedAlike(byte[] bytes, String what) {
        DecodedChunk expected = ParssonChunkDecoder.decodeOrNull(new String(bytes, StandardCharsets.UTF_8));
        DecodedChunk actual;
        try {
            actual = ChunkDecoder.decode(bytes, 0, bytes.length);
        } catch (LlmException e) {
            assertThat(e.category()).as("category for %s", what).isEqualTo(ErrorTaxonomy.INVALID_RESPONSE);
            if (expected != null) {
                fail("rejected what the Parsson decoder accepts: %s%n%s%nbecause: %s", what, show(bytes),
                        e.getMessage());
            }
            return false;
        } catch (RuntimeException e) {
            throw new AssertionError("threw " + e + " on " + what + "\n" + show(bytes), e);
        }
        if (expected == null) {
            fail("accepted what the Parsson decoder rejects: %s%n%s", what, show(bytes));
        }
        assertThat(actual).as("%s%n%s", what, show(bytes)).isEqualTo(expected);
        return true;
    }

    private static String show(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.length() > 400 ? HexFormat.of().formatHex(bytes) : text + "\n" + HexFormat.of().formatHex(bytes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyCorpusChunkIsAcceptedAndDecodedAsTheParssonDecoderDecodesIt(String chunk) {
        assertThat(ParssonChunkDecoder.decodeOrNull(chunk)).as("the oracle accepts the corpus").isNotNull();

        assertThat(assertDecodedAlike(utf8(chunk), "the chunk")).isTrue();
        assertThat(ChunkDecoder.decode(chunk)).isEqualTo(ChunkDecoder.decode(utf8(chunk), 0, utf8(chunk).length));
    }

    @Test
    void aChunkInsideALargerArrayIsReadFromItsRangeOnly() {
        byte[] chunk = utf8(CORPUS.get(12).getPayload());
        byte[] framed = new byte[chunk.length + 20];
        Arrays.fill(framed, (byte) '}');
        System.arraycopy(chunk, 0, framed, 7, chunk.length);

        assertThat(ChunkDecoder.decode(framed, 7, chunk.length)).isEqualTo(ChunkDecoder.decode(chunk, 0, chunk.length));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyTruncationIsDecodedAlike(String chunk) {
        ByteMutations.truncations(utf8(chunk)).forEach(m -> assertDecodedAlike(m.bytes(), m.what()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everySingleByteDeletionIsDecodedAlike(String chunk) {
        ByteMutations.singleDeletions(utf8(chunk)).forEach(m -> assertDecodedAlike(m.bytes(), m.what()));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void randomByteOverwritesAreDecodedAlike(long seed) {
        List<ByteMutations.Mutation> cases = ByteMutations.overwrites(corpusBytes(), seed, 2_000);
        long accepted = cases.stream().filter(m -> assertDecodedAlike(m.bytes(), m.what())).count();
        assertThat(accepted).as("mutations that are still valid chunks")
                .isBetween(cases.size() / 20L, cases.size() - cases.size() / 20L);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5})
    void randomInsertionsAreDecodedAlike(long seed) {
        List<ByteMutations.Mutation> cases = ByteMutations.insertions(corpusBytes(), seed, 2_000);
        long accepted = cases.stream().filter(m -> assertDecodedAlike(m.bytes(), m.what())).count();
        assertThat(accepted).as("insertions that leave a valid chunk")
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

    /** Malformed UTF-8 in kept text: each case wrapped as the content, the id and a key. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"C3", "C328", "E282", "E2822E", "E28228", "F09F98", "F09F9828", "EDA080", "EDBFBF",
        "C0AF", "E08080", "F08080", "F4908080", "F5808080", "FF", "80", "BFBF", "C3A9C3", "E2FF82", "F0"})
    void malformedUtf8InKeptTextBecomesTheSameReplacementCharacters(String hex) {
        byte[] bad = HexFormat.of().parseHex(hex);
        for (String template : List.of("{\"choices\":[{\"delta\":{\"content\":\"a%sb\"}}]}",
                "{\"choices\":[{\"delta\":{\"content\":\"%s\"}}]}",
                "{\"choices\":[{\"delta\":{\"content\":\"\\n%s\\t%s\\u00e9\"}}]}",
                "{\"id\":\"x%s\",\"choices\":[]}",
                "{\"choices\":[{\"delta\":{\"content\":\"é%s\\\"%s\"}}]}",
                "{\"%s\":1,\"choices\":[]}",
                "{\"choices\":[{\"delta\":{\"content\":\"x\"}}],\"mod%sel\":\"m\"}")) {
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
