package dev.multillm.core.internal.wire;

import dev.multillm.core.ChatRequest;
import dev.multillm.core.ContentPart;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.Message;
import dev.multillm.core.ResponseFormat;
import dev.multillm.core.Tool;
import dev.multillm.core.ToolCall;
import dev.multillm.core.ToolChoice;
import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes the JSON body of an OpenAI chat-completions request, from a provider's allow-list.
 *
 * <p>Only fields the request sets are written. A set field whose key the provider does not accept
 * is rejected with an {@link ErrorTaxonomy#INVALID_REQUEST} {@link LlmException} that names the
 * key and the {@link ChatRequest} field, before anything is sent: nothing is dropped silently.
 * Tool parameter schemas and response-format schemas are JSON text; they are parsed and written
 * as JSON, and text that is not a JSON object is rejected naming the field.
 *
 * <p>The body is written with {@link JsonBytesWriter} straight into UTF-8 bytes, byte for byte
 * what JSON-P's (Parsson's) compact generator writes, without a generator per request.
 *
 * <p>Thread-safety: stateless and thread-safe; each call writes with its own writer.
 */
public final class RequestEncoder {
    /** Keys written by the encoder itself, which an extension may never set. */
    private static final Set<String> RESERVED = Set.of("model", "messages", "stream", "stream_options");

    private RequestEncoder() {
    }

