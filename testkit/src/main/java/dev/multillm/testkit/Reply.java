package dev.multillm.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One scripted answer of a {@link FakeUpstream}: what the fake server does with the next request.
 *
 * <p>Two families:
 * <ul>
 *   <li><b>messages</b> ({@link #json}, {@link #html}, {@link #text}, {@link #status}) and
 *       <b>faults</b> ({@link #reset()}, {@link #emptyResponse()}): ordinary HTTP answers, served
 *       through WireMock's stub engine;</li>
 *   <li><b>streams</b> ({@link #sse}, {@link #sseRaw}, {@link #pings}, {@link #noResponse()}):
 *       written byte by byte by the kit's own socket server, with exact TCP write boundaries
 *       ({@link #chunkBytes(int)}), delays between writes ({@link #delayBetween(Duration)}), CRLF
 *       line endings ({@link #crlf()}), and a chosen end: a clean end of body (the default),
 *       {@link #thenStall()} (the socket stays open and silent) or {@link #thenReset()}.</li>
 * </ul>
 *
 * <pre>{@code
 * upstream.enqueue(Reply.json(503, "{\"error\":{\"message\":\"busy\"}}").header("retry-after", "1"));
 * upstream.enqueue(Reply.sse("{\"choices\":[...]}", "[DONE]").delayBetween(Duration.ofMillis(5)).thenStall());
 * upstream.enqueue(Reply.stallAfter(2, "{...}", "{...}", "{...}"));
 * }</pre>
 *
 * <p>Thread-safety: immutable; every modifier returns a new reply.
 */
public final class Reply {

    /** How a reply is produced. */
    enum Kind { MESSAGE, FAULT, STREAM, PINGS, NO_RESPONSE }

    /** How a stream ends once its pieces are written. */
    enum End { COMPLETE, STALL, RESET }

    /** Faults taken from WireMock's {@code Fault} enum. */
    enum FaultKind { CONNECTION_RESET_BY_PEER, EMPTY_RESPONSE, MALFORMED_RESPONSE_CHUNK, RANDOM_DATA_THEN_CLOSE }

    final Kind kind;
    final int status;
    final List<Map.Entry<String, String>> headers;
    final byte[] body;
    final FaultKind fault;
    final List<String> pieces;
    final boolean eventPieces;
    final boolean crlf;
    final int chunkBytes;
    final Duration delayBetween;
    final Duration initialDelay;
    final End end;

    private Reply(Kind kind, int status, List<Map.Entry<String, String>> headers, byte[] body, FaultKind fault,
                  List<String> pieces, boolean eventPieces, boolean crlf, int chunkBytes, Duration delayBetween,
                  Duration initialDelay, End end) {
        this.kind = kind;
        this.status = status;
        this.headers = List.copyOf(headers);
        this.body = body;
        this.fault = fault;
        this.pieces = List.copyOf(pieces);
        this.eventPieces = eventPieces;
        this.crlf = crlf;
        this.chunkBytes = chunkBytes;
        this.delayBetween = delayBetween;
        this.initialDelay = initialDelay;
        this.end = end;
    }

    private static Reply message(int status, String contentType, String body) {
        checkStatus(status);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        if (contentType != null) {
            headers.add(Map.entry("Content-Type", contentType));
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return new Reply(Kind.MESSAGE, status, headers, bytes, null, List.of(), false, false, 0, Duration.ZERO,
                Duration.ZERO, End.COMPLETE);
    }

    private static void checkStatus(int status) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status must be a 3-digit HTTP status, was " + status);
        }
    }

    /** A JSON body with {@code Content-Type: application/json}. */
    public static Reply json(int status, String body) {
        return message(status, "application/json", Objects.requireNonNull(body, "body"));
    }

    /** An HTML page (such as a proxy's 502 page) with {@code Content-Type: text/html}. */
    public static Reply html(int status, String page) {
        return message(status, "text/html; charset=utf-8", Objects.requireNonNull(page, "page"));
    }

    /** A plain-text body. */
    public static Reply text(int status, String body) {
        return message(status, "text/plain; charset=utf-8", Objects.requireNonNull(body, "body"));
    }

    /** A status with an empty body. */
    public static Reply status(int status) {
        return message(status, null, null);
    }

    /** The connection is reset (TCP RST) instead of answering. */
    public static Reply reset() {
        return fault(FaultKind.CONNECTION_RESET_BY_PEER);
    }

    /** The connection is closed without a byte of answer. */
    public static Reply emptyResponse() {
        return fault(FaultKind.EMPTY_RESPONSE);
    }

    /** Answers 200 with a chunked body whose chunk framing is garbage, then closes. */
    public static Reply malformedChunk() {
        return fault(FaultKind.MALFORMED_RESPONSE_CHUNK);
    }

    /** Answers random bytes instead of HTTP, then closes. */
    public static Reply garbage() {
        return fault(FaultKind.RANDOM_DATA_THEN_CLOSE);
    }

    private static Reply fault(FaultKind fault) {
        return new Reply(Kind.FAULT, 0, List.of(), new byte[0], fault, List.of(), false, false, 0, Duration.ZERO,
                Duration.ZERO, End.COMPLETE);
    }

    /**
     * A 200 {@code text/event-stream} with one event per payload: each is written as
     * {@code data: PAYLOAD} plus a blank line, in its own TCP write. A payload containing newlines
     * becomes a multi-line {@code data:} event.
     */
    public static Reply sse(String... dataPayloads) {
        return sse(Arrays.asList(dataPayloads));
    }

    /** {@link #sse(String...)} from a list. */
    public static Reply sse(List<String> dataPayloads) {
        List<String> pieces = new ArrayList<>();
        for (String payload : dataPayloads) {
            Objects.requireNonNull(payload, "payload");
            StringBuilder event = new StringBuilder();
            for (String line : payload.split("\n", -1)) {
                event.append("data: ").append(line).append('\n');
            }
            pieces.add(event.append('\n').toString());
        }
        return stream(pieces, true);
    }

    /**
     * A 200 {@code text/event-stream} whose body is exactly {@code pieces}, each in its own TCP
     * write: for comments, {@code event:} lines, odd line endings or split events.
     */
    public static Reply sseRaw(String... pieces) {
        return stream(Arrays.asList(pieces), false);
    }

    /** {@link #sse(String...)} for the first {@code n} payloads, then {@link #thenStall()}. */
    public static Reply stallAfter(int n, String... dataPayloads) {
        if (n < 0 || n > dataPayloads.length) {
            throw new IllegalArgumentException("n must be between 0 and " + dataPayloads.length + ", was " + n);
        }
        return sse(Arrays.asList(dataPayloads).subList(0, n)).thenStall();
    }

    /**
     * A 200 {@code text/event-stream} that only ever sends the keep-alive comment {@code : ping},
     * every {@code interval}, until the client hangs up.
     */
    public static Reply pings(Duration interval) {
        checkDelay(interval);
        return new Reply(Kind.PINGS, 200, sseHeaders(), new byte[0], null, List.of(": ping\n\n"), false, false, 0,
                interval, Duration.ZERO, End.STALL);
    }

    /** Reads the request and never answers: no status line, the socket stays open until the client hangs up. */
    public static Reply noResponse() {
        return new Reply(Kind.NO_RESPONSE, 0, List.of(), new byte[0], null, List.of(), false, false, 0,
                Duration.ZERO, Duration.ZERO, End.STALL);
    }

    private static Reply stream(List<String> pieces, boolean eventPieces) {
        for (String piece : pieces) {
            Objects.requireNonNull(piece, "piece");
        }
        return new Reply(Kind.STREAM, 200, sseHeaders(), new byte[0], null, pieces, eventPieces, false, 0,
                Duration.ZERO, Duration.ZERO, End.COMPLETE);
    }

    private static List<Map.Entry<String, String>> sseHeaders() {
        return List.of(Map.entry("Content-Type", "text/event-stream"), Map.entry("Cache-Control", "no-cache"));
    }

    private static void checkDelay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
    }

    private Reply with(List<Map.Entry<String, String>> newHeaders, boolean newCrlf, int newChunkBytes,
                       Duration newDelayBetween, Duration newInitialDelay, End newEnd) {
        return new Reply(kind, status, newHeaders, body, fault, pieces, eventPieces, newCrlf, newChunkBytes,
                newDelayBetween, newInitialDelay, newEnd);
    }

    /** This reply with one more response header (messages and streams). */
    public Reply header(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (kind == Kind.FAULT || kind == Kind.NO_RESPONSE) {
            throw new IllegalStateException("a " + kind + " reply sends no headers");
        }
        List<Map.Entry<String, String>> list = new ArrayList<>(headers);
        list.add(Map.entry(name, value));
        return with(list, crlf, chunkBytes, delayBetween, initialDelay, end);
    }

    /** This reply, sent only after waiting {@code delay} (the client hanging up ends the wait). */
    public Reply afterDelay(Duration delay) {
        checkDelay(delay);
        return with(headers, crlf, chunkBytes, delayBetween, delay, end);
    }

    /** A stream whose writes are {@code delay} apart. */
    public Reply delayBetween(Duration delay) {
        checkDelay(delay);
        requireStream("delayBetween");
        return with(headers, crlf, chunkBytes, delay, initialDelay, end);
    }

    /**
     * A stream whose body is re-cut into writes of {@code bytes} bytes each, ignoring event
     * boundaries: {@code chunkBytes(1)} splits every multi-byte UTF-8 character and every CRLF;
     * with {@link #delayBetween(Duration)} it is a slow drip.
     */
    public Reply chunkBytes(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("bytes must be at least 1, was " + bytes);
        }
        requireStream("chunkBytes");
        return with(headers, crlf, bytes, delayBetween, initialDelay, end);
    }

    /** A stream built by {@link #sse(String...)} that ends its lines with CRLF instead of LF. */
    public Reply crlf() {
        requireStream("crlf");
        return with(headers, true, chunkBytes, delayBetween, initialDelay, end);
    }

    /**
     * A stream that, after its last piece, keeps the socket open and silent until the client
     * hangs up (no end of body): "stall after N events", or {@code [DONE]} with the socket left open.
     */
    public Reply thenStall() {
        requireStream("thenStall");
        return with(headers, crlf, chunkBytes, delayBetween, initialDelay, End.STALL);
    }

    /**
     * A stream that, after its last piece (and one more {@link #delayBetween(Duration)}, so the
     * client has read it), resets the connection (TCP RST) mid-body.
     */
    public Reply thenReset() {
        requireStream("thenReset");
        return with(headers, crlf, chunkBytes, delayBetween, initialDelay, End.RESET);
    }

    private void requireStream(String what) {
        if (kind != Kind.STREAM) {
            throw new IllegalStateException(what + " applies to sse/sseRaw streams, not to a " + kind + " reply");
        }
    }

    /** Whether the kit's socket server writes this reply itself (instead of WireMock's stub engine). */
    boolean isRaw() {
        return kind == Kind.STREAM || kind == Kind.PINGS || kind == Kind.NO_RESPONSE;
    }

    /** The byte writes of a stream, after line-ending conversion and re-chunking. */
    List<byte[]> writes() {
        List<byte[]> out = new ArrayList<>();
        for (String piece : pieces) {
            String text = crlf && eventPieces ? piece.replace("\n", "\r\n") : piece;
            out.add(text.getBytes(StandardCharsets.UTF_8));
        }
        if (chunkBytes == 0) {
            return out;
        }
        int total = out.stream().mapToInt(b -> b.length).sum();
        byte[] all = new byte[total];
        int at = 0;
        for (byte[] b : out) {
            System.arraycopy(b, 0, all, at, b.length);
            at += b.length;
        }
        List<byte[]> cut = new ArrayList<>();
        for (int i = 0; i < total; i += chunkBytes) {
            cut.add(Arrays.copyOfRange(all, i, Math.min(total, i + chunkBytes)));
        }
        return cut;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case MESSAGE -> "Reply[" + status + ", " + body.length + " bytes]";
            case FAULT -> "Reply[fault " + fault + "]";
            case STREAM -> "Reply[sse " + pieces.size() + " pieces, end " + end + "]";
            case PINGS -> "Reply[pings every " + delayBetween + "]";
            case NO_RESPONSE -> "Reply[no response]";
        };
    }
}
