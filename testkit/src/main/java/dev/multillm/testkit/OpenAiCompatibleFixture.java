package dev.multillm.testkit;

import dev.multillm.core.ApiKey;
import dev.multillm.core.RateLimitSnapshot;
import dev.multillm.core.ToolCall;
import dev.multillm.core.Usage;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link WireFixture} of the OpenAI chat-completions protocol, which Groq, vLLM, Ollama,
 * LM Studio, Together, Fireworks, DeepSeek, OpenRouter and others speak: {@code chat.completion}
 * and {@code chat.completion.chunk} objects, {@code data: [DONE]} at the end of a stream, errors
 * as {@code {"error":{"message","type","param","code"}}}, {@code Authorization: Bearer} keys,
 * {@code x-request-id} and {@code x-ratelimit-*} headers.
 *
 * <p>Answers carry a few fields the contract never asks about ({@code system_fingerprint},
 * {@code service_tier}, an unknown {@code x_extra} object), so a provider that fails on unknown
 * fields fails the contract. Subclass it to adapt one detail (say, a different request id header).
 *
 * <p>Thread-safety: stateless, safe to share.
 */
public class OpenAiCompatibleFixture implements WireFixture {

    /** The request fields of the OpenAI chat-completions API that the contract accepts. */
    public static final Set<String> REQUEST_FIELDS = Set.of("model", "messages", "tools", "tool_choice",
            "parallel_tool_calls", "response_format", "temperature", "top_p", "max_completion_tokens", "max_tokens",
            "stop", "seed", "user", "reasoning_effort", "reasoning_format", "n", "logprobs", "top_logprobs",
            "service_tier", "stream", "stream_options", "frequency_penalty", "presence_penalty", "logit_bias",
            "metadata", "store", "modalities", "prediction", "audio", "web_search_options", "verbosity");

    private static final long CREATED = 1_767_225_600L;

    @Override
    public String chatPath() {
        return "/chat/completions";
    }

    @Override
    public Map.Entry<String, String> authHeader(ApiKey key) {
        return Map.entry("Authorization", "Bearer " + key.reveal());
    }

    @Override
    public Set<String> requestFields() {
        return REQUEST_FIELDS;
    }

    /** The response header that carries the upstream request id. */
    protected String requestIdHeader() {
        return "x-request-id";
    }

    // ------------------------------------------------------------------------ reading requests

    @Override
    public String model(RecordedRequest request) {
        JsonObject body = request.json();
        return body.containsKey("model") && body.get("model").getValueType() == JsonValue.ValueType.STRING
                ? body.getString("model") : null;
    }

    @Override
    public List<SentMessage> messages(RecordedRequest request) {
        List<SentMessage> messages = new ArrayList<>();
        for (JsonValue value : request.json().getJsonArray("messages")) {
            JsonObject message = value.asJsonObject();
            messages.add(new SentMessage(message.getString("role"), text(message.get("content"))));
        }
        return messages;
    }

    private static String text(JsonValue content) {
        if (content == null || content.getValueType() == JsonValue.ValueType.NULL) {
            return "";
        }
        if (content.getValueType() == JsonValue.ValueType.STRING) {
            return ((jakarta.json.JsonString) content).getString();
        }
        StringBuilder text = new StringBuilder();
        if (content.getValueType() == JsonValue.ValueType.ARRAY) {
            for (JsonValue part : content.asJsonArray()) {
                JsonObject p = part.asJsonObject();
                if ("text".equals(p.getString("type", "")) && p.containsKey("text")) {
                    text.append(p.getString("text"));
                }
            }
        }
        return text.toString();
    }

    @Override
    public boolean streamRequested(RecordedRequest request) {
        JsonObject body = request.json();
        return body.containsKey("stream") && body.get("stream") == JsonValue.TRUE;
    }

    @Override
    public List<String> toolNames(RecordedRequest request) {
        JsonObject body = request.json();
        if (!body.containsKey("tools") || body.isNull("tools")) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (JsonValue tool : body.getJsonArray("tools")) {
            names.add(tool.asJsonObject().getJsonObject("function").getString("name"));
        }
        return names;
    }

    @Override
    public String responseFormatType(RecordedRequest request) {
        JsonObject body = request.json();
        if (!body.containsKey("response_format") || body.isNull("response_format")) {
            return null;
        }
        return body.getJsonObject("response_format").getString("type", null);
    }

    @Override
    public List<String> imageUrls(RecordedRequest request) {
        List<String> urls = new ArrayList<>();
        for (JsonValue value : request.json().getJsonArray("messages")) {
            JsonValue content = value.asJsonObject().get("content");
            if (content != null && content.getValueType() == JsonValue.ValueType.ARRAY) {
                for (JsonValue part : content.asJsonArray()) {
                    JsonObject p = part.asJsonObject();
                    if ("image_url".equals(p.getString("type", ""))) {
                        JsonValue imageUrl = p.get("image_url");
                        urls.add(imageUrl.getValueType() == JsonValue.ValueType.STRING
                                ? ((jakarta.json.JsonString) imageUrl).getString()
                                : imageUrl.asJsonObject().getString("url"));
                    }
                }
            }
        }
        return urls;
    }