    /**
     * The request body.
     *
     * @param request the request
     * @param model   the model to send; null to use {@link ChatRequest#model()}
     * @param stream  whether to ask for a streamed answer
     * @param options the provider's wire options
     * @return the UTF-8 JSON body
     * @throws LlmException {@link ErrorTaxonomy#INVALID_REQUEST} when the request sets a field the
     *                      provider does not accept, names no model, or carries a schema that is
     *                      not a JSON object
     */
    public static byte[] encode(ChatRequest request, String model, boolean stream, WireOptions options) {
        if (request == null) {
            throw new IllegalArgumentException("request must not be null");
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        Writer w = new Writer(options);
        String resolvedModel = model != null ? model : request.model();
        if (resolvedModel == null || resolvedModel.isBlank()) {
            throw w.invalid("model", "no model to send: set ChatRequest.model or the provider's default model");
        }
        JsonBytesWriter g = new JsonBytesWriter(sizeHint(request));
        g.writeStartObject();
        g.write("model", resolvedModel);
        g.writeKey("messages").writeStartArray();
        for (Message message : request.messages()) {
            writeMessage(g, message);
        }
        g.writeEnd();
        w.g = g;
        w.body(request);
        if (stream) {
            g.write("stream", true);
            if (options.streamUsage() && options.allows("stream_options")) {
                g.writeKey("stream_options").writeStartObject().write("include_usage", true).writeEnd();
            }
        }
        g.writeEnd();
        return g.toByteArray();
    }

    /**
     * About how many bytes the body takes, so that the buffer is rarely grown: the text the
     * messages carry (ASCII written as is; other text and escapes only make the buffer grow once)
     * plus room for the keys and the optional fields.
     */
    static int sizeHint(ChatRequest request) {
        long chars = 256;
        for (Message message : request.messages()) {
            chars += 48;
            if (message instanceof Message.System system) {
                chars += length(system.content());
            } else if (message instanceof Message.User user) {
                for (ContentPart part : user.parts()) {
                    chars += 32 + (part instanceof ContentPart.Text text ? length(text.text())
                            : part instanceof ContentPart.Image image ? length(image.url()) : 0);
                }
            } else if (message instanceof Message.Assistant assistant) {
                chars += length(assistant.content());
                for (ToolCall call : assistant.toolCalls()) {
                    chars += 64 + length(call.name()) + length(call.arguments());
                }
            } else if (message instanceof Message.ToolResult result) {
                chars += length(result.toolCallId()) + length(result.content());
            }
        }
        for (Tool tool : request.tools()) {
            chars += 64 + length(tool.name()) + length(tool.description()) + length(tool.parameters());
        }
        return (int) Math.min(chars, 1 << 24);
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    private static void writeMessage(JsonBytesWriter g, Message message) {
        g.writeStartObject();
        g.write("role", message.role());
        if (message instanceof Message.System system) {
            g.write("content", system.content());
        } else if (message instanceof Message.User user) {
            writeUserContent(g, user);
        } else if (message instanceof Message.Assistant assistant) {
            if (assistant.content() == null) {
                g.writeNull("content");
            } else {
                g.write("content", assistant.content());
            }
            if (!assistant.toolCalls().isEmpty()) {
                g.writeKey("tool_calls").writeStartArray();
                for (ToolCall call : assistant.toolCalls()) {
                    g.writeStartObject()
                            .write("id", call.id())
                            .write("type", "function")
                            .writeKey("function").writeStartObject()
                            .write("name", call.name())
                            .write("arguments", call.arguments().isEmpty() ? "{}" : call.arguments())
                            .writeEnd()
                            .writeEnd();
                }
                g.writeEnd();
            }
        } else if (message instanceof Message.ToolResult result) {
            g.write("tool_call_id", result.toolCallId());
            g.write("content", result.content());
        }
        g.writeEnd();
    }

    private static void writeUserContent(JsonBytesWriter g, Message.User user) {
        List<ContentPart> parts = user.parts();
        if (parts.size() == 1 && parts.get(0) instanceof ContentPart.Text text) {
            g.write("content", text.text());
            return;
        }
        g.writeKey("content").writeStartArray();
        for (ContentPart part : parts) {
            g.writeStartObject();
            if (part instanceof ContentPart.Text text) {
                g.write("type", "text").write("text", text.text());
            } else if (part instanceof ContentPart.Image image) {
                g.write("type", "image_url").writeKey("image_url").writeStartObject().write("url", image.url());
                if (image.detail() != null) {
                    g.write("detail", image.detail());
                }
                g.writeEnd();
            }
            g.writeEnd();
        }
        g.writeEnd();
    }

    /** Writes the optional top-level fields, checking each against the allow-list. */
    private static final class Writer {
        private final WireOptions options;
        /** The keys written, to refuse an extension that repeats one; only kept with extensions. */
        private java.util.HashSet<String> written;
        private JsonBytesWriter g;

        Writer(WireOptions options) {
            this.options = options;
        }

        LlmException invalid(String param, String message) {
            return LlmException.builder(ErrorTaxonomy.INVALID_REQUEST).provider(options.provider()).param(param)
                    .message(message).build();
        }

        /** The key, once the provider is known to accept it. */
        String key(String key, String javaField) {
            if (!options.allows(key)) {
                throw invalid(key, options.provider() + " does not accept '" + key + "' (ChatRequest." + javaField + ")");
            }
            if (written != null) {
                written.add(key);
            }
            return key;
        }

        void body(ChatRequest r) {
            if (!r.extensions().isEmpty()) {
                written = new java.util.HashSet<>();
            }
            if (!r.tools().isEmpty()) {
                g.writeKey(key("tools", "tools")).writeStartArray();
                for (int i = 0; i < r.tools().size(); i++) {
                    writeTool(r.tools().get(i), i);
                }
                g.writeEnd();
            }
            if (r.toolChoice() != null) {
                writeToolChoice(r.toolChoice());
            }
            if (r.parallelToolCalls() != null) {
                g.write(key("parallel_tool_calls", "parallelToolCalls"), r.parallelToolCalls());
            }
            if (r.responseFormat() != null && r.responseFormat().type() != ResponseFormat.Type.TEXT) {
                writeResponseFormat(r.responseFormat());
            }
            if (r.temperature() != null) {
                g.write(key("temperature", "temperature"), r.temperature());
            }
            if (r.topP() != null) {
                g.write(key("top_p", "topP"), r.topP());
            }
            if (r.maxOutputTokens() != null) {
                g.write(key(options.maxTokensField(), "maxOutputTokens"), r.maxOutputTokens());
            }
            if (!r.stop().isEmpty()) {
                g.writeKey(key("stop", "stop")).writeStartArray();
                r.stop().forEach(g::write);
                g.writeEnd();
            }
            if (r.seed() != null) {
                g.write(key("seed", "seed"), r.seed());
            }
            if (r.user() != null) {
                g.write(key("user", "user"), r.user());
            }
            if (r.reasoningEffort() != null) {
                g.write(key("reasoning_effort", "reasoningEffort"), r.reasoningEffort());
            }
            if (r.reasoningFormat() != null) {
                g.write(key("reasoning_format", "reasoningFormat"), r.reasoningFormat());
            }
            if (r.choices() != null) {
                g.write(key("n", "choices"), r.choices());
            }
            if (r.logprobs() != null) {
                g.write(key("logprobs", "logprobs"), r.logprobs());
            }
            if (r.topLogprobs() != null) {
                g.write(key("top_logprobs", "topLogprobs"), r.topLogprobs());
            }
            if (r.serviceTier() != null) {
                g.write(key("service_tier", "serviceTier"), r.serviceTier());
            }
            if (!r.extensions().isEmpty()) {
                // Sorted so that the same request always gives the same bytes.
                for (Map.Entry<String, Object> extension : new TreeMap<>(r.extensions()).entrySet()) {
                    writeExtension(extension.getKey(), extension.getValue());
                }
            }
        }

        private void writeTool(Tool tool, int i) {
            g.writeStartObject().write("type", "function").writeKey("function").writeStartObject();
            g.write("name", tool.name());
            if (tool.description() != null) {
                g.write("description", tool.description());
            }
            if (tool.parameters() != null) {
                g.write("parameters", parseObject(tool.parameters(), "tools[" + i + "].parameters"));
            }
            if (tool.strict()) {
                g.write("strict", true);
            }
            g.writeEnd().writeEnd();
        }

        private void writeToolChoice(ToolChoice choice) {
            String key = key("tool_choice", "toolChoice");
            switch (choice.mode()) {
                case AUTO -> g.write(key, "auto");
                case NONE -> g.write(key, "none");
                case REQUIRED -> g.write(key, "required");
                case FUNCTION -> g.writeKey(key).writeStartObject()
                        .write("type", "function")
                        .writeKey("function").writeStartObject().write("name", choice.functionName()).writeEnd()
                        .writeEnd();
                default -> throw new IllegalStateException("unknown tool choice " + choice.mode());
            }
        }

        private void writeResponseFormat(ResponseFormat format) {
            String key = key("response_format", "responseFormat");
            if (format.type() == ResponseFormat.Type.JSON_OBJECT) {
                g.writeKey(key).writeStartObject().write("type", "json_object").writeEnd();
                return;
            }
            JsonValue schema = parseObject(format.schema(), "responseFormat.schema");
            g.writeKey(key).writeStartObject().write("type", "json_schema")
                    .writeKey("json_schema").writeStartObject()
                    .write("name", format.name())
                    .write("schema", schema);
            if (format.strict()) {
                g.write("strict", true);
            }
            g.writeEnd().writeEnd();
        }

        private JsonValue parseObject(String json, String field) {
            JsonValue value;
            try {
                value = WireJson.readValue(json);
            } catch (JsonException e) {
                throw invalid(field, field + " is not valid JSON: " + e.getMessage());
            }
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw invalid(field, field + " must be a JSON object, was " + value.getValueType());
            }
            return value;
        }

        private void writeExtension(String key, Object value) {
            String field = "extensions[\"" + key + "\"]";
            if (RESERVED.contains(key) || written.contains(key)) {
                throw invalid(key, "extension '" + key + "' would overwrite a field multillm writes itself;"
                        + " use the ChatRequest field instead (ChatRequest." + field + ")");
            }
            if (!options.allows(key)) {
                throw invalid(key, options.provider() + " does not accept '" + key + "' (ChatRequest." + field + ")");
            }
            written.add(key);
            g.writeKey(key);
            writeValue(value, field);
        }

        private void writeValue(Object value, String path) {
            if (value == null) {
                g.writeNull();
            } else if (value instanceof JsonValue json) {
                g.write(json);
            } else if (value instanceof CharSequence || value instanceof Character) {
                g.write(value.toString());
            } else if (value instanceof Boolean b) {
                g.write(b);
            } else if (value instanceof Number n) {
                writeNumber(n, path);
            } else if (value instanceof Map<?, ?> map) {
                g.writeStartObject();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (entry.getKey() == null) {
                        throw invalid(path, "ChatRequest." + path + " has a null map key");
                    }
                    String k = entry.getKey().toString();
                    g.writeKey(k);
                    writeValue(entry.getValue(), path + "." + k);
                }
                g.writeEnd();
            } else if (value instanceof Iterable<?> list) {
                g.writeStartArray();
                int i = 0;
                for (Object item : list) {
                    writeValue(item, path + "[" + i++ + "]");
                }
                g.writeEnd();
            } else if (value instanceof Object[] array) {
                writeValue(java.util.Arrays.asList(array), path);
            } else {
                throw invalid(path, "ChatRequest." + path + " has a value of type " + value.getClass().getName()
                        + "; use String, Number, Boolean, Map, List or null");
            }
        }

        private void writeNumber(Number n, String path) {
            if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
                g.write(n.longValue());
            } else if (n instanceof Double || n instanceof Float) {
                double d = n.doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw invalid(path, "ChatRequest." + path + " is " + d + ", which JSON cannot carry");
                }
                g.write(d);
            } else if (n instanceof BigDecimal big) {
                g.write(big);
            } else if (n instanceof BigInteger big) {
                g.write(big);
            } else {
                try {
                    g.write(new BigDecimal(n.toString()));
                } catch (NumberFormatException e) {
                    throw invalid(path, "ChatRequest." + path + " is not a JSON number: " + n);
                }
            }
        }
    }
}
