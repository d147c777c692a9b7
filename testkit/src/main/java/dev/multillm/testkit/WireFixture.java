package dev.multillm.testkit;

import dev.multillm.core.ApiKey;
import dev.multillm.core.FinishReason;
import dev.multillm.core.RateLimitSnapshot;
import dev.multillm.core.ToolCall;
import dev.multillm.core.Usage;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Renders the contract's neutral scenarios in one provider's wire protocol, and reads what the
 * provider sent back out of a {@link RecordedRequest}. {@link OpenAiCompatibleFixture} covers every
 * server that speaks the OpenAI chat-completions protocol; a provider with another protocol
 * implements this interface and returns it from {@link ChatProviderContract#wireFixture()}.
 *
 * <p>Streams are rendered as raw events (for server-sent events: the complete event text, such
 * as {@code "data: {...}\n\n"}); the contract decides how they are cut, delayed and ended.
 *
 * <p>Error codes and types in {@link ErrorAnswer} use OpenAI's names ({@code rate_limit_exceeded},
 * {@code insufficient_quota}, {@code context_length_exceeded}, ...); a fixture for another
 * protocol translates them into its own.
 *
 * <p>Thread-safety: implementations must be stateless or thread-safe.
 */
public interface WireFixture {

    // ------------------------------------------------------------------------ what was sent

    /** The path of the chat endpoint below the base URL, such as {@code /chat/completions}. */
    String chatPath();

    /** The canary key the contract gives the provider: a key that must never show up anywhere. */
    default String canaryKey() {
        return "sk-CANARY-3f9a7c1e5b2d4f60a8e1c7b9d0e2f4a6";
    }

    /** The header that carries {@code key}, as the provider must send it (name, value). */
    Map.Entry<String, String> authHeader(ApiKey key);

    /** Every top-level request field this protocol defines (anything else is an unexpected field). */
    Set<String> requestFields();

    /** The model named in the request body. */
    String model(RecordedRequest request);

    /** The conversation in the request body, in order. */
    List<SentMessage> messages(RecordedRequest request);

    /** Whether the request body asks for a streamed answer. */
    boolean streamRequested(RecordedRequest request);

    /** The names of the tools declared in the request body, in order (empty when none). */
    List<String> toolNames(RecordedRequest request);

    /** The response-format type requested, such as {@code json_object}; null when none. */
    String responseFormatType(RecordedRequest request);

    /** The URLs of every image part in the request body, in order. */
    List<String> imageUrls(RecordedRequest request);

    // ------------------------------------------------------------------------ what comes back

    /** A complete, non-streamed text answer (status 200, request id header included). */
    Reply textReply(TextAnswer answer);

    /** The same answer as a stream whose text deltas are {@code deltas} (which concatenate to its content). */
    StreamEvents textStream(TextAnswer answer, List<String> deltas);

    /** A complete, non-streamed answer that asks for tool calls. */
    Reply toolCallReply(ToolCallAnswer answer);

    /**
     * The same answer as a stream: each call's arguments are cut into {@code argumentPieces}
     * fragments, and the fragments of parallel calls are interleaved.
     */
    StreamEvents toolCallStream(ToolCallAnswer answer, int argumentPieces);

    /** An HTTP error answer: status, error body and headers. */
    Reply errorReply(ErrorAnswer error);

    /** The raw event that reports {@code error} inside a stream that already started (status 200). */
    String streamErrorEvent(ErrorAnswer error);

    /** The rate-limit response headers that describe {@code snapshot}. */
    List<Map.Entry<String, String>> rateLimitHeaders(RateLimitSnapshot snapshot);

    /**
     * Whether streams are server-sent events; when false, the SSE-specific streaming tests
     * (comments, CRLF, multi-line data) are skipped.
     */
    default boolean serverSentEvents() {
        return true;
    }

    // ------------------------------------------------------------------------ neutral scenarios

