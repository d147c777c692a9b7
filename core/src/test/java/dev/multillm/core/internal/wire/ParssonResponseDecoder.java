package dev.multillm.core.internal.wire;

import dev.multillm.core.ChatResponse;
import dev.multillm.core.Choice;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.FinishReason;
import dev.multillm.core.LlmException;
import dev.multillm.core.ToolCall;
import dev.multillm.core.Usage;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The test oracle for {@link ResponseDecoder}: its implementation before it read bytes, on the
 * JSON-P (Parsson) object tree of the body, kept verbatim apart from its name and visibility.
 *
 * <p>It differs from the bytes decoder where it failed with an exception other than
 * {@link LlmException} or {@link WireErrorException}, which the unary call reported as
 * {@link ErrorTaxonomy#INVALID_RESPONSE} ("cannot read the response"): a tool call whose name is
 * blank (whitespace only), which {@link ToolCall} refuses with an {@link IllegalArgumentException},
 * and Parsson's own limits (a number over 1,100 characters or with an exponent beyond {@code int},
 * anywhere in the body; nesting 1,000 deep). The differential test counts those as rejections.
 * Where the limits differ (nesting between 257 and 1,000 levels, which the bytes reader refuses; an
 * over-long number in an ignored field, which it skips without converting), no corpus body or
 * mutation reaches them.
 *
 * <p>Thread-safety: stateless and thread-safe; the JSON-P parser factory is shared.
 */
final class ParssonResponseDecoder {
    /** Metadata key of Groq's request id ({@code x_groq.id}). */
    static final String META_GROQ_ID = "x_groq.id";
    /** Metadata key of the service tier that served the request. */
    static final String META_SERVICE_TIER = "service_tier";
    /** Metadata key of the backend fingerprint. */
    static final String META_SYSTEM_FINGERPRINT = "system_fingerprint";
    /** Groq's timing fields in {@code usage}, in seconds; metadata keys are {@code groq.<field>}. */
    static final List<String> GROQ_TIMING_FIELDS =
            List.of("queue_time", "prompt_time", "completion_time", "total_time");

    private ParssonResponseDecoder() {
    }

    /**
     * Parses the body.
     *
     * @param body     the response body
     * @param provider the provider id, set on the builder and named in errors
     * @return a builder with id, provider, model, choices, usage and metadata set; the caller adds
     *         request id, rate limit and attempts
     * @throws LlmException        {@link ErrorTaxonomy#INVALID_RESPONSE} when the body is not JSON
     *                             or has no choices
     * @throws WireErrorException  when the body is an {@code {"error":{...}}} object
     */
    static ChatResponse.Builder decode(String body, String provider) {
        if (body == null || body.isBlank()) {
            throw WireJson.invalidResponse(provider, "response body is empty", null);
        }
        JsonValue root;
        try {
            root = WireJson.readValue(body);
        } catch (JsonException e) {
            throw WireJson.invalidResponse(provider,
                    "response body is not JSON (" + e.getMessage() + "): " + WireJson.snippet(body), e);
        }
        if (root.getValueType() != JsonValue.ValueType.OBJECT) {
            throw WireJson.invalidResponse(provider,
                    "response body is not a JSON object: " + WireJson.snippet(body), null);
        }
        JsonObject object = root.asJsonObject();
        JsonValue error = object.get("error");
        if (error instanceof JsonObject errorObject) {
            throw new WireErrorException(errorObject);
        }
        if (error instanceof JsonString errorText) {
            throw new WireErrorException(WireJson.errorFromString(errorText.getString()));
        }
        JsonValue choices = object.get("choices");
        if (!(choices instanceof JsonArray array) || array.isEmpty()) {
            throw WireJson.invalidResponse(provider,
                    "response body has no choices: " + WireJson.snippet(body), null);
        }

        ChatResponse.Builder builder = ChatResponse.builder().provider(provider)
                .id(string(object, "id")).model(string(object, "model"));
        for (int i = 0; i < array.size(); i++) {
            builder.addChoice(choice(array.get(i), i, provider));
        }

        JsonObject groq = object(object, "x_groq");
        JsonObject usage = object(object, "usage");
        if (usage == null && groq != null) {
            usage = object(groq, "usage");
        }
        builder.usage(usage == null ? Usage.NOT_REPORTED : usage(usage, provider));
        if (usage != null) {
            for (String field : GROQ_TIMING_FIELDS) {
                if (usage.get(field) instanceof JsonNumber n) {
                    builder.metadata("groq." + field, n.doubleValue());
                }
            }
        }
        String groqId = groq == null ? null : string(groq, "id");
        if (groqId != null) {
            builder.metadata(META_GROQ_ID, groqId);
        }
        String tier = string(object, "service_tier");
        if (tier != null) {
            builder.metadata(META_SERVICE_TIER, tier);
        }
        String fingerprint = string(object, "system_fingerprint");
        if (fingerprint != null) {
            builder.metadata(META_SYSTEM_FINGERPRINT, fingerprint);
        }
        return builder;
    }