    // ------------------------------------------------------------------------ rendering answers

    @Override
    public Reply textReply(TextAnswer answer) {
        JsonObject message = Json.createObjectBuilder().add("role", "assistant").add("content", answer.content())
                .addNull("refusal").build();
        JsonObject choice = Json.createObjectBuilder().add("index", 0).add("message", message).addNull("logprobs")
                .add("finish_reason", answer.finishReason().wireValue()).build();
        return completion(answer.id(), answer.model(), choice, answer.usage(), answer.requestId());
    }

    @Override
    public Reply toolCallReply(ToolCallAnswer answer) {
        JsonArrayBuilder calls = Json.createArrayBuilder();
        for (ToolCall call : answer.calls()) {
            calls.add(Json.createObjectBuilder().add("id", call.id()).add("type", "function")
                    .add("function", Json.createObjectBuilder().add("name", call.name())
                            .add("arguments", call.arguments())));
        }
        JsonObject message = Json.createObjectBuilder().add("role", "assistant").addNull("content")
                .add("tool_calls", calls).build();
        JsonObject choice = Json.createObjectBuilder().add("index", 0).add("message", message)
                .add("finish_reason", "tool_calls").build();
        return completion(answer.id(), answer.model(), choice, answer.usage(), answer.requestId());
    }

    private Reply completion(String id, String model, JsonObject choice, Usage usage, String requestId) {
        JsonObjectBuilder body = Json.createObjectBuilder().add("id", id).add("object", "chat.completion")
                .add("created", CREATED).add("model", model).add("choices", Json.createArrayBuilder().add(choice))
                .add("system_fingerprint", "fp_contract").add("service_tier", "default")
                .add("x_extra", Json.createObjectBuilder().add("ignored", true));
        if (usage.reported()) {
            body.add("usage", usage(usage));
        }
        Reply reply = Reply.json(200, body.build().toString());
        return requestId == null ? reply : reply.header(requestIdHeader(), requestId);
    }

    private static JsonObject usage(Usage usage) {
        return Json.createObjectBuilder()
                .add("prompt_tokens", usage.inputTokens())
                .add("completion_tokens", usage.outputTokens())
                .add("total_tokens", usage.totalTokens())
                .add("prompt_tokens_details", Json.createObjectBuilder().add("cached_tokens", usage.cachedInputTokens()))
                .add("completion_tokens_details",
                        Json.createObjectBuilder().add("reasoning_tokens", usage.reasoningTokens()))
                .build();
    }

    @Override
    public StreamEvents textStream(TextAnswer answer, List<String> deltas) {
        List<String> output = new ArrayList<>();
        for (int i = 0; i < deltas.size(); i++) {
            JsonObjectBuilder delta = Json.createObjectBuilder();
            if (i == 0) {
                delta.add("role", "assistant");
            }
            delta.add("content", deltas.get(i));
            output.add(chunk(answer.id(), answer.model(), delta.build(), null));
        }
        return stream(answer.id(), answer.model(), output, answer.finishReason().wireValue(), answer.usage(),
                answer.requestId());
    }

    @Override
    public StreamEvents toolCallStream(ToolCallAnswer answer, int argumentPieces) {
        if (argumentPieces < 1) {
            throw new IllegalArgumentException("argumentPieces must be at least 1");
        }
        List<String> output = new ArrayList<>();
        List<ToolCall> calls = answer.calls();
        // The opening fragment of every call: index, id, type and name, empty arguments.
        for (int i = 0; i < calls.size(); i++) {
            ToolCall call = calls.get(i);
            JsonObject fragment = Json.createObjectBuilder().add("index", i).add("id", call.id())
                    .add("type", "function")
                    .add("function", Json.createObjectBuilder().add("name", call.name()).add("arguments", ""))
                    .build();
            JsonObjectBuilder delta = Json.createObjectBuilder();
            if (i == 0) {
                delta.add("role", "assistant").addNull("content");
            }
            output.add(chunk(answer.id(), answer.model(),
                    delta.add("tool_calls", Json.createArrayBuilder().add(fragment)).build(), null));
        }
        // Then the argument pieces, round robin across the calls: only the index identifies them.
        List<List<String>> pieces = new ArrayList<>();
        for (ToolCall call : calls) {
            pieces.add(cut(call.arguments(), argumentPieces));
        }
        for (int p = 0; p < argumentPieces; p++) {
            for (int i = 0; i < calls.size(); i++) {
                if (p >= pieces.get(i).size()) {
                    continue;
                }
                JsonObject fragment = Json.createObjectBuilder().add("index", i)
                        .add("function", Json.createObjectBuilder().add("arguments", pieces.get(i).get(p))).build();
                output.add(chunk(answer.id(), answer.model(), Json.createObjectBuilder()
                        .add("tool_calls", Json.createArrayBuilder().add(fragment)).build(), null));
            }
        }
        return stream(answer.id(), answer.model(), output, "tool_calls", answer.usage(), answer.requestId());
    }

