package dev.multillm.core.internal.wire;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * A writer of one compact JSON text straight into UTF-8 bytes, for the request bodies
 * {@link RequestEncoder} writes on every call; the counterpart of {@link JsonBytesReader}.
 *
 * <p>Why not JSON-P: profiling put Parsson's {@code JsonGeneratorFactory.createGenerator} alone
 * at about 6% of a non-streamed call's samples on the calling thread (taking and returning its
 * pooled 4096-char buffer, setting up the generator and its context stack), before the writes
 * themselves, which go through a char buffer and then need encoding to UTF-8. This writer is one
 * small object and a growable byte array (512 bytes to start), written in place.
 *
 * <p>The output is byte for byte what Parsson's compact generator (JSON-P's default, no pretty
 * printing) writes through an {@code OutputStreamWriter} in UTF-8 for the same calls, which
 * {@code JsonBytesWriterTest} checks over random call sequences:
 * <ul>
 *   <li>strings and keys: {@code "} and {@code \} escaped with a backslash; the control
 *       characters below U+0020 as {@code \b \f \n \r \t} and the others as
 *       <code>&#92;u00</code> and two lowercase hexadecimal digits; everything else, {@code /}
 *       and U+007F included, as it is, in UTF-8 (a surrogate pair as one four-byte sequence);</li>
 *   <li>a lone surrogate (a high one not followed by a low one, or a low one not preceded by a
 *       high one) as {@code ?}, as Java's UTF-8 encoder replaces it in an
 *       {@code OutputStreamWriter} and in {@link String#getBytes}: lossy, but the body is always
 *       valid UTF-8, and it is what the encoder has always sent;</li>
 *   <li>numbers: {@code int} and {@code long} in decimal, {@code double} as
 *       {@link String#valueOf(double)} (NaN and the infinities rejected with a
 *       {@link NumberFormatException}, as JSON-P does), {@link BigDecimal} and {@link BigInteger}
 *       as their {@code toString()};</li>
 *   <li>a {@link JsonValue} as its tree: an object's members in its iteration order, a
 *       {@link jakarta.json.JsonNumber} as its {@code toString()}.</li>
 * </ul>
 *
 * <p>Use: as JSON-P's {@code JsonGenerator}: one top-level value; in an object, each value is
 * preceded by {@link #writeKey(String)}, or written with one of the {@code write(key, value)}
 * methods; {@link #writeEnd()} closes the innermost object or array; {@link #toByteArray()}
 * returns the text once it is complete. Misuse (a key outside an object or twice in a row, a
 * value in an object without a key, {@link #writeEnd()} with nothing open or right after a key,
 * a second top-level value, {@link #toByteArray()} before the text is complete) is a programming
 * error and throws an {@link IllegalStateException}. A null string, number or {@link JsonValue}
 * throws a {@link NullPointerException}; {@link #writeNull()} writes {@code null}. After any
 * exception the text is incomplete and the writer is to be dropped.
 *
 * <p>Thread-safety: not thread-safe; one writer per body, used by one thread.
 */
final class JsonBytesWriter {
    /** The first buffer's size: a typical request body fits, and is copied out once. */
    static final int INITIAL_CAPACITY = 512;

    /** A container's state on the stack: bit 0 set when it has a member, bit 1 when an object. */
    private static final byte ARRAY = 0;
    private static final byte OBJECT = 2;
    private static final byte NOT_EMPTY = 1;

    /**
     * For each ASCII character: 0 when it is written as it is, else the character written after
     * the backslash ({@code 'u'} for <code>&#92;u00XX</code>).
     */
    private static final byte[] ESCAPE = new byte[128];
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] LONG_MIN_VALUE = String.valueOf(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPE[c] = 'u';
        }
        ESCAPE['\b'] = 'b';
        ESCAPE['\f'] = 'f';
        ESCAPE['\n'] = 'n';
        ESCAPE['\r'] = 'r';
        ESCAPE['\t'] = 't';
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
    }

    private byte[] buf;
    private int len;
    /** The open objects and arrays, outermost first: {@link #OBJECT} or {@link #ARRAY}, and {@link #NOT_EMPTY}. */
    private byte[] stack = new byte[16];
    private int depth;
    /** A key has been written in the innermost object and its value not yet. */
    private boolean keyPending;
    /** The top-level value has been started. */
    private boolean started;

    /** A writer whose buffer starts at {@value #INITIAL_CAPACITY} bytes. */
    JsonBytesWriter() {
        this(INITIAL_CAPACITY);
    }

    /** A writer whose buffer starts at {@code capacity} bytes (at least 16), to spare growing it. */
    JsonBytesWriter(int capacity) {
        this.buf = new byte[Math.max(16, capacity)];
    }

    /** Starts an object: the top-level value, an array element, or the value after a key. */
    JsonBytesWriter writeStartObject() {
        beforeValue();
        put((byte) '{');
        push(OBJECT);
        return this;
    }

    /** Starts an array: the top-level value, an array element, or the value after a key. */
    JsonBytesWriter writeStartArray() {
        beforeValue();
        put((byte) '[');
        push(ARRAY);
        return this;
    }

    /** Writes a key of the innermost object; its value comes next. */
    JsonBytesWriter writeKey(String key) {
        int n = key.length(); // the null check, before anything is written
        if (depth == 0 || (stack[depth - 1] & OBJECT) == 0) {
            throw new IllegalStateException(depth == 0 ? "a key outside any object" : "a key inside an array");
        }
        if (keyPending) {
            throw new IllegalStateException("a key right after a key: the first has no value");
        }
        int top = depth - 1;
        if ((stack[top] & NOT_EMPTY) != 0) {
            put((byte) ',');
        } else {
            stack[top] |= NOT_EMPTY;
        }
        writeString(key, n);
        put((byte) ':');
        keyPending = true;
        return this;
    }

    /** Closes the innermost object or array. */
    JsonBytesWriter writeEnd() {
        if (depth == 0) {
            throw new IllegalStateException("writeEnd() with no object or array open");
        }
        if (keyPending) {
            throw new IllegalStateException("writeEnd() right after a key: the key has no value");
        }
        depth--;
        put((stack[depth] & OBJECT) != 0 ? (byte) '}' : (byte) ']');
        return this;
    }

    JsonBytesWriter write(String key, String value) {
        writeKey(key);
        return write(value);
    }

    JsonBytesWriter write(String key, boolean value) {
        writeKey(key);
        return write(value);
    }

    JsonBytesWriter write(String key, int value) {
        writeKey(key);
        return write((long) value);
    }

    JsonBytesWriter write(String key, long value) {
        writeKey(key);
        return write(value);
    }

    /** @throws NumberFormatException when the value is NaN or infinite, before anything is written */
    JsonBytesWriter write(String key, double value) {
        checkFinite(value);
        writeKey(key);
        return write(value);
    }

    JsonBytesWriter write(String key, BigDecimal value) {
        writeKey(key);
        return write(value);
    }

    JsonBytesWriter write(String key, BigInteger value) {
        writeKey(key);
        return write(value);
    }

    JsonBytesWriter write(String key, JsonValue value) {
        writeKey(key);
        return write(value);
    }

    JsonBytesWriter writeNull(String key) {
        writeKey(key);
        return writeNull();
    }

    JsonBytesWriter write(String value) {
        int n = value.length(); // the null check, before anything is written
        beforeValue();
        writeString(value, n);
        return this;
    }

    JsonBytesWriter write(boolean value) {
        beforeValue();
        put(value ? TRUE : FALSE);
        return this;
    }

    JsonBytesWriter write(long value) {
        beforeValue();
        writeLong(value);
        return this;
    }

    /** @throws NumberFormatException when the value is NaN or infinite, before anything is written */
    JsonBytesWriter write(double value) {
        checkFinite(value);
        beforeValue();
        writeRaw(String.valueOf(value));
        return this;
    }

    JsonBytesWriter write(BigDecimal value) {
        String text = value.toString();
        beforeValue();
        writeRaw(text);
        return this;
    }

    JsonBytesWriter write(BigInteger value) {
        String text = value.toString();
        beforeValue();
        writeRaw(text);
        return this;
    }

    /** Writes a JSON-P value as its tree, an object's members in its iteration order. */
    JsonBytesWriter write(JsonValue value) {
        switch (value.getValueType()) {
            case OBJECT:
                writeStartObject();
                for (Map.Entry<String, JsonValue> member : ((JsonObject) value).entrySet()) {
                    writeKey(member.getKey());
                    write(member.getValue());
                }
                return writeEnd();
            case ARRAY:
                writeStartArray();
                for (JsonValue element : (JsonArray) value) {
                    write(element);
                }
                return writeEnd();
            case STRING:
                return write(((JsonString) value).getString());
            case NUMBER:
                String text = value.toString();
                beforeValue();
                writeRaw(text);
                return this;
            case TRUE:
                return write(true);
            case FALSE:
                return write(false);
            case NULL:
                return writeNull();
            default:
                throw new IllegalArgumentException("unknown JSON value type " + value.getValueType());
        }
    }

    JsonBytesWriter writeNull() {
        beforeValue();
        put(NULL);
        return this;
    }

    /**
     * The JSON text written, exactly its bytes.
     *
     * @throws IllegalStateException when nothing has been written or an object or array is still open
     */
    byte[] toByteArray() {
        if (depth != 0) {
            throw new IllegalStateException("toByteArray() with " + depth + " object(s) or array(s) still open");
        }
        if (!started) {
            throw new IllegalStateException("toByteArray() before any value was written");
        }
        return Arrays.copyOf(buf, len);
    }

    private static void checkFinite(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new NumberFormatException("double value cannot be Infinite or NaN"); // JSON-P's words
        }
    }

    /** Checks that a value may come here, and writes the comma before it if one is due. */
    private void beforeValue() {
        if (depth == 0) {
            if (started) {
                throw new IllegalStateException("a second top-level value");
            }
            started = true;
            return;
        }
        int top = depth - 1;
        byte state = stack[top];
        if ((state & OBJECT) != 0) {
            if (!keyPending) {
                throw new IllegalStateException("a value in an object without a key: call writeKey first");
            }
            keyPending = false; // writeKey wrote the comma
            return;
        }
        if ((state & NOT_EMPTY) != 0) {
            put((byte) ',');
        } else {
            stack[top] = (byte) (state | NOT_EMPTY);
        }
    }

    private void push(byte container) {
        if (depth == stack.length) {
            stack = Arrays.copyOf(stack, depth * 2);
        }
        stack[depth++] = container;
    }

    /** Writes {@code s} (of {@code n} chars) quoted and escaped, in UTF-8. */
    private void writeString(String s, int n) {
        // Room for the quotes and one byte per char; a char that needs more makes room for itself.
        ensure(n + 2);
        byte[] b = buf;
        int p = len;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80 && ESCAPE[c] == 0) {
                b[p++] = (byte) c;
                continue;
            }
            // At most 6 bytes for this char, then one for each char left and the closing quote.
            len = p;
            ensure(6 + (n - i));
            b = buf;
            if (c < 0x80) {
                byte escape = ESCAPE[c];
                b[p++] = '\\';
                b[p++] = escape;
                if (escape == 'u') {
                    b[p++] = '0';
                    b[p++] = '0';
                    b[p++] = HEX_DIGITS[c >> 4];
                    b[p++] = HEX_DIGITS[c & 0xF];
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (!Character.isSurrogate(c)) {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xF0 | (cp >> 18));
                b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                b[p++] = '?'; // a lone surrogate, replaced as Java's UTF-8 encoder replaces it
            }
        }
        b[p++] = '"';
        len = p;
    }

    /** Writes text that needs no escaping (a number's) as it is, in UTF-8. */
    private void writeRaw(String s) {
        int n = s.length();
        ensure(n);
        byte[] b = buf;
        int p = len;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) { // not from a JDK number; only a foreign JsonNumber could
                len = p;
                put(s.substring(i).getBytes(StandardCharsets.UTF_8));
                return;
            }
            b[p++] = (byte) c;
        }
        len = p;
    }

    private void writeLong(long value) {
        if (value == Long.MIN_VALUE) { // the one value that has no positive counterpart
            put(LONG_MIN_VALUE);
            return;
        }
        ensure(20);
        byte[] b = buf;
        int p = len;
        long v = value;
        if (v < 0) {
            b[p++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long bound = 10; digits < 19 && v >= bound; bound *= 10) {
            digits++;
        }
        int end = p + digits;
        for (int q = end - 1; q >= p; q--) {
            b[q] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
        len = end;
    }

    private void put(byte b) {
        if (len == buf.length) {
            ensure(1);
        }
        buf[len++] = b;
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
    }

    /** Makes room for {@code more} bytes after the {@link #len} written. */
    private void ensure(int more) {
        int needed = len + more;
        if (needed > buf.length) {
            if (needed < 0) {
                throw new OutOfMemoryError("a JSON body of more than 2 GiB");
            }
            int doubled = buf.length << 1; // negative past 1 GiB: then only what is needed
            buf = Arrays.copyOf(buf, Math.max(doubled, needed));
        }
    }
}