    /**
     * A message as read back from a request.
     *
     * @param role the wire role ({@code system}, {@code user}, ...)
     * @param text the text content (text parts concatenated), empty if none
     *
     * <p>Thread-safety: immutable record.
     */
    record SentMessage(String role, String text) {
        public SentMessage {
            Objects.requireNonNull(role, "role");
            text = text == null ? "" : text;
        }
    }

    /**
     * A text answer.
     *
     * @param id           the completion id
     * @param model        the model that answers
     * @param content      the text
     * @param finishReason why it stopped
     * @param usage        the reported usage
     * @param requestId    the upstream request id (sent as a response header)
     *
     * <p>Thread-safety: immutable record.
     */
    record TextAnswer(String id, String model, String content, FinishReason finishReason, Usage usage,
                      String requestId) {
        public TextAnswer {
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(finishReason, "finishReason");
            Objects.requireNonNull(usage, "usage");
        }
    }

    /**
     * An answer that asks for tool calls (finish reason {@code TOOL_CALLS}).
     *
     * @param id        the completion id
     * @param model     the model that answers
     * @param calls     the calls, in order
     * @param usage     the reported usage
     * @param requestId the upstream request id
     *
     * <p>Thread-safety: immutable record.
     */
    record ToolCallAnswer(String id, String model, List<ToolCall> calls, Usage usage, String requestId) {
        public ToolCallAnswer {
            calls = List.copyOf(calls);
            Objects.requireNonNull(usage, "usage");
        }
    }

    /**
     * An upstream error.
     *
     * @param status  the HTTP status (ignored for in-stream errors)
     * @param code    the error code in OpenAI's vocabulary, may be null
     * @param type    the error type in OpenAI's vocabulary, may be null
     * @param message the human-readable message
     * @param headers extra response headers, such as {@code retry-after}
     *
     * <p>Thread-safety: immutable record.
     */
    record ErrorAnswer(int status, String code, String type, String message, List<Map.Entry<String, String>> headers) {
        public ErrorAnswer {
            Objects.requireNonNull(message, "message");
            headers = List.copyOf(headers);
        }

        /** An error without extra headers. */
        public static ErrorAnswer of(int status, String code, String type, String message) {
            return new ErrorAnswer(status, code, type, message, List.of());
        }

        /** This error with one more response header. */
        public ErrorAnswer withHeader(String name, String value) {
            List<Map.Entry<String, String>> more = new java.util.ArrayList<>(headers);
            more.add(Map.entry(name, value));
            return new ErrorAnswer(status, code, type, message, more);
        }
    }

    /**
     * A stream, rendered: the response headers and the raw events in three parts, so the contract
     * can drop the end marker or the finish events to simulate a truncated stream.
     *
     * @param headers      response headers (such as the request id), besides the content type
     * @param outputEvents the events that carry output (text or tool-call fragments)
     * @param finishEvents the events that report the finish reason and usage
     * @param endEvents    the end-of-stream marker events (OpenAI's {@code data: [DONE]}); may be empty
     *
     * <p>Thread-safety: immutable record.
     */
    record StreamEvents(List<Map.Entry<String, String>> headers, List<String> outputEvents,
                        List<String> finishEvents, List<String> endEvents) {
        public StreamEvents {
            headers = List.copyOf(headers);
            outputEvents = List.copyOf(outputEvents);
            finishEvents = List.copyOf(finishEvents);
            endEvents = List.copyOf(endEvents);
        }

        /** Every event, in order: output, finish, end. */
        public List<String> all() {
            List<String> all = new java.util.ArrayList<>(outputEvents);
            all.addAll(finishEvents);
            all.addAll(endEvents);
            return all;
        }

        /** A raw stream reply of {@code events} with these headers. */
        public Reply toReply(List<String> events) {
            Reply reply = Reply.sseRaw(events.toArray(String[]::new));
            for (Map.Entry<String, String> header : headers) {
                reply = reply.header(header.getKey(), header.getValue());
            }
            return reply;
        }

        /** The complete stream as a reply. */
        public Reply toReply() {
            return toReply(all());
        }
    }
}
