package dev.multillm.core.internal.wire;

import jakarta.json.JsonException;
import jakarta.json.JsonValue.ValueType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A pull reader of one JSON text held as UTF-8 bytes, for the hot paths: streamed chunks and
 * non-streamed response bodies.
 *
 * <p>Why not JSON-P: a JFR allocation profile of a 200-chunk stream put about a fifth of the
 * library's per-chunk allocation in Parsson's {@code JsonParser.getString()}, which makes a new
 * {@link String} for every key of every chunk just to compare it, and another tenth in the parser,
 * tokenizer and context objects created for every chunk; Parsson also reads characters, so the SSE
 * data had to become a {@link String} first. This reader works on the SSE decoder's bytes in
 * place: a key is compared with {@link #keyIs(byte[])} against a constant's ASCII bytes, without
 * allocating; a string value becomes a {@link String} only when the caller asks for it (one
 * {@code new String(bytes, offset, length, UTF_8)} when it has no escape); unwanted values are
 * skipped; the reader itself is one small object per payload. Whole response bodies are read the
 * same way, from the bytes the HTTP client collected, for the same reasons. JSON-P (Parsson) stays
 * the parser of the rare values wanted as a tree (an error object, tool-call arguments sent as JSON).
 *
 * <p>The grammar is RFC 8259's, strictly: one value per call sequence, objects, arrays, strings
 * (no raw control characters; the escapes {@code \" \\ \/ \b \f \n \r \t} and a backslash,
 * {@code u} and four hexadecimal digits, surrogate pairs combining in the resulting string and lone
 * surrogates kept as they are, as JSON-P does), numbers
 * ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}), {@code true}, {@code false},
 * {@code null}, and the four whitespace characters. Skipped values are validated as
 * thoroughly as read ones. Nesting deeper than {@value #MAX_DEPTH} levels is rejected. Bytes of a
 * string are not checked as UTF-8: a malformed sequence becomes U+FFFD in the string made from it,
 * exactly as decoding the whole text with {@code new String(bytes, UTF_8)} first would have made it
 * (outside strings, any non-ASCII byte is a syntax error). Every syntax error is a
 * {@link JsonException} that says what was found where.
 *
 * <p>Use: {@link #peek()} says what the next value is; it is then consumed with exactly one of
 * {@link #beginObject()} (then {@link #nextKey()} until it returns false, consuming one value
 * after each key), {@link #beginArray()} (then {@link #nextElement()} until it returns false,
 * consuming one value after each), {@link #readString()}, {@link #readNumberText()},
 * {@link #readInt()}, {@link #readLong()}, {@link #readDouble()}, {@link #readBigDecimal()},
 * {@link #skipValue()} or {@link #skipValueAsText()}; {@link #atEnd()} then says whether only
 * whitespace is left, and {@link #expectEnd()} requires it.
 *
 * <p>Thread-safety: not thread-safe; one reader per payload, used by one thread.
 */
final class JsonBytesReader {
    /** The deepest nesting of objects and arrays accepted; no chunk nests more than about eight. */
    static final int MAX_DEPTH = 256;
    /**
     * The longest number converted through {@link BigDecimal} (those with a fraction, an exponent
     * or too many digits for a fast path): JSON-P's (Parsson's) default limit, as quadratic-time
     * parsing of a huge number is a denial of service.
     */
    static final int MAX_NUMBER_LENGTH = 1100;

    /** Bytes that may appear as they are inside a string: not a control character, '"' or '\'. */
    private static final boolean[] PLAIN = new boolean[256];
    /** Hexadecimal digit values by byte, -1 for a byte that is not one. */
    private static final byte[] HEX = new byte[256];

    static {
        for (int b = 0x20; b < 256; b++) {
            PLAIN[b] = b != '"' && b != '\\';
        }
        Arrays.fill(HEX, (byte) -1);
        for (int d = 0; d < 10; d++) {
            HEX['0' + d] = (byte) d;
        }
        for (int d = 0; d < 6; d++) {
            HEX['a' + d] = (byte) (10 + d);
            HEX['A' + d] = (byte) (10 + d);
        }
    }

    private final byte[] buf;
    private final int start;
    private final int end;
    /** The next byte to read. */
    private int pos;
    private int depth;
    /** The innermost open object or array has had no member yet. */
    private boolean first;
    /** Whether the string {@link #scanString(int)} last scanned contained an escape. */
    private boolean escaped;
    /** The last key read: its bytes between the quotes, and whether they contain an escape. */
    private int keyFrom;
    private int keyTo;
    private boolean keyEscaped;
    /** The last key unescaped, made on first need when it has an escape; else null. */
    private String unescapedKey;
    /** The last number scanned: its bytes, and whether it has a fraction or an exponent. */
    private int numberFrom;
    private int numberTo;
    private boolean numberFractional;
    /** Scratch for unescaping strings and converting long numbers; allocated on first need. */
    private char[] chars;

    /** A reader of {@code buf[from, from + length)}; the array must not change while it is read. */
    JsonBytesReader(byte[] buf, int from, int length) {
        this.buf = buf;
        this.start = from;
        this.end = from + length;
        this.pos = from;
    }

    /**
     * What the next value is, without consuming it; whitespace before it is consumed.
     *
     * @throws JsonException at the end of the input or at a byte that cannot start a value
     */
    ValueType peek() {
        int i = skipWhitespace(pos);
        pos = i;
        if (i >= end) {
            throw error(i, "a value");
        }
        switch (buf[i]) {
            case '{':
                return ValueType.OBJECT;
            case '[':
                return ValueType.ARRAY;
            case '"':
                return ValueType.STRING;
            case 't':
                return ValueType.TRUE;
            case 'f':
                return ValueType.FALSE;
            case 'n':
                return ValueType.NULL;
            case '-': case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8':
            case '9':
                return ValueType.NUMBER;
            default:
                throw error(i, "a value");
        }
    }

    /** Whether only whitespace is left; consumes it. */
    boolean atEnd() {
        pos = skipWhitespace(pos);
        return pos >= end;
    }

    /**
     * Consumes the whitespace left and requires that to be all.
     *
     * @throws JsonException naming what was found, and where, when more is left
     */
    void expectEnd() {
        if (!atEnd()) {
            throw error(pos, "the end of the input");
        }
    }

    /** Consumes the brace that opens an object; then call {@link #nextKey()}. */
    void beginObject() {
        open('{');
    }

    /** Consumes the {@code '['} that opens an array; then call {@link #nextElement()}. */
    void beginArray() {
        open('[');
    }

    private void open(char bracket) {
        int i = skipWhitespace(pos);
        if (i >= end || buf[i] != bracket) {
            throw error(i, "'" + bracket + "'");
        }
        if (++depth > MAX_DEPTH) {
            throw new JsonException("JSON nested deeper than " + MAX_DEPTH + " levels at byte " + (i - start));
        }
        pos = i + 1;
        first = true;
    }

    /**
     * Reads the next key of the open object and the colon after it, or consumes the {@code '}'}
     * that closes the object.
     *
     * @return true if a key was read (its value comes next, to be consumed); false at the end of
     *         the object
     */
    boolean nextKey() {
        int i = skipWhitespace(pos);
        if (i < end && buf[i] == '}') {
            close(i);
            return false;
        }
        if (first) {
            first = false;
        } else {
            if (i >= end || buf[i] != ',') {
                throw error(i, "',' or '}'");
            }
            i = skipWhitespace(i + 1);
        }
        if (i >= end || buf[i] != '"') {
            throw error(i, "a key");
        }
        keyFrom = i + 1;
        keyTo = scanString(keyFrom);
        keyEscaped = escaped;
        unescapedKey = null;
        i = skipWhitespace(keyTo + 1);
        if (i >= end || buf[i] != ':') {
            throw error(i, "':'");
        }
        pos = i + 1;
        return true;
    }

    /**
     * Moves to the next element of the open array, or consumes the {@code ']'} that closes it.
     *
     * @return true if an element comes next (to be consumed); false at the end of the array
     */
    boolean nextElement() {
        int i = skipWhitespace(pos);
        if (i < end && buf[i] == ']') {
            close(i);
            return false;
        }
        if (first) {
            first = false;
        } else {
            if (i >= end || buf[i] != ',') {
                throw error(i, "',' or ']'");
            }
            i++;
        }
        pos = i;
        return true;
    }

    private void close(int at) {
        pos = at + 1;
        depth--;
        first = false; // the closed container was a member of its parent
    }

    /**
     * Whether the last key read is {@code name}, given as its ASCII bytes. Compares bytes, and
     * allocates nothing, unless the key was written with escapes (then it is unescaped once).
     */
    boolean keyIs(byte[] name) {
        if (!keyEscaped) {
            return Arrays.equals(buf, keyFrom, keyTo, name, 0, name.length);
        }
        if (unescapedKey == null) {
            unescapedKey = unescape(keyFrom, keyTo);
        }
        String key = unescapedKey;
        if (key.length() != name.length) {
            return false;
        }
        for (int k = 0; k < name.length; k++) {
            if (key.charAt(k) != name[k]) {
                return false;
            }
        }
        return true;
    }

    /** Reads a string value. */
    String readString() {
        return readString(null);
    }

    /**
     * Reads a string value; when it is written without escapes and its text equals
     * {@code reuse} (compared byte by byte, ASCII only), returns {@code reuse} itself instead of
     * a new string.
     */
    String readString(String reuse) {
        int i = skipWhitespace(pos);
        if (i >= end || buf[i] != '"') {
            throw error(i, "a string");
        }
        int from = i + 1;
        int to = scanString(from);
        pos = to + 1;
        if (escaped) {
            return unescape(from, to);
        }
        if (reuse != null && sameAscii(from, to, reuse)) {
            return reuse;
        }
        return to == from ? "" : new String(buf, from, to - from, StandardCharsets.UTF_8);
    }

    private boolean sameAscii(int from, int to, String text) {
        if (text.length() != to - from) {
            return false;
        }
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c >= 0x80 || buf[from + k] != c) {
                return false;
            }
        }
        return true;
    }

    /** Reads a number value and returns its text as written (what JSON-P's {@code getString} returns). */
    String readNumberText() {
        scanNumber();
        return new String(buf, numberFrom, numberTo - numberFrom, StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads a number value as JSON-P's {@code JsonParser.getInt} returns it: a fraction is
     * truncated, and a value outside the range of {@code int} keeps its low 32 bits (as
     * {@link BigDecimal#intValue()}).
     */
    int readInt() {
        scanNumber();
        int length = numberTo - numberFrom;
        boolean minus = buf[numberFrom] == '-';
        if (!numberFractional && (length <= 9 || (minus && length <= 10))) {
            return (int) digits();
        }
        return bigDecimal().intValue();
    }

    /**
     * Reads a number value as JSON-P's {@code JsonParser.getLong} returns it: a fraction is
     * truncated, and a value outside the range of {@code long} keeps its low 64 bits (as
     * {@link BigDecimal#longValue()}).
     */
    long readLong() {
        scanNumber();
        int length = numberTo - numberFrom;
        boolean minus = buf[numberFrom] == '-';
        if (!numberFractional && (length <= 18 || (minus && length <= 19))) {
            return digits();
        }
        return bigDecimal().longValue();
    }

    /** Reads a number value as the {@code double} nearest to it. */
    double readDouble() {
        scanNumber();
        return bigDecimal().doubleValue();
    }

    /**
     * Reads a number value exactly, as JSON-P's {@code JsonParser.getBigDecimal} returns it.
     *
     * @throws JsonException when it is longer than {@value #MAX_NUMBER_LENGTH} characters or its
     *                       exponent is beyond the range of {@code int}
     */
    BigDecimal readBigDecimal() {
        scanNumber();
        return bigDecimal();
    }

    /** Skips the next value, whatever it is, validating it. */
    void skipValue() {
        switch (peek()) {
            case OBJECT -> {
                beginObject();
                while (nextKey()) {
                    skipValue();
                }
            }
            case ARRAY -> {
                beginArray();
                while (nextElement()) {
                    skipValue();
                }
            }
            case STRING -> pos = scanString(pos + 1) + 1;
            case NUMBER -> scanNumber();
            case TRUE -> literal("true");
            case FALSE -> literal("false");
            default -> literal("null");
        }
    }

    /**
     * Skips the next value, validating it, and returns its text (decoded from UTF-8 as it is, for
     * a tree parser).
     */
    String skipValueAsText() {
        peek();
        int from = pos;
        skipValue();
        return new String(buf, from, pos - from, StandardCharsets.UTF_8);
    }

    // ---- scanning ----

    private int skipWhitespace(int from) {
        int i = from;
        while (i < end) {
            byte b = buf[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    /**
     * Validates the string whose first byte (after the opening quote) is at {@code from}; sets
     * {@link #escaped}.
     *
     * @return the index of its closing quote
     */
    private int scanString(int from) {
        boolean sawEscape = false;
        int i = from;
        while (true) {
            while (i < end && PLAIN[buf[i] & 0xFF]) {
                i++;
            }
            if (i >= end) {
                throw error(i, "'\"'");
            }
            byte b = buf[i];
            if (b == '"') {
                escaped = sawEscape;
                return i;
            }
            if (b != '\\') {
                throw error(i, "a character (control characters must be escaped)");
            }
            sawEscape = true;
            if (i + 1 >= end) {
                throw error(i + 1, "an escape");
            }
            switch (buf[i + 1]) {
                case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i += 2;
                case 'u' -> {
                    for (int k = i + 2; k < i + 6; k++) {
                        if (k >= end || HEX[buf[k] & 0xFF] < 0) {
                            throw error(k, "a hexadecimal digit");
                        }
                    }
                    i += 6;
                }
                default -> throw error(i + 1, "an escape");
            }
        }
    }

    /** Scans the number at the next value; sets {@link #numberFrom} and what goes with it. */
    private void scanNumber() {
        int i = skipWhitespace(pos);
        int from = i;
        if (i < end && buf[i] == '-') {
            i++;
        }
        if (i < end && buf[i] == '0') {
            i++;
        } else if (i < end && buf[i] >= '1' && buf[i] <= '9') {
            i = skipDigits(i + 1);
        } else {
            throw error(i, "a digit");
        }
        boolean fractional = false;
        if (i < end && buf[i] == '.') {
            fractional = true;
            i = requireDigits(i + 1);
        }
        if (i < end && (buf[i] == 'e' || buf[i] == 'E')) {
            fractional = true;
            i++;
            if (i < end && (buf[i] == '+' || buf[i] == '-')) {
                i++;
            }
            i = requireDigits(i);
        }
        numberFrom = from;
        numberTo = i;
        numberFractional = fractional;
        pos = i;
    }

    private int skipDigits(int from) {
        int i = from;
        while (i < end && buf[i] >= '0' && buf[i] <= '9') {
            i++;
        }
        return i;
    }

    private int requireDigits(int from) {
        int i = skipDigits(from);
        if (i == from) {
            throw error(i, "a digit");
        }
        return i;
    }

    private void literal(String word) {
        int i = pos;
        for (int k = 0; k < word.length(); k++, i++) {
            if (i >= end || buf[i] != word.charAt(k)) {
                throw error(i, "'" + word + "'");
            }
        }
        pos = i;
    }

    // ---- values ----

    /** The last scanned number, which has no fraction or exponent and at most 18 digits. */
    private long digits() {
        int i = numberFrom;
        boolean minus = buf[i] == '-';
        if (minus) {
            i++;
        }
        long value = 0;
        for (; i < numberTo; i++) {
            value = value * 10 + (buf[i] - '0');
        }
        return minus ? -value : value;
    }

    private BigDecimal bigDecimal() {
        int length = numberTo - numberFrom;
        if (length > MAX_NUMBER_LENGTH) {
            throw new JsonException("a number of " + length + " characters at byte " + (numberFrom - start)
                    + " is longer than " + MAX_NUMBER_LENGTH);
        }
        char[] text = scratch(length);
        for (int k = 0; k < length; k++) {
            text[k] = (char) buf[numberFrom + k];
        }
        try {
            return new BigDecimal(text, 0, length);
        } catch (NumberFormatException e) { // an exponent beyond the range of int
            throw new JsonException("the number at byte " + (numberFrom - start) + " is out of range", e);
        }
    }

    /**
     * The string of the validated bytes {@code [from, to)} between two quotes, with escapes: never
     * more characters than bytes (an escape is at least two bytes for one character, a four-byte
     * UTF-8 sequence two characters, a malformed byte at most one U+FFFD).
     */
    private String unescape(int from, int to) {
        char[] out = scratch(to - from);
        int n = 0;
        int i = from;
        while (i < to) {
            byte b = buf[i];
            if (b == '\\') {
                byte e = buf[i + 1];
                if (e == 'u') {
                    out[n++] = (char) (hex(i + 2) << 12 | hex(i + 3) << 8 | hex(i + 4) << 4 | hex(i + 5));
                    i += 6;
                } else {
                    out[n++] = switch (e) {
                        case 'b' -> '\b';
                        case 'f' -> '\f';
                        case 'n' -> '\n';
                        case 'r' -> '\r';
                        case 't' -> '\t';
                        default -> (char) e; // '"', '\\' and '/' stand for themselves
                    };
                    i += 2;
                }
            } else if (b >= 0) {
                out[n++] = (char) b;
                i++;
            } else {
                int runEnd = i + 1;
                while (runEnd < to && buf[runEnd] != '\\') {
                    runEnd++;
                }
                n = decodeUtf8(i, runEnd, out, n);
                i = runEnd;
            }
        }
        return new String(out, 0, n);
    }

    /**
     * Decodes {@code buf[from, to)} (no escapes) into {@code out} at {@code n}; returns the new
     * length. Well-formed sequences are decoded here; from the first malformed one on, the rest
     * is decoded by the JDK, so that malformed bytes become exactly the U+FFFD characters that
     * {@code new String(bytes, UTF_8)} makes of them.
     */
    private int decodeUtf8(int from, int to, char[] out, int n) {
        int i = from;
        while (i < to) {
            int b1 = buf[i] & 0xFF;
            if (b1 < 0x80) {
                out[n++] = (char) b1;
                i++;
                continue;
            }
            if (b1 >= 0xC2 && b1 <= 0xDF && i + 1 < to && continuation(buf[i + 1], 0x80, 0xBF)) {
                out[n++] = (char) ((b1 & 0x1F) << 6 | buf[i + 1] & 0x3F);
                i += 2;
                continue;
            }
            if (b1 >= 0xE0 && b1 <= 0xEF && i + 2 < to
                    && continuation(buf[i + 1], b1 == 0xE0 ? 0xA0 : 0x80, b1 == 0xED ? 0x9F : 0xBF)
                    && continuation(buf[i + 2], 0x80, 0xBF)) {
                out[n++] = (char) ((b1 & 0x0F) << 12 | (buf[i + 1] & 0x3F) << 6 | buf[i + 2] & 0x3F);
                i += 3;
                continue;
            }
            if (b1 >= 0xF0 && b1 <= 0xF4 && i + 3 < to
                    && continuation(buf[i + 1], b1 == 0xF0 ? 0x90 : 0x80, b1 == 0xF4 ? 0x8F : 0xBF)
                    && continuation(buf[i + 2], 0x80, 0xBF) && continuation(buf[i + 3], 0x80, 0xBF)) {
                int codePoint = (b1 & 0x07) << 18 | (buf[i + 1] & 0x3F) << 12 | (buf[i + 2] & 0x3F) << 6
                        | buf[i + 3] & 0x3F;
                out[n++] = Character.highSurrogate(codePoint);
                out[n++] = Character.lowSurrogate(codePoint);
                i += 4;
                continue;
            }
            String rest = new String(buf, i, to - i, StandardCharsets.UTF_8);
            rest.getChars(0, rest.length(), out, n);
            return n + rest.length();
        }
        return n;
    }

    private int hex(int at) {
        return HEX[buf[at] & 0xFF];
    }

    private static boolean continuation(byte b, int min, int max) {
        int v = b & 0xFF;
        return v >= min && v <= max;
    }

    private char[] scratch(int length) {
        char[] c = chars;
        if (c == null || c.length < length) {
            c = new char[Math.max(length, 64)];
            chars = c;
        }
        return c;
    }

    private JsonException error(int at, String expected) {
        String found;
        if (at >= end) {
            found = "end of input";
        } else {
            int b = buf[at] & 0xFF;
            found = b >= 0x20 && b < 0x7F ? "'" + (char) b + "'" : String.format("byte 0x%02X", b);
        }
        return new JsonException("expected " + expected + " but found " + found + " at byte " + (at - start));
    }
}
