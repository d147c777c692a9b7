package dev.multillm.groq;

/**
 * Real-shaped Groq bodies and stream payloads, written from Groq's API reference and the types of
 * its official SDK (groq-python: ChatCompletion, ChatCompletionChunk with {@code x_groq},
 * CompletionUsage with the timing fields).
 */
final class GroqBodies {
    private GroqBodies() {
    }

    static final String MODEL = "llama-3.3-70b-versatile";

    static final String USAGE = """
            {"queue_time":0.037493756,"prompt_tokens":18,"prompt_time":0.000680594,"completion_tokens":556,\
            "completion_time":0.463333333,"total_tokens":574,"total_time":0.464013927}""";

    static final String BASIC = """
            {"id":"chatcmpl-f51b2cd2-bef7-417e-964e-a08f0b513c22","object":"chat.completion","created":1730241104,\
            "model":"llama-3.3-70b-versatile","choices":[{"index":0,"message":{"role":"assistant",\
            "content":"Fast language models matter because latency compounds."},"logprobs":null,\
            "finish_reason":"stop"}],"usage":%s,"usage_breakdown":null,"system_fingerprint":"fp_179b0f92c9",\
            "x_groq":{"id":"req_01jbd6g2qdfw2adyrt2az8hz4w"},"service_tier":"on_demand"}""".formatted(USAGE);

    /** Groq omits {@code content} on tool calls and uses short ids. */
    static final String TOOL_CALL = """
            {"id":"chatcmpl-8a1e0c3f-0b6d-4d3e-9a43-1c2d6f1b9e77","object":"chat.completion","created":1730241200,\
            "model":"llama-3.3-70b-versatile","choices":[{"index":0,"message":{"role":"assistant",\
            "tool_calls":[{"id":"call_d5wg","type":"function","function":{"name":"get_weather",\
            "arguments":"{\\"location\\": \\"New York, NY\\"}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],\
            "usage":{"queue_time":0.02,"prompt_tokens":224,"prompt_time":0.01,"completion_tokens":22,\
            "completion_time":0.02,"total_tokens":246,"total_time":0.03},"system_fingerprint":"fp_a4265e44d5",\
            "x_groq":{"id":"req_01jbd6h0a5f0r9dtb2gy8kqv8p"}}""";

    static final String PARALLEL_TOOL_CALLS = """
            {"id":"chatcmpl-2d2f0a7c-4b1e-4c55-a1ef-2bb1f4c0e0a1","object":"chat.completion","created":1730241300,\
            "model":"llama-3.3-70b-versatile","choices":[{"index":0,"message":{"role":"assistant",\
            "tool_calls":[{"id":"call_fgdt","type":"function","function":{"name":"get_weather",\
            "arguments":"{\\"location\\": \\"Paris\\"}"}},{"id":"call_h2kq","type":"function",\
            "function":{"name":"get_time","arguments":"{\\"timezone\\": \\"Europe/Paris\\"}"}}]},\
            "logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":300,"completion_tokens":40,\
            "total_tokens":340},"x_groq":{"id":"req_01parallel"}}""";

    /** {@code reasoning_format: parsed} on qwen3: reasoning in its own field. */
    static final String REASONING_PARSED = """
            {"id":"chatcmpl-r1","object":"chat.completion","created":1740000000,"model":"qwen/qwen3-32b",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"There are 3 r's in strawberry.",\
            "reasoning":"Let me spell it: s-t-r-a-w-b-e-r-r-y. r appears at 3, 8 and 9."},"logprobs":null,\
            "finish_reason":"stop"}],"usage":{"queue_time":0.05,"prompt_tokens":17,"prompt_time":0.001,\
            "completion_tokens":120,"completion_time":0.2,"total_tokens":137,"total_time":0.201},\
            "x_groq":{"id":"req_01reasonparsed"}}""";

    /** {@code reasoning_format: raw}: the reasoning stays in the content, inside think tags. */
    static final String REASONING_RAW = """
            {"id":"chatcmpl-r2","object":"chat.completion","created":1740000001,\
            "model":"deepseek-r1-distill-llama-70b","choices":[{"index":0,"message":{"role":"assistant",\
            "content":"<think>\\nCount the r's: three.\\n</think>\\n\\nThere are 3 r's in strawberry."},\
            "logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":17,"completion_tokens":40,\
            "total_tokens":57},"x_groq":{"id":"req_01reasonraw"}}""";

