package dev.multillm.core.internal.sse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A byte-level Server-Sent-Events decoder that follows the WHATWG HTML "event stream
 * interpretation" algorithm exactly.
 *
 * <p>Feed it the body of a {@code text/event-stream} response in buffers split anywhere, then
 * call {@link #end()} at end of input; it reports each event and comment to its
 * {@link SseListener}. Specifically:
 * <ul>
 *   <li>lines end with CRLF, LF or CR; a CR at the end of one buffer and an LF at the start of the
 *       next are one line ending;</li>
 *   <li>text is UTF-8, decoded per line from the bytes (never per buffer), so a multi-byte
 *       sequence may be split across buffers; malformed bytes become U+FFFD; one UTF-8 byte
 *       order mark at the very start of the stream is skipped; an event's data is handed over as
 *       the bytes of that text;</li>
 *   <li>a line starting with {@code ':'} is a comment; otherwise the field name is everything
 *       before the first {@code ':'} and the value everything after it, minus one leading space;
 *       a line without a colon is a field with an empty value; unknown fields are ignored;</li>
 *   <li>{@code data} appends its value and a newline to the data buffer; {@code event} sets the
 *       type; {@code id} sets the last event id unless the value contains NUL; {@code retry} sets
 *       the reconnection time if the value is only ASCII digits;</li>
 *   <li>a blank line dispatches the block: when the data buffer is empty nothing is dispatched,
 *       otherwise one event ({@link SseListener#onEventData}) with the final newline removed;
 *       either way the data buffer and event type are reset, while the last event id
 *       persists;</li>
 *   <li>at {@link #end()} an unfinished block, and an unterminated last line, are discarded.</li>
 * </ul>
 *
 * <p>Memory is bounded per line: a line longer than {@code maxLineBytes} (8 MiB by default) fails
 * with {@link SseDecodingException} as soon as it exceeds the limit, without waiting for its end.
 * The decoder is built for the hot path of streamed tokens: it scans bytes in place (heap arrays
 * directly, other buffers with absolute gets), copies a line only when it straddles buffers or its
 * buffer has no accessible array (the JDK client's read-only buffers: one bulk copy of the line,
 * no per-stream scratch array), hands a block of one {@code data:} line to
 * {@link SseListener#onEventData} straight from those bytes (a block of several from its data
 * buffer), and allocates nothing per byte and nothing per event: only the strings of an event's
 * type and id and of a comment, when a line sets them (the listener's default {@code onEventData}
 * makes the data string and the {@link SseEvent}). An idle stream holds a few hundred bytes:
 * buffers are allocated small on first use, and dropped after an unusually long line.
 *
 * <p>Thread-safety: not thread-safe; use one decoder per stream, fed by one thread at a time.
 */
public final class SseDecoder {

    /** The default longest line, in bytes, not counting its line ending: 8 MiB. */
    public static final int DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte COLON = ':';
    private static final byte SPACE = ' ';
    private static final int INITIAL_CAPACITY = 256;
    /** Buffers that grew past this are dropped after use, so an idle stream holds little memory. */
    private static final int RETAINED_CAPACITY = 64 * 1024;
    private static final byte[] NONE = new byte[0];
    private static final long LF_BYTES = 0x0A0A0A0A0A0A0A0AL;
    private static final long CR_BYTES = 0x0D0D0D0D0D0D0D0DL;
    private static final long LOW_7_BITS = 0x7F7F7F7F7F7F7F7FL;
    /** Eight bytes of an array at once, least significant first: the first in memory is lowest. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final int OPEN = 0;
    private static final int ENDED = 1;
    private static final int FAILED = 2;

    private final SseListener listener;
    private final int maxLineBytes;

    /**
     * Bytes of the current line that arrived in earlier buffers; for buffers without an accessible
     * array (the JDK client's read-only ones, direct ones), every line's bytes. Allocated on first
     * use ({@link #NONE} until then), {@value #INITIAL_CAPACITY} bytes, growing as needed and
     * shrunk back after an unusually long line.
     */
    private byte[] line = NONE;
    private int lineLength;
    /**
     * The data buffer of the spec, as UTF-8 bytes: each data value followed by LF; allocated on
     * first use. The first data value of a block is not copied here at once but kept as a
     * reference ({@link #pendingData}), so that the common block of one {@code data:} line becomes
     * its event's string with no intermediate copy.
     */
    private byte[] data = NONE;
    private int dataLength;
    /**
     * The block's first data value, not yet copied into {@link #data}: bytes
     * {@code [pendingFrom, pendingFrom + pendingLength)} of this array, which is either the
     * caller's array (valid only during {@link #feed}) or {@link #line} (valid until the next line
     * is copied into it). Null when there is none; only ever set while {@link #dataLength} is 0.
     */
    private byte[] pendingData;
    private int pendingFrom;
    private int pendingLength;
    /** The event type buffer; null stands for the empty string. */
    private String eventType;
    /** The last event ID buffer; null until an {@code id} field sets it. */
    private String idBuffer;
    /** The last event ID string, committed at each blank line. */
    private String lastEventId;
    /** A valid {@code retry} value seen in the current block, else null. */
    private Long blockRetry;
    private Long reconnectionTime;
    /** The previous byte was a CR that ended a line: an LF right after it belongs to that ending. */
    private boolean afterCr;
    /** No line has been completed yet, so the first one may start with a byte order mark. */
    private boolean atStreamStart = true;
    private int state = OPEN;
    /** Index in the array or buffer being processed up to which bytes are consumed (for exceptions). */
    private int consumed;

    /** A decoder with the default line limit of {@value #DEFAULT_MAX_LINE_BYTES} bytes. */
    public SseDecoder(SseListener listener) {
        this(listener, DEFAULT_MAX_LINE_BYTES);
    }

    /**
     * A decoder that fails with {@link SseDecodingException} on any line longer than
     * {@code maxLineBytes} bytes (line ending not counted).
     *
     * @throws IllegalArgumentException if {@code maxLineBytes} is less than 1
     */
    public SseDecoder(SseListener listener, int maxLineBytes) {
        this.listener = Objects.requireNonNull(listener, "listener");
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be at least 1, was " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Decodes all remaining bytes of {@code bytes}, reporting every event and comment they
     * complete; bytes of an unfinished line are kept for the next call.
     *
     * <p>On return the buffer's position equals its limit. If the listener throws, the exception
     * propagates and the position is left just past the line that triggered the callback; the
     * decoder stays usable for the remaining bytes.
     *
     * @throws SseDecodingException if a line exceeds the limit; the decoder is then unusable
     * @throws IllegalStateException after {@link #end()} or after an {@link SseDecodingException}
     */
    public void feed(ByteBuffer bytes) {
        Objects.requireNonNull(bytes, "bytes");
        checkOpen();
        if (!bytes.hasRemaining()) {
            return;
        }
        if (bytes.hasArray()) {
            int offset = bytes.arrayOffset();
            int from = offset + bytes.position();
            int to = offset + bytes.limit();
            consumed = from;
            try {
                process(bytes.array(), from, to);
            } finally {
                bytes.position(consumed - offset);
                keepPendingData();
            }
        } else {
            // Read-only (what the JDK HTTP client delivers) or direct: scanned in place with
            // absolute gets; only the bytes of each line are copied, into the line buffer.
            consumed = bytes.position();
            try {
                process(bytes, consumed, bytes.limit());
            } finally {
                bytes.position(consumed);
                keepPendingData();
            }
        }
    }

    /**
     * Marks the end of input. As the spec says, pending data is discarded: an unterminated last
     * line and a block not closed by a blank line produce no event. Calling it again does nothing.
     */
    public void end() {
        if (state != OPEN) {
            return;
        }
        state = ENDED;
        lineLength = 0;
        dataLength = 0;
        eventType = null;
        blockRetry = null;
        pendingData = null;
        line = NONE;
        data = NONE;
    }

    /**
     * The last event id string of the stream, as committed by the last blank line; {@code null}
     * if none was set. This is the value to send as {@code Last-Event-ID} when reconnecting.
     */
    public String lastEventId() {
        return lastEventId;
    }

    /**
     * The reconnection time in milliseconds from the last valid {@code retry:} field of the
     * stream, also from blocks that dispatched no event; {@code null} if none came.
     */
    public Long reconnectionTime() {
        return reconnectionTime;
    }

    private void checkOpen() {
        if (state == ENDED) {
            throw new IllegalStateException("SSE decoder already ended; feed() after end()");
        }
        if (state == FAILED) {
            throw new IllegalStateException("SSE decoder failed earlier and cannot decode further input");
        }
    }

    /** Splits {@code buf[from, to)} into lines, processing each complete one. */
    private void process(byte[] buf, int from, int to) {
        int i = from;
        while (i < to) {
            if (afterCr) {
                afterCr = false;
                if (buf[i] == LF) {
                    i++;
                    consumed = i;
                    continue;
                }
            }
            int j = lineEnd(buf, i, to);
            if (j == to) {
                appendToLine(buf, i, j - i);
                consumed = to;
                return;
            }
            afterCr = buf[j] == CR;
            consumed = j + 1;
            if (lineLength == 0) {
                // The whole line is in this buffer: decode it in place, no copy.
                int length = j - i;
                if (length > maxLineBytes) {
                    throw lineTooLong(length);
                }
                processLine(buf, i, length);
            } else {
                appendToLine(buf, i, j - i);
                processBufferedLine();
            }
            i = j + 1;
        }
    }

    /**
     * Splits {@code buf[from, to)} into lines like {@link #process(byte[], int, int)}, for a buffer
     * without an accessible array: each line's bytes are copied into the line buffer (one bulk
     * copy per line), then processed from there.
     */
    private void process(ByteBuffer buf, int from, int to) {
        boolean bigEndian = buf.order() == ByteOrder.BIG_ENDIAN;
        int i = from;
        while (i < to) {
            if (afterCr) {
                afterCr = false;
                if (buf.get(i) == LF) {
                    i++;
                    consumed = i;
                    continue;
                }
            }
            int j = lineEnd(buf, i, to, bigEndian);
            appendToLine(buf, i, j - i);
            if (j == to) {
                consumed = to;
                return;
            }
            afterCr = buf.get(j) == CR;
            consumed = j + 1;
            processBufferedLine();
            i = j + 1;
        }
    }

    /** Processes the complete line held in the line buffer, then empties it. */
    private void processBufferedLine() {
        int length = lineLength;
        lineLength = 0;
        byte[] lineBytes = line;
        if (lineBytes.length > RETAINED_CAPACITY) {
            line = NONE; // an unusually long line: do not keep its buffer for the stream's life
        }
        processLine(lineBytes, 0, length);
    }

    /** The index of the first CR or LF in {@code buf[from, to)}, else {@code to}; 8 bytes a step. */
    private static int lineEnd(byte[] buf, int from, int to) {
        int j = from;
        for (int last = to - Long.BYTES; j <= last; j += Long.BYTES) {
            long ends = lineEnds((long) LONGS.get(buf, j));
            if (ends != 0) {
                return j + (Long.numberOfTrailingZeros(ends) >>> 3);
            }
        }
        for (; j < to; j++) {
            byte b = buf[j];
            if (b == LF || b == CR) {
                return j;
            }
        }
        return to;
    }

    /** As {@link #lineEnd(byte[], int, int)}, with absolute gets in the buffer's byte order. */
    private static int lineEnd(ByteBuffer buf, int from, int to, boolean bigEndian) {
        int j = from;
        for (int last = to - Long.BYTES; j <= last; j += Long.BYTES) {
            long ends = lineEnds(buf.getLong(j));
            if (ends != 0) {
                int first = bigEndian ? Long.numberOfLeadingZeros(ends) : Long.numberOfTrailingZeros(ends);
                return j + (first >>> 3);
            }
        }
        for (; j < to; j++) {
            byte b = buf.get(j);
            if (b == LF || b == CR) {
                return j;
            }
        }
        return to;
    }

    /**
     * The high bit of every byte of {@code word} that is LF or CR, and no other bit: a byte is
     * zero after XOR with the one looked for, and {@code ~(((x & 0x7F..) + 0x7F..) | x | 0x7F..)}
     * marks exactly the zero bytes of {@code x} (no carry crosses a byte, so no false match).
     */
    private static long lineEnds(long word) {
        long lf = word ^ LF_BYTES;
        long cr = word ^ CR_BYTES;
        return ~(((lf & LOW_7_BITS) + LOW_7_BITS) | lf | LOW_7_BITS)
                | ~(((cr & LOW_7_BITS) + LOW_7_BITS) | cr | LOW_7_BITS);
    }

    private void appendToLine(byte[] buf, int from, int length) {
        if (length == 0) {
            return;
        }
        int at = reserveLine(length);
        System.arraycopy(buf, from, line, at, length);
    }

    private void appendToLine(ByteBuffer buf, int from, int length) {
        if (length == 0) {
            return;
        }
        int at = reserveLine(length);
        buf.get(from, line, at, length);
    }

    /** Makes room for {@code length} more bytes in the line buffer; returns where they go. */
    private int reserveLine(int length) {
        int used = lineLength;
        int needed = used + length;
        if (needed > maxLineBytes || needed < 0) {
            throw lineTooLong(needed);
        }
        if (pendingData == line) {
            flushPendingData(); // the line buffer is about to be overwritten
        }
        if (needed > line.length) {
            line = grow(line, used, needed);
        }
        lineLength = needed;
        return used;
    }

    private SseDecodingException lineTooLong(long length) {
        state = FAILED;
        return new SseDecodingException("SSE line of at least " + length + " bytes exceeds maxLineBytes="
                + maxLineBytes + "; the response is not a sane event stream (or the limit is too low)");
    }

    /** Interprets one line (without its ending), per the spec's "process the field" rules. */
    private void processLine(byte[] buf, int from, int length) {
        if (atStreamStart) {
            atStreamStart = false;
            if (length >= 3 && buf[from] == (byte) 0xEF && buf[from + 1] == (byte) 0xBB
                    && buf[from + 2] == (byte) 0xBF) {
                from += 3;
                length -= 3;
            }
        }
        if (length == 0) {
            dispatch();
            return;
        }
        int end = from + length;
        if (buf[from] == COLON) {
            int start = from + 1;
            if (start < end && buf[start] == SPACE) {
                start++;
            }
            listener.onComment(decode(buf, start, end - start));
            return;
        }
        int colon = from;
        while (colon < end && buf[colon] != COLON) {
            colon++;
        }
        int nameLength = colon - from;
        int valueStart = colon < end ? colon + 1 : end;
        if (valueStart < end && buf[valueStart] == SPACE) {
            valueStart++;
        }
        int valueLength = end - valueStart;
        switch (nameLength) {
            case 2:
                if (buf[from] == 'i' && buf[from + 1] == 'd') {
                    setId(buf, valueStart, valueLength);
                }
                break;
            case 4:
                if (buf[from] == 'd' && buf[from + 1] == 'a' && buf[from + 2] == 't' && buf[from + 3] == 'a') {
                    appendData(buf, valueStart, valueLength);
                }
                break;
            case 5:
                if (buf[from] == 'e' && buf[from + 1] == 'v' && buf[from + 2] == 'e' && buf[from + 3] == 'n'
                        && buf[from + 4] == 't') {
                    eventType = valueLength == 0 ? null : decode(buf, valueStart, valueLength);
                } else if (buf[from] == 'r' && buf[from + 1] == 'e' && buf[from + 2] == 't'
                        && buf[from + 3] == 'r' && buf[from + 4] == 'y') {
                    setRetry(buf, valueStart, valueLength);
                }
                break;
            default:
                // Unknown field: ignored, as the spec says.
                break;
        }
    }

    private void setId(byte[] buf, int from, int length) {
        for (int k = from, end = from + length; k < end; k++) {
            if (buf[k] == 0) {
                return; // an id containing NUL is ignored
            }
        }
        idBuffer = decode(buf, from, length);
    }

    private void setRetry(byte[] buf, int from, int length) {
        if (length == 0) {
            return;
        }
        long value = 0;
        for (int k = from, end = from + length; k < end; k++) {
            int digit = buf[k] - '0';
            if (digit < 0 || digit > 9) {
                return; // not only ASCII digits: ignored
            }
            if (value > (Long.MAX_VALUE - digit) / 10) {
                return; // too large to represent: ignored
            }
            value = value * 10 + digit;
        }
        Long retry = value;
        blockRetry = retry;
        reconnectionTime = retry;
    }

    private void appendData(byte[] buf, int from, int length) {
        if (dataLength == 0 && pendingData == null) {
            // The block's first value: keep a reference, copy only if another value follows or
            // the bytes would not outlive this call (see keepPendingData).
            pendingData = buf;
            pendingFrom = from;
            pendingLength = length;
            return;
        }
        flushPendingData();
        copyData(buf, from, length);
    }

    /** Copies the pending first data value, if any, into the data buffer. */
    private void flushPendingData() {
        byte[] pending = pendingData;
        if (pending != null) {
            pendingData = null;
            copyData(pending, pendingFrom, pendingLength);
        }
    }

    /**
     * Called when {@link #feed} returns (or throws): a pending data value in the caller's array
     * (or in a line buffer already replaced) is copied, as those bytes do not outlive the call.
     */
    private void keepPendingData() {
        if (pendingData != null && pendingData != line) {
            flushPendingData();
        }
    }

    private void copyData(byte[] buf, int from, int length) {
        int needed = dataLength + length + 1;
        if (needed < 0) {
            state = FAILED;
            throw new SseDecodingException("SSE event data exceeds 2 GiB");
        }
        if (needed > data.length) {
            data = grow(data, dataLength, needed);
        }
        System.arraycopy(buf, from, data, dataLength, length);
        data[needed - 1] = LF;
        dataLength = needed;
    }

    /** The spec's "dispatch the event", run on a blank line. */
    private void dispatch() {
        lastEventId = idBuffer;
        Long retry = blockRetry;
        blockRetry = null;
        String type = eventType == null ? SseEvent.DEFAULT_TYPE : eventType;
        eventType = null;
        byte[] bytes = pendingData;
        int from;
        int length;
        if (bytes != null) {
            // A block of one data line: its bytes where they are.
            pendingData = null;
            from = pendingFrom;
            length = pendingLength;
        } else if (dataLength == 0) {
            return;
        } else {
            // The buffer always ends with the LF appended after the last data value: drop it.
            bytes = data;
            from = 0;
            length = dataLength - 1;
            dataLength = 0;
            if (data.length > RETAINED_CAPACITY) {
                data = NONE; // still intact for the listener below; just not kept
            }
        }
        listener.onEventData(type, bytes, from, length, lastEventId, retry);
    }

    private static String decode(byte[] buf, int from, int length) {
        return length == 0 ? "" : new String(buf, from, length, StandardCharsets.UTF_8);
    }

    private static byte[] grow(byte[] array, int used, int needed) {
        int capacity = array.length;
        int doubled = capacity > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE - 8 : capacity * 2;
        byte[] bigger = new byte[Math.max(needed, Math.max(doubled, INITIAL_CAPACITY))];
        System.arraycopy(array, 0, bigger, 0, used);
        return bigger;
    }
}
