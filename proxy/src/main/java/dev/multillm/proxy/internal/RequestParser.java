package dev.multillm.proxy.internal;

import dev.multillm.core.ChatRequest;
import dev.multillm.core.ContentPart;
import dev.multillm.core.Message;
import dev.multillm.core.ResponseFormat;
import dev.multillm.core.Tool;
import dev.multillm.core.ToolCall;
import dev.multillm.core.ToolChoice;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an OpenAI chat-completions request body into a {@link ChatRequest}: the server-side
 * mirror of core's {@code RequestEncoder}, with the same field names.
 *
 * <p>Every problem is an {@link ApiError.Rejection} carrying a 400 whose {@code param} names the
 * field ({@code messages[2].content[0].image_url.url}), thrown before anything reaches an
 * upstream: malformed JSON, a field of the wrong type, a missing {@code model} or
 * {@code messages}, a value out of range. {@code null} is read as "not set" for every optional
 * field. Fields the proxy does not model ({@code frequency_penalty}, {@code logit_bias}, ...) are
 * passed on as {@link ChatRequest#extensions()}, where each provider's allow-list decides: a
 * provider that does not accept one rejects the request naming it, nothing is dropped silently.
 * {@code developer} messages are read as system messages.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
public final class RequestParser {

    /** Top-level fields read into {@link ChatRequest} fields (or handled by the proxy itself). */
    private static final Set<String> KNOWN = Set.of("model", "messages", "tools", "tool_choice",
            "parallel_tool_calls", "response_format", "temperature", "top_p", "max_tokens", "max_completion_tokens",
            "stop", "seed", "user", "reasoning_effort", "reasoning_format", "n", "logprobs", "top_logprobs",
            "service_tier", "stream", "stream_options");

    /** Java field names in {@link ChatRequest}'s messages and the wire fields they come from. */
    private static final Map<String, String> JAVA_TO_WIRE = Map.ofEntries(
            Map.entry("temperature", "temperature"), Map.entry("topP", "top_p"),
            Map.entry("maxOutputTokens", "max_completion_tokens"), Map.entry("stop", "stop"),
            Map.entry("toolChoice", "tool_choice"), Map.entry("tools", "tools"), Map.entry("tool", "tools"),
            Map.entry("messages", "messages"), Map.entry("choices", "n"), Map.entry("topLogprobs", "top_logprobs"),
            Map.entry("logprobs", "logprobs"), Map.entry("user", "user"), Map.entry("reasoningEffort", "reasoning_effort"),
            Map.entry("reasoningFormat", "reasoning_format"), Map.entry("serviceTier", "service_tier"),
            Map.entry("model", "model"), Map.entry("responseFormat", "response_format"),
            Map.entry("extensions", "extensions"));

    private RequestParser() {
    }

    /**
     * Parses {@code body}.
     *
     * @throws ApiError.Rejection a 400 naming the field at fault
     */
    public static ParsedRequest parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw reject("invalid_json", null, "The request body is empty; send a JSON object with 'model' and"
                    + " 'messages'.");
        }
        JsonValue root;
        try {
            root = Json.parse(body);
        } catch (JsonException e) {
            throw reject("invalid_json", null, "The request body is not valid JSON: " + clip(e.getMessage()));
        }
        if (!(root instanceof JsonObject object)) {
            throw reject("invalid_json", null, "The request body must be a JSON object, was " + kind(root) + ".");
        }
        return new Reader(object).read();
    }

    private static ApiError.Rejection reject(String code, String param, String message) {
        return ApiError.invalidRequest(code, param, message).toException();
    }

    private static String clip(String text) {
        if (text == null) {
            return "malformed JSON";
        }
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private static String kind(JsonValue value) {
        return switch (value.getValueType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case TRUE, FALSE -> "a boolean";
            case NULL -> "null";
        };
    }

    /** One pass over one body. */
    private static final class Reader {
        private final JsonObject root;

        Reader(JsonObject root) {
            this.root = root;
        }

        ParsedRequest read() {
            String model = string(root, "model", "model");
            if (model == null || model.isBlank()) {
                throw reject("missing_required_parameter", "model", "You must provide a model parameter.");
            }
            JsonValue messagesValue = value(root, "messages");
            if (messagesValue == null) {
                throw reject("missing_required_parameter", "messages", "You must provide a messages parameter.");
            }
            JsonArray messages = array(messagesValue, "messages");
            if (messages.isEmpty()) {
                throw reject("invalid_value", "messages", "'messages' must contain at least one message.");
            }
            ChatRequest.Builder b = ChatRequest.builder().model(model);
            for (int i = 0; i < messages.size(); i++) {
                b.addMessage(message(messages.get(i), "messages[" + i + "]"));
            }
            JsonValue tools = value(root, "tools");
            if (tools != null) {
                JsonArray list = array(tools, "tools");
                for (int i = 0; i < list.size(); i++) {
                    b.addTool(tool(list.get(i), "tools[" + i + "]"));
                }
            }
            JsonValue toolChoice = value(root, "tool_choice");
            if (toolChoice != null) {
                b.toolChoice(toolChoice(toolChoice));
            }
            b.parallelToolCalls(bool(root, "parallel_tool_calls", "parallel_tool_calls"));
            JsonValue format = value(root, "response_format");
            if (format != null) {
                b.responseFormat(responseFormat(format));
            }
            b.temperature(range(number(root, "temperature"), "temperature", 0, 2, true));
            b.topP(topP(number(root, "top_p")));
            Integer maxTokens = integer(root, "max_completion_tokens");
            String maxTokensParam = "max_completion_tokens";
            if (maxTokens == null) {
                maxTokens = integer(root, "max_tokens");
                maxTokensParam = "max_tokens";
            }
            if (maxTokens != null && maxTokens < 1) {
                throw reject("invalid_value", maxTokensParam, "'" + maxTokensParam + "' must be at least 1, was "
                        + maxTokens + ".");
            }
            b.maxOutputTokens(maxTokens);
            b.stop(stop());
            JsonValue seed = value(root, "seed");
            if (seed != null) {
                b.seed(longValue(seed, "seed"));
            }
            b.user(nonBlank(root, "user"));
            b.reasoningEffort(nonBlank(root, "reasoning_effort"));
            b.reasoningFormat(nonBlank(root, "reasoning_format"));
            Integer n = integer(root, "n");
            if (n != null && n < 1) {
                throw reject("invalid_value", "n", "'n' must be at least 1, was " + n + ".");
            }
            b.choices(n);
            Boolean logprobs = bool(root, "logprobs", "logprobs");
            b.logprobs(logprobs);
            Integer topLogprobs = integer(root, "top_logprobs");
            if (topLogprobs != null && (topLogprobs < 0 || topLogprobs > 20)) {
                throw reject("invalid_value", "top_logprobs", "'top_logprobs' must be between 0 and 20, was "
                        + topLogprobs + ".");
            }
            if (topLogprobs != null && !Boolean.TRUE.equals(logprobs)) {
                throw reject("invalid_value", "top_logprobs", "'top_logprobs' requires 'logprobs' to be true.");
            }
            b.topLogprobs(topLogprobs);
            b.serviceTier(nonBlank(root, "service_tier"));
            for (Map.Entry<String, JsonValue> field : root.entrySet()) {
                if (!KNOWN.contains(field.getKey()) && field.getValue().getValueType() != JsonValue.ValueType.NULL) {
                    b.extension(field.getKey(), field.getValue());
                }
            }
            Boolean stream = bool(root, "stream", "stream");
            boolean includeUsage = false;
            JsonValue options = value(root, "stream_options");
            if (options != null) {
                JsonObject streamOptions = object(options, "stream_options");
                includeUsage = Boolean.TRUE.equals(bool(streamOptions, "include_usage", "stream_options.include_usage"));
            }
            ChatRequest request;
            try {
                request = b.build();
            } catch (IllegalArgumentException e) {
                String param = wireParam(e.getMessage(), maxTokensParam);
                throw reject("invalid_value", param, param == null ? sentence(e.getMessage())
                        : "Invalid '" + param + "': " + e.getMessage() + ".");
            }
            return new ParsedRequest(model, request, Boolean.TRUE.equals(stream), includeUsage);
        }

        // ----------------------------------------------------------------------------- messages

        private Message message(JsonValue value, String path) {
            JsonObject m = object(value, path);
            String role = string(m, "role", path + ".role");
            if (role == null) {
                throw reject("missing_required_parameter", path + ".role", "'" + path + ".role' is required.");
            }
            try {
                return switch (role) {
                    case "system", "developer" -> Message.system(text(m, path, true));
                    case "user" -> userMessage(m, path);
                    case "assistant" -> assistantMessage(m, path);
                    case "tool" -> {
                        String id = string(m, "tool_call_id", path + ".tool_call_id");
                        if (id == null || id.isBlank()) {
                            throw reject("missing_required_parameter", path + ".tool_call_id",
                                    "'" + path + ".tool_call_id' is required for tool messages.");
                        }
                        yield Message.toolResult(id, text(m, path, true));
                    }
                    default -> throw reject("invalid_value", path + ".role", "'" + path + ".role' must be one of"
                            + " system, developer, user, assistant or tool, was '" + clip(role) + "'.");
                };
            } catch (IllegalArgumentException e) {
                throw reject("invalid_value", path, "'" + path + "' is invalid: " + e.getMessage() + ".");
            }
        }

        /** The content as text: a string, or an array of text parts (concatenated). */
        private String text(JsonObject m, String path, boolean required) {
            JsonValue content = value(m, "content");
            String field = path + ".content";
            if (content == null) {
                if (required) {
                    throw reject("missing_required_parameter", field, "'" + field + "' is required.");
                }
                return null;
            }
            if (content instanceof JsonString s) {
                return s.getString();
            }
            if (content instanceof JsonArray parts) {
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < parts.size(); i++) {
                    String partPath = field + "[" + i + "]";
                    JsonObject part = object(parts.get(i), partPath);
                    String type = string(part, "type", partPath + ".type");
                    if ("text".equals(type)) {
                        text.append(requiredString(part, "text", partPath + ".text"));
                    } else if (!"refusal".equals(type) || !"assistant".equals(roleOf(m))) {
                        throw reject("invalid_value", partPath + ".type", "'" + partPath + ".type' must be 'text'"
                                + " here, was " + (type == null ? "missing" : "'" + clip(type) + "'") + ".");
                    }
                }
                return text.toString();
            }
            throw wrongType(field, "a string or an array of content parts", content);
        }

        private static String roleOf(JsonObject m) {
            return m.get("role") instanceof JsonString s ? s.getString() : null;
        }

        private Message userMessage(JsonObject m, String path) {
            JsonValue content = value(m, "content");
            String field = path + ".content";
            if (content == null) {
                throw reject("missing_required_parameter", field, "'" + field + "' is required.");
            }
            if (content instanceof JsonString s) {
                return Message.user(s.getString());
            }
            if (!(content instanceof JsonArray parts)) {
                throw wrongType(field, "a string or an array of content parts", content);
            }
            if (parts.isEmpty()) {
                throw reject("invalid_value", field, "'" + field + "' must not be empty.");
            }
            List<ContentPart> result = new ArrayList<>(parts.size());
            for (int i = 0; i < parts.size(); i++) {
                String partPath = field + "[" + i + "]";
                JsonObject part = object(parts.get(i), partPath);
                String type = string(part, "type", partPath + ".type");
                if ("text".equals(type)) {
                    result.add(ContentPart.text(requiredString(part, "text", partPath + ".text")));
                } else if ("image_url".equals(type)) {
                    result.add(image(part, partPath));
                } else {
                    throw reject("invalid_value", partPath + ".type", "'" + partPath + ".type' must be 'text' or"
                            + " 'image_url', was " + (type == null ? "missing" : "'" + clip(type) + "'") + ".");
                }
            }
            return Message.user(result);
        }

        private ContentPart image(JsonObject part, String path) {
            JsonValue imageUrl = value(part, "image_url");
            String field = path + ".image_url";
            if (imageUrl == null) {
                throw reject("missing_required_parameter", field, "'" + field + "' is required.");
            }
            if (imageUrl instanceof JsonString s) {
                return new ContentPart.Image(notBlank(s.getString(), field), null);
            }
            JsonObject image = object(imageUrl, field);
            String url = requiredString(image, "url", field + ".url");
            return new ContentPart.Image(notBlank(url, field + ".url"), nonBlank(image, "detail", field + ".detail"));
        }

        private Message assistantMessage(JsonObject m, String path) {
            String content = text(m, path, false);
            List<ToolCall> calls = new ArrayList<>();
            JsonValue toolCalls = value(m, "tool_calls");
            if (toolCalls != null) {
                JsonArray list = array(toolCalls, path + ".tool_calls");
                for (int i = 0; i < list.size(); i++) {
                    calls.add(toolCall(list.get(i), path + ".tool_calls[" + i + "]"));
                }
            }
            String reasoning = nonBlank(m, "reasoning", path + ".reasoning");
            if (reasoning == null) {
                reasoning = nonBlank(m, "reasoning_content", path + ".reasoning_content");
            }
            if (content == null && calls.isEmpty()) {
                throw reject("missing_required_parameter", path + ".content", "'" + path + ".content' is required"
                        + " unless 'tool_calls' is specified.");
            }
            return new Message.Assistant(content, calls, reasoning);
        }

        private ToolCall toolCall(JsonValue value, String path) {
            JsonObject call = object(value, path);
            String id = requiredString(call, "id", path + ".id");
            String type = string(call, "type", path + ".type");
            if (type != null && !"function".equals(type)) {
                throw reject("invalid_value", path + ".type", "'" + path + ".type' must be 'function', was '"
                        + clip(type) + "'.");
            }
            JsonObject function = object(requiredValue(call, "function", path + ".function"), path + ".function");
            String name = requiredString(function, "name", path + ".function.name");
            JsonValue arguments = value(function, "arguments");
            String args = arguments == null ? "" : arguments instanceof JsonString s ? s.getString() : arguments.toString();
            return new ToolCall(notBlank(id, path + ".id"), notBlank(name, path + ".function.name"), args);
        }

        // ----------------------------------------------------------------------------- tools

        private Tool tool(JsonValue value, String path) {
            JsonObject tool = object(value, path);
            String type = string(tool, "type", path + ".type");
            if (type != null && !"function".equals(type)) {
                throw reject("invalid_value", path + ".type", "'" + path + ".type' must be 'function', was '"
                        + clip(type) + "'.");
            }
            JsonObject function = object(requiredValue(tool, "function", path + ".function"), path + ".function");
            String name = requiredString(function, "name", path + ".function.name");
            String description = string(function, "description", path + ".function.description");
            JsonValue parameters = value(function, "parameters");
            if (parameters != null && !(parameters instanceof JsonObject)) {
                throw wrongType(path + ".function.parameters", "an object (a JSON Schema)", parameters);
            }
            Boolean strict = bool(function, "strict", path + ".function.strict");
            try {
                return new Tool(name, description, parameters == null ? null : parameters.toString(),
                        Boolean.TRUE.equals(strict));
            } catch (IllegalArgumentException e) {
                throw reject("invalid_value", path + ".function.name", "'" + path + ".function.name' is invalid: "
                        + e.getMessage() + ".");
            }
        }

        private ToolChoice toolChoice(JsonValue value) {
            if (value instanceof JsonString s) {
                return switch (s.getString()) {
                    case "auto" -> ToolChoice.auto();
                    case "none" -> ToolChoice.none();
                    case "required" -> ToolChoice.required();
                    default -> throw reject("invalid_value", "tool_choice", "'tool_choice' must be 'auto', 'none',"
                            + " 'required' or a function, was '" + clip(s.getString()) + "'.");
                };
            }
            JsonObject choice = object(value, "tool_choice");
            JsonObject function = object(requiredValue(choice, "function", "tool_choice.function"),
                    "tool_choice.function");
            return ToolChoice.function(notBlank(requiredString(function, "name", "tool_choice.function.name"),
                    "tool_choice.function.name"));
        }

        private ResponseFormat responseFormat(JsonValue value) {
            JsonObject format = object(value, "response_format");
            String type = requiredString(format, "type", "response_format.type");
            return switch (type) {
                case "text" -> ResponseFormat.text();
                case "json_object" -> ResponseFormat.jsonObject();
                case "json_schema" -> {
                    JsonObject schema = object(requiredValue(format, "json_schema", "response_format.json_schema"),
                            "response_format.json_schema");
                    String name = requiredString(schema, "name", "response_format.json_schema.name");
                    JsonValue body = value(schema, "schema");
                    if (body != null && !(body instanceof JsonObject)) {
                        throw wrongType("response_format.json_schema.schema", "an object", body);
                    }
                    Boolean strict = bool(schema, "strict", "response_format.json_schema.strict");
                    yield ResponseFormat.jsonSchema(notBlank(name, "response_format.json_schema.name"),
                            body == null ? "{}" : body.toString(), Boolean.TRUE.equals(strict));
                }
                default -> throw reject("invalid_value", "response_format.type", "'response_format.type' must be"
                        + " 'text', 'json_object' or 'json_schema', was '" + clip(type) + "'.");
            };
        }

        private List<String> stop() {
            JsonValue stop = value(root, "stop");
            if (stop == null) {
                return List.of();
            }
            List<String> result = new ArrayList<>();
            if (stop instanceof JsonString s) {
                result.add(s.getString());
            } else if (stop instanceof JsonArray list) {
                for (int i = 0; i < list.size(); i++) {
                    if (!(list.get(i) instanceof JsonString s)) {
                        throw wrongType("stop[" + i + "]", "a string", list.get(i));
                    }
                    result.add(s.getString());
                }
            } else {
                throw wrongType("stop", "a string or an array of strings", stop);
            }
            if (result.size() > 4) {
                throw reject("invalid_value", "stop", "'stop' allows at most 4 sequences, was " + result.size() + ".");
            }
            if (result.stream().anyMatch(String::isEmpty)) {
                throw reject("invalid_value", "stop", "'stop' sequences must not be empty.");
            }
            return result;
        }

        // ----------------------------------------------------------------------------- values

        /** The value of {@code key}, null when absent or JSON null. */
        private static JsonValue value(JsonObject object, String key) {
            JsonValue value = object.get(key);
            return value == null || value.getValueType() == JsonValue.ValueType.NULL ? null : value;
        }

        private static JsonValue requiredValue(JsonObject object, String key, String path) {
            JsonValue value = value(object, key);
            if (value == null) {
                throw reject("missing_required_parameter", path, "'" + path + "' is required.");
            }
            return value;
        }

        private static JsonObject object(JsonValue value, String path) {
            if (value instanceof JsonObject o) {
                return o;
            }
            throw wrongType(path, "an object", value);
        }

        private static JsonArray array(JsonValue value, String path) {
            if (value instanceof JsonArray a) {
                return a;
            }
            throw wrongType(path, "an array", value);
        }

        private static String string(JsonObject object, String key, String path) {
            JsonValue value = value(object, key);
            if (value == null) {
                return null;
            }
            if (value instanceof JsonString s) {
                return s.getString();
            }
            throw wrongType(path, "a string", value);
        }

        private static String requiredString(JsonObject object, String key, String path) {
            String value = string(object, key, path);
            if (value == null) {
                throw reject("missing_required_parameter", path, "'" + path + "' is required.");
            }
            return value;
        }

        private String nonBlank(JsonObject object, String key) {
            return nonBlank(object, key, key);
        }

        private static String nonBlank(JsonObject object, String key, String path) {
            String value = string(object, key, path);
            if (value != null && value.isBlank()) {
                throw reject("invalid_value", path, "'" + path + "' must not be blank.");
            }
            return value;
        }

        private static String notBlank(String value, String path) {
            if (value.isBlank()) {
                throw reject("invalid_value", path, "'" + path + "' must not be blank.");
            }
            return value;
        }

        private static Boolean bool(JsonObject object, String key, String path) {
            JsonValue value = value(object, key);
            if (value == null) {
                return null;
            }
            if (value == JsonValue.TRUE || value.getValueType() == JsonValue.ValueType.TRUE) {
                return true;
            }
            if (value.getValueType() == JsonValue.ValueType.FALSE) {
                return false;
            }
            throw wrongType(path, "a boolean", value);
        }

        private static Double number(JsonObject object, String key) {
            JsonValue value = value(object, key);
            if (value == null) {
                return null;
            }
            if (value instanceof JsonNumber n) {
                double d = n.doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw reject("invalid_value", key, "'" + key + "' is out of range.");
                }
                return d;
            }
            throw wrongType(key, "a number", value);
        }

        private static Integer integer(JsonObject object, String key) {
            JsonValue value = value(object, key);
            if (value == null) {
                return null;
            }
            if (value instanceof JsonNumber n && n.isIntegral()) {
                try {
                    return n.intValueExact();
                } catch (ArithmeticException e) {
                    throw reject("invalid_value", key, "'" + key + "' is out of range.");
                }
            }
            throw wrongType(key, "an integer", value);
        }

        private static long longValue(JsonValue value, String key) {
            if (value instanceof JsonNumber n && n.isIntegral()) {
                try {
                    return n.longValueExact();
                } catch (ArithmeticException e) {
                    throw reject("invalid_value", key, "'" + key + "' is out of range.");
                }
            }
            throw wrongType(key, "an integer", value);
        }

        private static Double range(Double value, String key, double min, double max, boolean inclusiveMin) {
            if (value != null && (value > max || (inclusiveMin ? value < min : value <= min))) {
                throw reject("invalid_value", key, "'" + key + "' must be between " + fmt(min) + " and " + fmt(max)
                        + ", was " + value + ".");
            }
            return value;
        }

        private static Double topP(Double value) {
            if (value != null && (value <= 0 || value > 1)) {
                throw reject("invalid_value", "top_p", "'top_p' must be greater than 0 and at most 1, was "
                        + value + ".");
            }
            return value;
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }

        private static ApiError.Rejection wrongType(String path, String expected, JsonValue actual) {
            return reject("invalid_type", path, "'" + path + "' must be " + expected + ", was " + kind(actual) + ".");
        }

        /** The wire field named by the first word of a {@link ChatRequest} validation message. */
        private static String wireParam(String message, String maxTokensParam) {
            if (message == null) {
                return null;
            }
            int end = 0;
            while (end < message.length() && Character.isJavaIdentifierPart(message.charAt(end))) {
                end++;
            }
            String field = message.substring(0, end);
            if ("maxOutputTokens".equals(field)) {
                return maxTokensParam;
            }
            String wire = JAVA_TO_WIRE.get(field);
            if ("messages".equals(wire) && end < message.length() && message.charAt(end) == '[') {
                int close = message.indexOf(']', end);
                if (close > end) {
                    return message.substring(0, close + 1);
                }
            }
            return wire;
        }

        private static String sentence(String message) {
            if (message == null || message.isEmpty()) {
                return "The request is invalid.";
            }
            return Character.toUpperCase(message.charAt(0)) + message.substring(1) + ".";
        }
    }
}