    /** gpt-oss: the {@code reasoning} field, plus fields multillm does not know (executed_tools). */
    static final String REASONING_GPT_OSS = """
            {"id":"chatcmpl-r3","object":"chat.completion","created":1754400000,"model":"openai/gpt-oss-20b",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"Paris.",\
            "reasoning":"The user asks for the capital of France. That is Paris.","executed_tools":[]},\
            "logprobs":null,"finish_reason":"stop"}],"usage":{"queue_time":0.01,"prompt_tokens":80,\
            "prompt_time":0.004,"completion_tokens":30,"completion_time":0.03,"total_tokens":110,\
            "total_time":0.034,"completion_tokens_details":{"reasoning_tokens":22}},\
            "usage_breakdown":{"models":[{"model":"openai/gpt-oss-20b","usage":{"prompt_tokens":80}}]},\
            "system_fingerprint":"fp_3d587a02fb","x_groq":{"id":"req_01gptoss"},"service_tier":"on_demand"}""";

    static final String JSON_MODE = """
            {"id":"chatcmpl-j1","object":"chat.completion","created":1740000100,"model":"llama-3.3-70b-versatile",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"{\\"name\\": \\"Ada\\", \\"born\\": 1815}"},\
            "logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":40,"completion_tokens":12,\
            "total_tokens":52},"x_groq":{"id":"req_01json"}}""";

    static final String MODELS = """
            {"object":"list","data":[{"id":"llama-3.3-70b-versatile","object":"model","created":1733447754,\
            "owned_by":"Meta","active":true,"context_window":131072,"public_apps":null,\
            "max_completion_tokens":32768},{"id":"openai/gpt-oss-20b","object":"model","created":1754407957,\
            "owned_by":"OpenAI","active":true,"context_window":131072,"public_apps":null,\
            "max_completion_tokens":65536}]}""";

    // ---- stream payloads ----

    static final String CHUNK_ROLE = """
            {"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1730241104,\
            "model":"llama-3.3-70b-versatile","system_fingerprint":"fp_179b0f92c9","choices":[{"index":0,\
            "delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],\
            "x_groq":{"id":"req_01stream","seed":1021004413}}""";

    static String chunkContent(String text) {
        return """
                {"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1730241104,\
                "model":"llama-3.3-70b-versatile","system_fingerprint":"fp_179b0f92c9","choices":[{"index":0,\
                "delta":{"content":"%s"},"logprobs":null,"finish_reason":null}]}""".formatted(text);
    }

    static final String STREAM_USAGE = """
            {"queue_time":0.0391495,"prompt_tokens":45,"prompt_time":0.002,"completion_tokens":3,\
            "completion_time":0.01,"total_tokens":48,"total_time":0.012}""";

    /** The finish chunk; {@code extra} is spliced in after the choices (usage, x_groq ...). */
    static String chunkFinish(String extra) {
        return """
                {"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1730241104,\
                "model":"llama-3.3-70b-versatile","system_fingerprint":"fp_179b0f92c9","choices":[{"index":0,\
                "delta":{},"logprobs":null,"finish_reason":"stop"}]%s}""".formatted(extra);
    }

    /** The empty-choices chunk that {@code stream_options.include_usage} adds. */
    static String chunkUsageOnly(String extra) {
        return """
                {"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1730241104,\
                "model":"llama-3.3-70b-versatile","system_fingerprint":"fp_179b0f92c9","choices":[]%s}"""
                .formatted(extra);
    }

    static final String X_GROQ_USAGE = ",\"x_groq\":{\"id\":\"req_01stream\",\"usage\":" + STREAM_USAGE + "}";
    static final String TOP_USAGE = ",\"usage\":" + STREAM_USAGE;

    static final String CHUNK_TOOL_START = """
            {"id":"chatcmpl-t1","object":"chat.completion.chunk","created":1730241200,\
            "model":"llama-3.3-70b-versatile","choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_d5wg",\
            "type":"function","function":{"name":"get_weather","arguments":"{\\"location\\": \\"New York, NY\\"}"},\
            "index":0}]},"logprobs":null,"finish_reason":null}],"x_groq":{"id":"req_01toolstream"}}""";

    static final String CHUNK_TOOL_FINISH = """
            {"id":"chatcmpl-t1","object":"chat.completion.chunk","created":1730241200,\
            "model":"llama-3.3-70b-versatile","choices":[{"index":0,"delta":{},"logprobs":null,\
            "finish_reason":"tool_calls"}],"x_groq":{"id":"req_01toolstream","usage":{"prompt_tokens":224,\
            "completion_tokens":22,"total_tokens":246}}}""";

    static final String CHUNK_REASONING = """
            {"id":"chatcmpl-s2","object":"chat.completion.chunk","created":1754400000,"model":"openai/gpt-oss-20b",\
            "choices":[{"index":0,"delta":{"reasoning":"The capital of France is Paris."},"logprobs":null,\
            "finish_reason":null}]}""";

    static String error(String type, String code, String message) {
        return """
                {"error":{"message":"%s","type":"%s"%s}}""".formatted(message, type,
                code == null ? "" : ",\"code\":\"" + code + "\"");
    }
}