    private static Choice choice(JsonValue value, int position, String provider) {
        if (!(value instanceof JsonObject choice)) {
            throw WireJson.invalidResponse(provider, "choices[" + position + "] is not an object", null);
        }
        int index = choice.get("index") instanceof JsonNumber n ? n.intValue() : position;
        JsonObject message = object(choice, "message");
        FinishReason finish = FinishReason.fromWire(WireJson.emptyToNull(string(choice, "finish_reason")));
        if (message == null) {
            return new Choice(index, null, null, null, List.of(), finish);
        }
        String reasoning = WireJson.emptyToNull(string(message, "reasoning"));
        if (reasoning == null) {
            reasoning = WireJson.emptyToNull(string(message, "reasoning_content"));
        }
        return new Choice(index, WireJson.emptyToNull(text(message.get("content"))), reasoning,
                WireJson.emptyToNull(string(message, "refusal")),
                toolCalls(message, "choices[" + position + "].message.tool_calls", provider), finish);
    }

    private static List<ToolCall> toolCalls(JsonObject message, String path, String provider) {
        if (!(message.get("tool_calls") instanceof JsonArray calls) || calls.isEmpty()) {
            return List.of();
        }
        List<ToolCall> result = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            if (!(calls.get(i) instanceof JsonObject call)) {
                throw WireJson.invalidResponse(provider, path + "[" + i + "] is not an object", null);
            }
            JsonObject function = object(call, "function");
            String name = function == null ? null : WireJson.emptyToNull(string(function, "name"));
            if (name == null) {
                throw WireJson.invalidResponse(provider, path + "[" + i + "].function.name is missing", null);
            }
            String id = WireJson.emptyToNull(string(call, "id"));
            result.add(new ToolCall(id == null ? syntheticId(result.size()) : id, name,
                    arguments(function.get("arguments"))));
        }
        return result;
    }

    /**
     * The id given to a tool call that arrived without one, so that a tool result can answer it;
     * the same rule applies to streamed calls.
     */
    static String syntheticId(int position) {
        return "call_" + position;
    }

    /** Arguments are JSON text; a server that sends them as a JSON object gets them serialized. */
    private static String arguments(JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return "";
        }
        if (value instanceof JsonString s) {
            return s.getString();
        }
        return value.toString();
    }

    /** Content is a string, or (on some servers) an array of {@code {"type":"text","text":...}} parts. */
    private static String text(JsonValue value) {
        if (value instanceof JsonString s) {
            return s.getString();
        }
        if (value instanceof JsonArray parts) {
            StringBuilder text = new StringBuilder();
            for (JsonValue part : parts) {
                if (part instanceof JsonString s) {
                    text.append(s.getString());
                } else if (part instanceof JsonObject o && string(o, "text") != null) {
                    text.append(string(o, "text"));
                }
            }
            return text.toString();
        }
        return null;
    }

    static Usage usage(JsonObject usage, String provider) {
        JsonNumber input = usage.get("prompt_tokens") instanceof JsonNumber n ? n : null;
        JsonNumber output = usage.get("completion_tokens") instanceof JsonNumber n ? n : null;
        if (input == null && output == null) {
            return Usage.NOT_REPORTED;
        }
        long cached = number(object(usage, "prompt_tokens_details"), "cached_tokens");
        if (cached == 0) {
            cached = number(usage, "prompt_cache_hit_tokens");
        }
        long reasoning = number(object(usage, "completion_tokens_details"), "reasoning_tokens");
        return WireJson.usage(provider, input == null ? 0 : input.longValue(), cached,
                output == null ? 0 : output.longValue(), reasoning);
    }

    private static long number(JsonObject object, String name) {
        return object != null && object.get(name) instanceof JsonNumber n ? n.longValue() : 0;
    }

    private static JsonObject object(JsonObject object, String name) {
        return object.get(name) instanceof JsonObject o ? o : null;
    }

    private static String string(JsonObject object, String name) {
        JsonValue value = object.get(name);
        if (value instanceof JsonString s) {
            return s.getString();
        }
        if (value instanceof JsonNumber n) {
            return n.toString();
        }
        return null;
    }
}
