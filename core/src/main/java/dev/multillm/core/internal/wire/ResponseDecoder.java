package dev.multillm.core.internal.wire;

import dev.multillm.core.ChatResponse;
import dev.multillm.core.Choice;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.FinishReason;
import dev.multillm.core.LlmException;
import dev.multillm.core.ToolCall;
import dev.multillm.core.Usage;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads a whole (non-streamed) {@code chat.completion} body into a {@link ChatResponse.Builder}.
 *
 * <p>Tolerant: unknown fields are ignored, and a missing {@code id}, {@code created},
 * {@code model} or {@code usage} is fine (usage then is {@link Usage#NOT_REPORTED}). Reasoning is
 * read from {@code reasoning} (Groq, OpenRouter, newer vLLM) or {@code reasoning_content}
 * (DeepSeek, older vLLM). Groq's {@code x_groq.id} and timing fields, {@code service_tier} and
 * {@code system_fingerprint} become metadata. Empty text ({@code ""}) is read as no text, the same
 * as {@code null}, so that streamed and non-streamed answers agree.
 *
 * <p>A unary call may spend only a few microseconds of its own, and building the body's JSON-P
 * tree (a string per key, a map per object, a number object per number) was most of them. So the
 * body's UTF-8 bytes are read in place, in one pass, with a {@link JsonBytesReader}: keys are
 * matched as bytes, strings are made only of the values kept, everything else is validated and
 * skipped, and a tree is built only of the rare error object and of tool-call arguments sent as
 * JSON. The result is still exactly what reading the tree gave: for a key given twice, at any
 * depth, the last value counts ({@code usage} and {@code x_groq} may come before or after
 * {@code choices}); a number where text is expected reads as JSON-P prints it ({@code 1e2} as
 * {@code "1E+2"}); and the whole body must be JSON before anything in it is reported, in this
 * order: not JSON, not an object, an error object, no choices, the first invalid choice, a
 * negative token count. Three things differ from the tree, where it failed with exceptions the
 * caller could not classify: a tool call with a blank name is {@link ErrorTaxonomy#INVALID_RESPONSE}
 * naming its path; nesting deeper than {@value JsonBytesReader#MAX_DEPTH} levels is not JSON (the
 * tree parser allowed 1,000); and a number in an ignored field is skipped without being converted,
 * so one beyond JSON-P's conversion limits is no error there.
 *
 * <p>Thread-safety: stateless and thread-safe; each call uses its own reader.
 */
public final class ResponseDecoder {
    /** Metadata key of Groq's request id ({@code x_groq.id}). */
    public static final String META_GROQ_ID = "x_groq.id";
    /** Metadata key of the service tier that served the request. */
    public static final String META_SERVICE_TIER = "service_tier";
    /** Metadata key of the backend fingerprint. */
    public static final String META_SYSTEM_FINGERPRINT = "system_fingerprint";
    /** Groq's timing fields in {@code usage}, in seconds; metadata keys are {@code groq.<field>}. */
    public static final List<String> GROQ_TIMING_FIELDS = UsageFields.TIMING_FIELDS;

    private static final byte[] ID = ascii("id");
    private static final byte[] MODEL = ascii("model");
    private static final byte[] CHOICES = ascii("choices");
    private static final byte[] USAGE = ascii("usage");
    private static final byte[] X_GROQ = ascii("x_groq");
    private static final byte[] ERROR = ascii("error");
    private static final byte[] SERVICE_TIER = ascii(META_SERVICE_TIER);
    private static final byte[] SYSTEM_FINGERPRINT = ascii(META_SYSTEM_FINGERPRINT);
    private static final byte[] INDEX = ascii("index");
    private static final byte[] MESSAGE = ascii("message");
    private static final byte[] FINISH_REASON = ascii("finish_reason");
    private static final byte[] CONTENT = ascii("content");
    private static final byte[] TEXT = ascii("text");
    private static final byte[] REASONING = ascii("reasoning");
    private static final byte[] REASONING_CONTENT = ascii("reasoning_content");
    private static final byte[] REFUSAL = ascii("refusal");
    private static final byte[] TOOL_CALLS = ascii("tool_calls");
    private static final byte[] FUNCTION = ascii("function");
    private static final byte[] NAME = ascii("name");
    private static final byte[] ARGUMENTS = ascii("arguments");

    private ResponseDecoder() {
    }

    /**
     * Parses a body given as text; the same as {@link #decode(byte[], int, int, String)} on its
     * UTF-8 bytes (a lone surrogate, which no decoded UTF-8 holds, becomes {@code '?'}).
     *
     * @param body     the response body
     * @param provider the provider id, set on the builder and named in errors
     * @return a builder with id, provider, model, choices, usage and metadata set; the caller adds
     *         request id, rate limit and attempts
     * @throws LlmException        {@link ErrorTaxonomy#INVALID_RESPONSE} when the body is empty, not
     *                             JSON, or has no choices
     * @throws WireErrorException  when the body is an {@code {"error":{...}}} object
     */
    public static ChatResponse.Builder decode(String body, String provider) {
        if (body == null) {
            throw WireJson.invalidResponse(provider, "response body is empty", null);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return decode(bytes, 0, bytes.length, provider);
    }

    /**
     * Parses the body from its UTF-8 bytes {@code body[from, from + length)}, which are only read,
     * and only during the call. Text is decoded as {@code new String(bytes, UTF_8)} would decode
     * it: a malformed sequence in a string becomes U+FFFD.
     *
     * @param provider the provider id, set on the builder and named in errors
     * @return a builder with id, provider, model, choices, usage and metadata set; the caller adds
     *         request id, rate limit and attempts
     * @throws LlmException              {@link ErrorTaxonomy#INVALID_RESPONSE} when the body is
     *                                   empty or blank, not one JSON object, has no choices, has
     *                                   an invalid choice or tool call (the message names its
     *                                   path), or reports a negative token count; the message
     *                                   quotes the start of the body where the body is at fault
     * @throws WireErrorException        when the body is an {@code {"error":{...}}} object or an
     *                                   {@code {"error":"text"}}
     * @throws IndexOutOfBoundsException if the range is not inside {@code body}
     */
    public static ChatResponse.Builder decode(byte[] body, int from, int length, String provider) {
        Objects.checkFromIndexSize(from, length, body.length);
        JsonBytesReader reader = new JsonBytesReader(body, from, length);
        Body read = new Body(reader);
        try {
            if (reader.atEnd()) {
                throw WireJson.invalidResponse(provider, "response body is empty", null);
            }
            if (reader.peek() != ValueType.OBJECT) {
                reader.skipValue();
                reader.expectEnd(); // text after the value makes it not JSON, before not an object
                throw WireJson.invalidResponse(provider,
                        "response body is not a JSON object: " + WireJson.snippet(body, from, length), null);
            }
            read.readObject();
            reader.expectEnd();
        } catch (JsonException e) {
            if (isBlank(body, from, length)) { // blank as String.isBlank says: "\f" is no JSON whitespace
                throw WireJson.invalidResponse(provider, "response body is empty", null);
            }
            throw WireJson.invalidResponse(provider, "response body is not JSON (" + e.getMessage() + "): "
                    + WireJson.snippet(body, from, length), e);
        }
        return read.toBuilder(provider, body, from, length);
    }

    /**
     * The id given to a tool call that arrived without one, so that a tool result can answer it;
     * the same rule applies to streamed calls.
     */
    public static String syntheticId(int position) {
        return "call_" + position;
    }

    /** Whether the bytes decode to text that {@link String#isBlank()} calls blank. */
    private static boolean isBlank(byte[] body, int from, int length) {
        int end = from + length;
        for (int i = from; i < end; i++) {
            byte b = body[i];
            if (b < 0) {
                return new String(body, i, end - i, StandardCharsets.UTF_8).isBlank();
            }
            if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String key) {
        return key.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * One pass over one body, positioned at its top-level object: what it said, kept until the
     * whole body is read. Each key's reading first forgets what an earlier copy of the key said,
     * so the last one counts. What is invalid in the choices is kept as a message (the first, in
     * order) rather than thrown, so that it is reported only if the body is JSON and has no error
     * object.
     */
    private static final class Body {
        private final JsonBytesReader r;
        private String id;
        private String model;
        private String serviceTier;
        private String fingerprint;
        private JsonObject error;
        private String errorText;
        private UsageFields usage;
        private String groqId;
        private UsageFields groqUsage;
        /** How many elements the {@code choices} array has, valid or not; 0 without an array. */
        private int choiceCount;
        private Choice firstChoice;
        /** The choices after the first, for the rare body with several; else null. */
        private List<Choice> moreChoices;
        /** What is wrong with the first invalid choice, or null. */
        private String choiceProblem;

        // The message of the choice being read.
        private boolean hasMessage;
        private String content;
        private String reasoning;
        private String reasoningContent;
        private String refusal;
        private List<ToolCall> toolCalls;
        /** What is wrong with the first invalid tool call of the message, or null. */
        private String toolProblem;

        Body(JsonBytesReader reader) {
            this.r = reader;
        }

        void readObject() {
            r.beginObject();
            while (r.nextKey()) {
                if (r.keyIs(CHOICES)) {
                    choices();
                } else if (r.keyIs(ID)) {
                    id = text();
                } else if (r.keyIs(MODEL)) {
                    model = text();
                } else if (r.keyIs(USAGE)) {
                    usage = usageObject();
                } else if (r.keyIs(X_GROQ)) {
                    groq();
                } else if (r.keyIs(SERVICE_TIER)) {
                    serviceTier = text();
                } else if (r.keyIs(SYSTEM_FINGERPRINT)) {
                    fingerprint = text();
                } else if (r.keyIs(ERROR)) {
                    error();
                } else {
                    r.skipValue();
                }
            }
        }

        /** What the body says, in the order a failure is reported in (see the class comment). */
        ChatResponse.Builder toBuilder(String provider, byte[] body, int from, int length) {
            if (error != null) {
                throw new WireErrorException(error);
            }
            if (errorText != null) {
                throw new WireErrorException(WireJson.errorFromString(errorText));
            }
            if (choiceCount == 0) {
                throw WireJson.invalidResponse(provider,
                        "response body has no choices: " + WireJson.snippet(body, from, length), null);
            }
            if (choiceProblem != null) {
                throw WireJson.invalidResponse(provider, choiceProblem, null);
            }
            ChatResponse.Builder builder = ChatResponse.builder().provider(provider).id(id).model(model)
                    .addChoice(firstChoice);
            if (moreChoices != null) {
                for (Choice choice : moreChoices) {
                    builder.addChoice(choice);
                }
            }
            UsageFields fields = usage != null ? usage : groqUsage;
            Usage reported = fields == null ? null : fields.usage(provider);
            builder.usage(reported == null ? Usage.NOT_REPORTED : reported);
            if (fields != null) {
                for (int k = 0; k < GROQ_TIMING_FIELDS.size(); k++) {
                    double seconds = fields.timing(k);
                    if (!Double.isNaN(seconds)) {
                        builder.metadata(UsageFields.timingKey(k), seconds);
                    }
                }
            }
            if (groqId != null) {
                builder.metadata(META_GROQ_ID, groqId);
            }
            if (serviceTier != null) {
                builder.metadata(META_SERVICE_TIER, serviceTier);
            }
            if (fingerprint != null) {
                builder.metadata(META_SYSTEM_FINGERPRINT, fingerprint);
            }
            return builder;
        }

        private void choices() {
            choiceCount = 0;
            firstChoice = null;
            moreChoices = null;
            choiceProblem = null;
            if (r.peek() != ValueType.ARRAY) {
                r.skipValue();
                return;
            }
            r.beginArray();
            while (r.nextElement()) {
                int position = choiceCount++;
                if (choiceProblem != null) {
                    r.skipValue();
                } else if (r.peek() != ValueType.OBJECT) {
                    r.skipValue();
                    choiceProblem = "choices[" + position + "] is not an object";
                } else {
                    Choice choice = choice(position);
                    if (choice == null) {
                        choiceProblem = toolProblem;
                    } else if (firstChoice == null) {
                        firstChoice = choice;
                    } else {
                        if (moreChoices == null) {
                            moreChoices = new ArrayList<>(2);
                        }
                        moreChoices.add(choice);
                    }
                }
            }
        }

        /** The choice at the reader, or null when its tool calls are invalid ({@link #toolProblem}). */
        private Choice choice(int position) {
            int index = position;
            FinishReason finish = null;
            forgetMessage();
            r.beginObject();
            while (r.nextKey()) {
                if (r.keyIs(MESSAGE)) {
                    message(position);
                } else if (r.keyIs(INDEX)) {
                    if (r.peek() == ValueType.NUMBER) {
                        index = r.readInt();
                    } else {
                        r.skipValue();
                        index = position;
                    }
                } else if (r.keyIs(FINISH_REASON)) {
                    finish = FinishReason.fromWire(WireJson.emptyToNull(text()));
                } else {
                    r.skipValue();
                }
            }
            if (!hasMessage) {
                return new Choice(index, null, null, null, List.of(), finish);
            }
            if (toolProblem != null) {
                return null;
            }
            String thinking = WireJson.emptyToNull(reasoning);
            if (thinking == null) {
                thinking = WireJson.emptyToNull(reasoningContent);
            }
            return new Choice(index, WireJson.emptyToNull(content), thinking, WireJson.emptyToNull(refusal),
                    toolCalls, finish);
        }

        private void forgetMessage() {
            hasMessage = false;
            content = null;
            reasoning = null;
            reasoningContent = null;
            refusal = null;
            toolCalls = List.of();
            toolProblem = null;
        }

        private void message(int position) {
            forgetMessage();
            if (r.peek() != ValueType.OBJECT) {
                r.skipValue();
                return;
            }
            hasMessage = true;
            r.beginObject();
            while (r.nextKey()) {
                if (r.keyIs(CONTENT)) {
                    content = content();
                } else if (r.keyIs(REASONING)) {
                    reasoning = text();
                } else if (r.keyIs(REASONING_CONTENT)) {
                    reasoningContent = text();
                } else if (r.keyIs(REFUSAL)) {
                    refusal = text();
                } else if (r.keyIs(TOOL_CALLS)) {
                    toolCalls(position);
                } else {
                    r.skipValue();
                }
            }
        }

        /** Content is a string, or (on some servers) an array of {@code {"type":"text","text":...}} parts. */
        private String content() {
            return switch (r.peek()) {
                case STRING -> r.readString();
                case ARRAY -> parts();
                default -> {
                    r.skipValue();
                    yield null;
                }
            };
        }

        private String parts() {
            StringBuilder text = new StringBuilder();
            r.beginArray();
            while (r.nextElement()) {
                if (r.peek() == ValueType.STRING) {
                    text.append(r.readString());
                } else if (r.peek() == ValueType.OBJECT) {
                    String part = partText();
                    if (part != null) {
                        text.append(part);
                    }
                } else {
                    r.skipValue();
                }
            }
            return text.toString();
        }

        private String partText() {
            String part = null;
            r.beginObject();
            while (r.nextKey()) {
                if (r.keyIs(TEXT)) {
                    part = text();
                } else {
                    r.skipValue();
                }
            }
            return part;
        }

        private void toolCalls(int position) {
            toolCalls = List.of();
            toolProblem = null;
            if (r.peek() != ValueType.ARRAY) {
                r.skipValue();
                return;
            }
            List<ToolCall> calls = null;
            int count = 0;
            r.beginArray();
            while (r.nextElement()) {
                int at = count++;
                if (toolProblem != null) {
                    r.skipValue();
                } else if (r.peek() != ValueType.OBJECT) {
                    r.skipValue();
                    toolProblem = toolPath(position, at) + " is not an object";
                } else {
                    ToolCall call = toolCall(position, at);
                    if (call != null) {
                        if (calls == null) {
                            calls = new ArrayList<>(2);
                        }
                        calls.add(call);
                    }
                }
            }
            if (toolProblem == null && calls != null) {
                toolCalls = calls;
            }
        }

        /** The tool call at the reader, or null when it has no name ({@link #toolProblem}). */
        private ToolCall toolCall(int position, int at) {
            String callId = null;
            String name = null;
            String arguments = "";
            r.beginObject();
            while (r.nextKey()) {
                if (r.keyIs(ID)) {
                    callId = text();
                } else if (r.keyIs(FUNCTION)) {
                    name = null;
                    arguments = "";
                    if (r.peek() != ValueType.OBJECT) {
                        r.skipValue();
                        continue;
                    }
                    r.beginObject();
                    while (r.nextKey()) {
                        if (r.keyIs(NAME)) {
                            name = text();
                        } else if (r.keyIs(ARGUMENTS)) {
                            arguments = arguments();
                        } else {
                            r.skipValue();
                        }
                    }
                } else {
                    r.skipValue();
                }
            }
            name = WireJson.emptyToNull(name);
            if (name == null || name.isBlank()) {
                toolProblem = toolPath(position, at) + ".function.name is " + (name == null ? "missing" : "blank");
                return null;
            }
            callId = WireJson.emptyToNull(callId);
            return new ToolCall(callId == null ? syntheticId(at) : callId, name, arguments);
        }

        private static String toolPath(int position, int at) {
            return "choices[" + position + "].message.tool_calls[" + at + "]";
        }

        /** Arguments are JSON text; a server that sends them as JSON gets them serialized. */
        private String arguments() {
            return switch (r.peek()) {
                case STRING -> r.readString();
                case NULL -> {
                    r.skipValue();
                    yield "";
                }
                default -> WireJson.readTree(r).toString();
            };
        }

        private void groq() {
            groqId = null;
            groqUsage = null;
            if (r.peek() != ValueType.OBJECT) {
                r.skipValue();
                return;
            }
            r.beginObject();
            while (r.nextKey()) {
                if (r.keyIs(ID)) {
                    groqId = text();
                } else if (r.keyIs(USAGE)) {
                    groqUsage = usageObject();
                } else {
                    r.skipValue();
                }
            }
        }

        /** A {@code usage} value: its fields if it is an object, else null. */
        private UsageFields usageObject() {
            if (r.peek() != ValueType.OBJECT) {
                r.skipValue();
                return null;
            }
            return UsageFields.read(r);
        }

        /** Errors are rare: a tree is fine here. */
        private void error() {
            error = null;
            errorText = null;
            switch (r.peek()) {
                case OBJECT -> error = WireJson.readTree(r).asJsonObject();
                case STRING -> errorText = r.readString();
                default -> r.skipValue();
            }
        }

        /** A string, or a number as JSON-P prints it; null (the value skipped) for anything else. */
        private String text() {
            return switch (r.peek()) {
                case STRING -> r.readString();
                case NUMBER -> r.readBigDecimal().toString();
                default -> {
                    r.skipValue();
                    yield null;
                }
            };
        }
    }
}
