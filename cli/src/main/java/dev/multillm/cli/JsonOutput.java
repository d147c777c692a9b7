package dev.multillm.cli;

import dev.multillm.core.Attempt;
import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.LlmException;
import dev.multillm.core.RateLimitSnapshot;
import dev.multillm.core.ToolCall;
import dev.multillm.core.ToolCallDelta;
import dev.multillm.core.Usage;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes the JSON objects of the CLI contract (DESIGN.md, "The CLI contract"), one object per
 * line, with JSON-P's streaming generator. Field names and order are fixed; absent values are
 * written as {@code null}, never omitted.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class JsonOutput {
    private static final JsonGeneratorFactory GENERATORS = Json.createGeneratorFactory(Map.of());

    private JsonOutput() {
    }

    /** {@code {"ok":true,"provider":...,"attempts":[...]}} for a finished call. */
    static String success(ChatResponse response) {
        return object(g -> successFields(g, response));
    }

    /** {@code {"ok":false,"error":{...},"attempts":[...]}} for a failed call. */
    static String failure(LlmException failure) {
        return object(g -> {
            g.write("ok", false);
            error(g, failure);
            attempts(g, failure.attempts());
        });
    }

    /** {@code {"type":"delta","content":"..."}}. */
    static String delta(String content) {
        return object(g -> g.write("type", "delta").write("content", content));
    }

    /** {@code {"type":"reasoning","content":"..."}}. */
    static String reasoning(String content) {
        return object(g -> g.write("type", "reasoning").write("content", content));
    }

    /**
     * {@code {"type":"tool_call","index":0,"id":"...","name":"...","arguments":"..."}}: one fragment
     * of a streamed tool call; {@code id} and {@code name} usually come only with the first
     * fragment of a call, {@code arguments} is the next piece of the arguments text.
     */
    static String toolCall(ToolCallDelta delta) {
        return object(g -> {
            g.write("type", "tool_call");
            number(g, "index", delta.index() == null ? null : delta.index().longValue());
            string(g, "id", delta.id());
            string(g, "name", delta.name());
            g.write("arguments", delta.argumentsDelta());
        });
    }

    /** The stream lines for one chunk: content, reasoning and tool-call fragments, in that order. */
    static List<String> chunkLines(ChatChunk chunk) {
        java.util.ArrayList<String> lines = new java.util.ArrayList<>();
        if (chunk.content() != null && !chunk.content().isEmpty()) {
            lines.add(delta(chunk.content()));
        }
        if (chunk.reasoning() != null && !chunk.reasoning().isEmpty()) {
            lines.add(reasoning(chunk.reasoning()));
        }
        for (ToolCallDelta call : chunk.toolCalls()) {
            lines.add(toolCall(call));
        }
        return lines;
    }

    /** {@code {"type":"done",...}} with the fields of {@link #success}. */
    static String done(ChatResponse response) {
        return object(g -> {
            g.write("type", "done");
            successFields(g, response);
        });
    }

    /** {@code {"type":"error","error":{...},"partialContent":"..."}}. */
    static String streamError(LlmException failure, String partialContent) {
        return object(g -> {
            g.write("type", "error");
            error(g, failure);
            string(g, "partialContent", partialContent);
        });
    }

    private static void successFields(JsonGenerator g, ChatResponse r) {
        g.write("ok", true);
        string(g, "provider", r.provider());
        string(g, "model", r.model());
        string(g, "content", r.content());
        string(g, "reasoning", r.reasoning());
        string(g, "refusal", r.refusal());
        string(g, "finishReason", r.finishReason() == null ? null : r.finishReason().wireValue());
        g.writeStartArray("toolCalls");
        for (ToolCall call : r.toolCalls()) {
            g.writeStartObject().write("id", call.id()).write("name", call.name())
                    .write("arguments", call.arguments()).writeEnd();
        }
        g.writeEnd();
        usage(g, r.usage());
        string(g, "requestId", r.requestId());
        rateLimit(g, r.rateLimit());
        attempts(g, r.attempts());
    }

    /** Usage the provider did not report has {@code null} counts: "not reported" is not zero. */
    private static void usage(JsonGenerator g, Usage usage) {
        boolean known = usage.reported();
        g.writeStartObject("usage");
        number(g, "inputTokens", known ? usage.inputTokens() : null);
        number(g, "cachedInputTokens", known ? usage.cachedInputTokens() : null);
        number(g, "outputTokens", known ? usage.outputTokens() : null);
        number(g, "reasoningTokens", known ? usage.reasoningTokens() : null);
        g.write("reported", known);
        g.writeEnd();
    }

    private static void rateLimit(JsonGenerator g, RateLimitSnapshot limits) {
        g.writeStartObject("rateLimit");
        number(g, "remainingRequests", limits.remainingRequests());
        number(g, "remainingTokens", limits.remainingTokens());
        number(g, "resetRequestsMs", millis(limits.resetRequests()));
        number(g, "resetTokensMs", millis(limits.resetTokens()));
        g.writeEnd();
    }

    private static void error(JsonGenerator g, LlmException e) {
        g.writeStartObject("error");
        g.write("category", e.category().name());
        string(g, "provider", e.provider());
        number(g, "status", e.status() == null ? null : e.status().longValue());
        string(g, "code", e.errorCode());
        number(g, "retryAfterMs", millis(e.retryAfter()));
        string(g, "requestId", e.requestId());
        string(g, "message", Messages.errorMessage(e));
        g.writeEnd();
    }

    private static void attempts(JsonGenerator g, List<Attempt> attempts) {
        g.writeStartArray("attempts");
        for (Attempt attempt : attempts) {
            g.writeStartObject();
            g.write("provider", attempt.provider());
            g.write("outcome", attempt.outcome());
            number(g, "status", attempt.status() == null ? null : attempt.status().longValue());
            g.write("latencyMs", attempt.latency().toMillis());
            g.writeEnd();
        }
        g.writeEnd();
    }

    private static Long millis(Duration duration) {
        return duration == null ? null : duration.toMillis();
    }

    private static void string(JsonGenerator g, String name, String value) {
        if (value == null) {
            g.writeNull(name);
        } else {
            g.write(name, value);
        }
    }

    private static void number(JsonGenerator g, String name, Long value) {
        if (value == null) {
            g.writeNull(name);
        } else {
            g.write(name, value.longValue());
        }
    }

    private static String object(Consumer<JsonGenerator> body) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = GENERATORS.createGenerator(text)) {
            g.writeStartObject();
            body.accept(g);
            g.writeEnd();
        }
        return text.toString();
    }
}
