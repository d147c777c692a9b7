package dev.multillm.openai;

/**
 * Real-shaped OpenAI bodies and stream payloads, written from OpenAI's API reference and the types
 * of its official SDKs (openai-python: ChatCompletion, ChatCompletionChunk, CompletionUsage with
 * prompt_tokens_details and completion_tokens_details), plus the shapes compatible servers send.
 */
final class OpenAiBodies {
    private OpenAiBodies() {
    }

    static final String MODEL = "gpt-4o-mini";

    static final String USAGE_DETAILS = """
            {"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0,\
            "audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,\
            "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}""";

    static final String BASIC = """
            {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,\
            "model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant",\
            "content":"Hello! How can I assist you today?","refusal":null,"annotations":[]},"logprobs":null,\
            "finish_reason":"stop"}],"usage":%s,"service_tier":"default","system_fingerprint":"fp_06737a9306"}"""
            .formatted(USAGE_DETAILS);

    static final String TWO_CHOICES = """
            {"id":"chatcmpl-n2","object":"chat.completion","created":1741569953,"model":"gpt-4o-mini-2024-07-18",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"Red.","refusal":null,"annotations":[]},\
            "logprobs":null,"finish_reason":"stop"},{"index":1,"message":{"role":"assistant","content":"Blue.",\
            "refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"length"}],\
            "usage":{"prompt_tokens":12,"completion_tokens":4,"total_tokens":16},"system_fingerprint":"fp_1"}""";

    static final String REFUSAL = """
            {"id":"chatcmpl-refusal","object":"chat.completion","created":1741569954,"model":"gpt-4o-2024-08-06",\
            "choices":[{"index":0,"message":{"role":"assistant","content":null,\
            "refusal":"I'm sorry, I can't help with that request.","annotations":[]},"logprobs":null,\
            "finish_reason":"stop"}],"usage":{"prompt_tokens":30,"completion_tokens":11,"total_tokens":41}}""";

    /** A reasoning model that spent every allowed token on reasoning: empty content, finish length. */
    static final String EMPTY_LENGTH = """
            {"id":"chatcmpl-len","object":"chat.completion","created":1741569955,"model":"o4-mini-2025-04-16",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"","refusal":null,"annotations":[]},\
            "logprobs":null,"finish_reason":"length"}],"usage":{"prompt_tokens":25,"completion_tokens":100,\
            "total_tokens":125,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},\
            "completion_tokens_details":{"reasoning_tokens":100,"audio_tokens":0,"accepted_prediction_tokens":0,\
            "rejected_prediction_tokens":0}},"service_tier":"default"}""";

    static final String CACHED_AND_REASONING = """
            {"id":"chatcmpl-cache","object":"chat.completion","created":1741569956,"model":"o3-mini-2025-01-31",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"42","refusal":null,"annotations":[]},\
            "logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":2006,"completion_tokens":300,\
            "total_tokens":2306,"prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},\
            "completion_tokens_details":{"reasoning_tokens":192,"audio_tokens":0,"accepted_prediction_tokens":0,\
            "rejected_prediction_tokens":0}},"service_tier":"flex","system_fingerprint":"fp_42bfad963b"}""";

    /** A minimal compatible server (llama.cpp, older Ollama): no id, no created, no usage, extra fields. */
    static final String MINIMAL_COMPATIBLE = """
            {"object":"chat.completion","model":"llama3.2","choices":[{"index":0,"message":{"role":"assistant",\
            "content":"Hi there"},"finish_reason":"stop"}],"timings":{"prompt_n":5,"predicted_n":3},\
            "x_vendor":{"node":"gpu-7"}}""";

    static final String TOOL_CALLS = """
            {"id":"chatcmpl-tools","object":"chat.completion","created":1741569957,"model":"gpt-4o-mini-2024-07-18",\
            "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":\
            "call_abc123XYZ","type":"function","function":{"name":"get_weather","arguments":\
            "{\\"location\\":\\"Paris\\"}"}},{"id":"call_def456UVW","type":"function","function":{"name":"get_time",\
            "arguments":"{\\"timezone\\":\\"Europe/Paris\\"}"}}],"refusal":null,"annotations":[]},\
            "logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":80,"completion_tokens":40,\
            "total_tokens":120}}""";

    static final String MODELS = """
            {"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"},\
            {"id":"o3-mini","object":"model","created":1737146383,"owned_by":"system"}]}""";

    // ---- stream payloads ----

    static String chunk(String delta, String finishReason) {
        return """
                {"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1741569960,\
                "model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_06737a9306",\
                "choices":[{"index":0,"delta":%s,"logprobs":null,"finish_reason":%s}],"usage":null}"""
                .formatted(delta, finishReason == null ? "null" : "\"" + finishReason + "\"");
    }

    static String content(String text) {
        return chunk("{\"content\":\"" + text + "\"}", null);
    }

    static final String ROLE = chunk("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null);

    static String usageChunk(int prompt, int cached, int completion, int reasoning) {
        return """
                {"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1741569960,\
                "model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_06737a9306",\
                "choices":[],"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d,\
                "prompt_tokens_details":{"cached_tokens":%d,"audio_tokens":0},"completion_tokens_details":\
                {"reasoning_tokens":%d,"audio_tokens":0,"accepted_prediction_tokens":0,\
                "rejected_prediction_tokens":0}}}""".formatted(prompt, completion, prompt + completion, cached,
                reasoning);
    }

    static String toolDelta(String callsJson) {
        return chunk("{\"tool_calls\":" + callsJson + "}", null);
    }

    static String error(String type, String code, String param, String message) {
        return """
                {"error":{"message":"%s","type":"%s","param":%s,"code":%s}}""".formatted(message, type,
                param == null ? "null" : "\"" + param + "\"", code == null ? "null" : "\"" + code + "\"");
    }
}