    /** {@code text} cut into at most {@code pieces} non-empty parts (at code-point boundaries). */
    static List<String> cut(String text, int pieces) {
        List<String> parts = new ArrayList<>();
        int[] codePoints = text.codePoints().toArray();
        if (codePoints.length == 0) {
            return parts;
        }
        int n = Math.min(pieces, codePoints.length);
        for (int i = 0; i < n; i++) {
            int from = i * codePoints.length / n;
            int to = (i + 1) * codePoints.length / n;
            parts.add(new String(codePoints, from, to - from));
        }
        return parts;
    }

    private StreamEvents stream(String id, String model, List<String> output, String finishReason, Usage usage,
                                String requestId) {
        List<String> finish = new ArrayList<>();
        finish.add(chunk(id, model, JsonValue.EMPTY_JSON_OBJECT, finishReason));
        if (usage.reported()) {
            // As with stream_options.include_usage: a last chunk with no choices and the usage.
            finish.add(event(Json.createObjectBuilder().add("id", id).add("object", "chat.completion.chunk")
                    .add("created", CREATED).add("model", model).add("choices", JsonValue.EMPTY_JSON_ARRAY)
                    .add("usage", usage(usage)).build()));
        }
        List<Map.Entry<String, String>> headers = requestId == null
                ? List.of() : List.of(Map.entry(requestIdHeader(), requestId));
        return new StreamEvents(headers, output, finish, List.of("data: [DONE]\n\n"));
    }

    private static String chunk(String id, String model, JsonObject delta, String finishReason) {
        JsonObjectBuilder choice = Json.createObjectBuilder().add("index", 0).add("delta", delta).addNull("logprobs");
        if (finishReason == null) {
            choice.addNull("finish_reason");
        } else {
            choice.add("finish_reason", finishReason);
        }
        return event(Json.createObjectBuilder().add("id", id).add("object", "chat.completion.chunk")
                .add("created", CREATED).add("model", model).add("system_fingerprint", "fp_contract")
                .add("choices", Json.createArrayBuilder().add(choice)).build());
    }

    private static String event(JsonObject data) {
        return "data: " + data + "\n\n";
    }

    // ------------------------------------------------------------------------ errors

    @Override
    public Reply errorReply(ErrorAnswer error) {
        Reply reply = Reply.json(error.status(), errorBody(error).toString());
        for (Map.Entry<String, String> header : error.headers()) {
            reply = reply.header(header.getKey(), header.getValue());
        }
        return reply;
    }

    @Override
    public String streamErrorEvent(ErrorAnswer error) {
        return event(errorBody(error));
    }

    private static JsonObject errorBody(ErrorAnswer error) {
        JsonObjectBuilder details = Json.createObjectBuilder().add("message", error.message());
        if (error.type() == null) {
            details.addNull("type");
        } else {
            details.add("type", error.type());
        }
        details.addNull("param");
        if (error.code() == null) {
            details.addNull("code");
        } else {
            details.add("code", error.code());
        }
        return Json.createObjectBuilder().add("error", details).build();
    }

    @Override
    public List<Map.Entry<String, String>> rateLimitHeaders(RateLimitSnapshot snapshot) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        add(headers, "x-ratelimit-limit-requests", snapshot.limitRequests());
        add(headers, "x-ratelimit-remaining-requests", snapshot.remainingRequests());
        addDuration(headers, "x-ratelimit-reset-requests", snapshot.resetRequests());
        add(headers, "x-ratelimit-limit-tokens", snapshot.limitTokens());
        add(headers, "x-ratelimit-remaining-tokens", snapshot.remainingTokens());
        addDuration(headers, "x-ratelimit-reset-tokens", snapshot.resetTokens());
        return headers;
    }

    private static void add(List<Map.Entry<String, String>> headers, String name, Long value) {
        if (value != null) {
            headers.add(Map.entry(name, Long.toString(value)));
        }
    }

    private static void addDuration(List<Map.Entry<String, String>> headers, String name, Duration value) {
        if (value != null) {
            headers.add(Map.entry(name, goDuration(value)));
        }
    }

    /** A duration as OpenAI and Groq write it: {@code 330ms}, {@code 6m0s}, {@code 2m59.56s}, {@code 1h0m0s}. */
    static String goDuration(Duration d) {
        long millis = d.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        long hours = millis / 3_600_000;
        long minutes = millis % 3_600_000 / 60_000;
        long restMillis = millis % 60_000;
        String seconds = restMillis % 1000 == 0
                ? Long.toString(restMillis / 1000)
                : java.math.BigDecimal.valueOf(restMillis, 3).stripTrailingZeros().toPlainString();
        StringBuilder text = new StringBuilder();
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            text.append(minutes).append('m');
        }
        return text.append(seconds).append('s').toString();
    }
}
