package dev.multillm.core.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link JsonBytesWriter} against the generator it replaced: over seeded random call sequences,
 * the bytes are exactly those Parsson's compact generator writes through an
 * {@code OutputStreamWriter} in UTF-8; then escaping, misuse and growth one by one.
 */
class JsonBytesWriterTest {
    private static final JsonProvider PROVIDER = JsonProvider.provider();
    /** A plain factory, as a user of JSON-P would make one: not the codec's own configuration. */
    private static final JsonGeneratorFactory PARSSON = PROVIDER.createGeneratorFactory(Map.of());

    private static final long BASE_SEED = 0x5EED_0000L;
    private static final int CASES = 3_000;

    /** One call, made on both writers, and how to print it. */
    private record Op(Supplier<String> text, Consumer<JsonBytesWriter> ours, Consumer<JsonGenerator> parsson) {
    }

    /** Builds a random, valid sequence of calls. */
    private static final class Script {
        final Random rnd;
        final List<Op> ops = new ArrayList<>();

        Script(long seed) {
            this.rnd = new Random(seed);
        }

        void add(String text, Consumer<JsonBytesWriter> ours, Consumer<JsonGenerator> parsson) {
            ops.add(new Op(() -> text, ours, parsson));
        }

        /** A call whose description is made only if a failure is reported. */
        void add(Supplier<String> text, Consumer<JsonBytesWriter> ours, Consumer<JsonGenerator> parsson) {
            ops.add(new Op(text, ours, parsson));
        }

        void document() {
            int kind = rnd.nextInt(10);
            if (kind < 7) {
                object(0);
            } else if (kind < 9) {
                array(0);
            } else {
                value(0);
            }
        }

        void object(int depth) {
            add("writeStartObject()", JsonBytesWriter::writeStartObject, JsonGenerator::writeStartObject);
            int members = depth > 5 ? rnd.nextInt(2) : rnd.nextInt(depth == 0 ? 12 : 6);
            for (int m = 0; m < members; m++) {
                member(depth + 1);
            }
            add("writeEnd()", JsonBytesWriter::writeEnd, JsonGenerator::writeEnd);
        }

        void array(int depth) {
            add("writeStartArray()", JsonBytesWriter::writeStartArray, JsonGenerator::writeStartArray);
            int elements = depth > 5 ? rnd.nextInt(2) : rnd.nextInt(6);
            for (int e = 0; e < elements; e++) {
                value(depth + 1);
            }
            add("writeEnd()", JsonBytesWriter::writeEnd, JsonGenerator::writeEnd);
        }

        /** A value where one is expected: an array element, after a key, or the top-level value. */
        void value(int depth) {
            int kind = rnd.nextInt(depth > 6 ? 8 : 10);
            switch (kind) {
                case 0 -> {
                    String s = randomString(rnd);
                    add(() -> "write(" + show(s) + ")", w -> w.write(s), g -> g.write(s));
                }
                case 1 -> {
                    boolean b = rnd.nextBoolean();
                    add(() -> "write(" + b + ")", w -> w.write(b), g -> g.write(b));
                }
                case 2 -> {
                    long n = randomLong(rnd);
                    add(() -> "write(" + n + "L)", w -> w.write(n), g -> g.write(n));
                }
                case 3 -> {
                    double d = randomDouble(rnd);
                    add(() -> "write(" + d + "d)", w -> w.write(d), g -> g.write(d));
                }
                case 4 -> {
                    BigDecimal n = randomBigDecimal(rnd);
                    add(() -> "write(BigDecimal " + n + ")", w -> w.write(n), g -> g.write(n));
                }
                case 5 -> {
                    BigInteger n = randomBigInteger(rnd);
                    add(() -> "write(BigInteger " + n + ")", w -> w.write(n), g -> g.write(n));
                }
                case 6 -> {
                    JsonValue v = randomJsonValue(rnd, 0);
                    add(() -> "write(JsonValue " + v + ")", w -> w.write(v), g -> g.write(v));
                }
                case 7 -> add("writeNull()", JsonBytesWriter::writeNull, JsonGenerator::writeNull);
                case 8 -> object(depth);
                default -> array(depth);
            }
        }

        /** A member of an object: one of the {@code write(key, value)} calls, or a key and then a value. */
        void member(int depth) {
            String k = randomString(rnd);
            switch (rnd.nextInt(11)) {
                case 0 -> {
                    String s = randomString(rnd);
                    add(() -> "write(" + show(k) + ", " + show(s) + ")", w -> w.write(k, s), g -> g.write(k, s));
                }
                case 1 -> {
                    boolean b = rnd.nextBoolean();
                    add(() -> "write(" + show(k) + ", " + b + ")", w -> w.write(k, b), g -> g.write(k, b));
                }
                case 2 -> {
                    int n = randomInt(rnd);
                    add(() -> "write(" + show(k) + ", " + n + ")", w -> w.write(k, n), g -> g.write(k, n));
                }
                case 3 -> {
                    long n = randomLong(rnd);
                    add(() -> "write(" + show(k) + ", " + n + "L)", w -> w.write(k, n), g -> g.write(k, n));
                }
                case 4 -> {
                    double d = randomDouble(rnd);
                    add(() -> "write(" + show(k) + ", " + d + "d)", w -> w.write(k, d), g -> g.write(k, d));
                }
                case 5 -> {
                    BigDecimal n = randomBigDecimal(rnd);
                    add(() -> "write(" + show(k) + ", BigDecimal " + n + ")", w -> w.write(k, n), g -> g.write(k, n));
                }
                case 6 -> {
                    BigInteger n = randomBigInteger(rnd);
                    add(() -> "write(" + show(k) + ", BigInteger " + n + ")", w -> w.write(k, n), g -> g.write(k, n));
                }
                case 7 -> {
                    JsonValue v = randomJsonValue(rnd, 0);
                    add(() -> "write(" + show(k) + ", JsonValue " + v + ")", w -> w.write(k, v), g -> g.write(k, v));
                }
                case 8 -> add(() -> "writeNull(" + show(k) + ")", w -> w.writeNull(k), g -> g.writeNull(k));
                default -> {
                    add(() -> "writeKey(" + show(k) + ")", w -> w.writeKey(k), g -> g.writeKey(k));
                    value(depth);
                }
            }
        }
    }

    /** Characters of every kind the escaping and the UTF-8 encoding tell apart. */
    private static String randomString(Random rnd) {
        int shape = rnd.nextInt(100);
        int length = shape < 80 ? rnd.nextInt(16) : shape < 97 ? rnd.nextInt(700) : 4_000 + rnd.nextInt(5_000);
        boolean asciiOnly = rnd.nextInt(4) == 0;
        StringBuilder s = new StringBuilder(length + 1);
        while (s.length() < length) {
            int kind = asciiOnly ? rnd.nextInt(3) : rnd.nextInt(12);
            switch (kind) {
                case 0, 1 -> s.append((char) (0x20 + rnd.nextInt(0x5F))); // printable ASCII
                case 2 -> s.append((char) rnd.nextInt(0x20)); // every control character
                case 3 -> s.append("\"\\/".charAt(rnd.nextInt(3)));
                case 4 -> s.append('\u007F');
                case 5 -> s.append((char) (0x80 + rnd.nextInt(0x780))); // two UTF-8 bytes
                case 6 -> s.append((char) (0x800 + rnd.nextInt(0xD800 - 0x800))); // three, below the surrogates
                case 7 -> s.append((char) (0xE000 + rnd.nextInt(0x2000))); // three, above them
                case 8 -> s.append(Character.toChars(0x10000 + rnd.nextInt(0x100000))); // a surrogate pair
                case 9 -> s.append((char) (0xD800 + rnd.nextInt(0x400))); // a high surrogate, often lone
                case 10 -> s.append((char) (0xDC00 + rnd.nextInt(0x400))); // a low surrogate, often lone
                default -> s.append("\uFFFF\uFEFF\u2028\u2029\u00A0".charAt(rnd.nextInt(5)));
            }
        }
        return s.toString();
    }

    private static int randomInt(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> new int[] {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 9, 10, -10, 99_999, 100_000,
                65_535, 65_536}[rnd.nextInt(12)];
            case 1 -> rnd.nextInt(100) - 50;
            default -> rnd.nextInt();
        };
    }

    private static long randomLong(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> new long[] {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE,
                999_999_999_999_999_999L, 1_000_000_000_000_000_000L, -1_000_000_000_000_000_000L}[rnd.nextInt(10)];
            case 1 -> rnd.nextInt(1000) - 500;
            case 2 -> rnd.nextLong() >> rnd.nextInt(64);
            default -> rnd.nextLong();
        };
    }

    private static double randomDouble(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> new double[] {0.0, -0.0, 1e300, -1e300, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE,
                Double.MIN_NORMAL, 0.1, 0.7, 1.0, -1.0, 1e-3, 1e-4, 1e6, 1e7, 123456789.125, Math.PI, 2e22,
                1.0E23, 4.35}[rnd.nextInt(21)];
            case 1 -> (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(40) - 20);
            case 2 -> rnd.nextInt(2000) / 100.0;
            default -> {
                double d;
                do {
                    d = Double.longBitsToDouble(rnd.nextLong());
                } while (Double.isNaN(d) || Double.isInfinite(d));
                yield d;
            }
        };
    }

    private static BigInteger randomBigInteger(Random rnd) {
        BigInteger n = new BigInteger(1 + rnd.nextInt(rnd.nextBoolean() ? 64 : 400), rnd);
        return rnd.nextBoolean() ? n.negate() : n;
    }

    private static BigDecimal randomBigDecimal(Random rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> new BigDecimal(new String[] {"0", "-0", "0.0", "1E+400", "-1E-400", "0.000001", "1.10",
                "123456789012345678901234567890.123456789"}[rnd.nextInt(8)]);
            case 1 -> BigDecimal.valueOf(randomDouble(rnd));
            default -> new BigDecimal(randomBigInteger(rnd), rnd.nextInt(120) - 60);
        };
    }

    /** A JSON-P tree, built with the provider's builders or parsed from text. */
    private static JsonValue randomJsonValue(Random rnd, int depth) {
        int kind = rnd.nextInt(depth > 3 ? 12 : 15);
        switch (kind) {
            case 0:
                return PROVIDER.createValue(randomString(rnd));
            case 1:
                return PROVIDER.createValue(randomLong(rnd));
            case 2:
                return PROVIDER.createValue(randomInt(rnd));
            case 3:
                return PROVIDER.createValue(randomDouble(rnd));
            case 4:
                return PROVIDER.createValue(randomBigDecimal(rnd));
            case 5:
                return PROVIDER.createValue(randomBigInteger(rnd));
            case 6:
                return JsonValue.TRUE;
            case 7:
                return JsonValue.FALSE;
            case 8:
                return JsonValue.NULL;
            case 9:
                return rnd.nextBoolean() ? JsonValue.EMPTY_JSON_OBJECT : JsonValue.EMPTY_JSON_ARRAY;
            case 10:
            case 11:
                String[] texts = {"{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"\\u00e9\\n\"}}", "-0", "1E400",
                    "0.00001", "[1, 2.50, -3e-5, 1E+2]", "\"tab\\there\"", "12345678901234567890",
                    "{\"z\":0,\"a\":-0.0,\"m\":\"\\ud83d\\ude00\"}", "\"\\ud800\"", "[]", "{}"};
                try (JsonReader reader = PROVIDER.createReader(new StringReader(texts[rnd.nextInt(texts.length)]))) {
                    return reader.readValue();
                }
            case 12:
            case 13: {
                JsonObjectBuilder object = PROVIDER.createObjectBuilder();
                int members = rnd.nextInt(5);
                for (int m = 0; m < members; m++) {
                    object.add(randomString(rnd), randomJsonValue(rnd, depth + 1));
                }
                return object.build();
            }
            default: {
                JsonArrayBuilder array = PROVIDER.createArrayBuilder();
                int elements = rnd.nextInt(5);
                for (int e = 0; e < elements; e++) {
                    array.add(randomJsonValue(rnd, depth + 1));
                }
                return array.build();
            }
        }
    }

    /** A string as a Java literal, for a readable failure report. */
    private static String show(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        int shown = Math.min(s.length(), 80);
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format("\\u%04X", (int) c));
            }
        }
        out.append('"');
        if (s.length() > shown) {
            out.append("... (").append(s.length()).append(" chars)");
        }
        return out.toString();
    }

    private static byte[] viaParsson(List<Op> ops) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = PARSSON.createGenerator(out, StandardCharsets.UTF_8)) {
            ops.forEach(op -> op.parsson().accept(g));
        }
        return out.toByteArray();
    }

    private static byte[] viaWriter(List<Op> ops) {
        JsonBytesWriter w = new JsonBytesWriter();
        ops.forEach(op -> op.ours().accept(w));
        return w.toByteArray();
    }

    @Test
    void writesExactlyTheBytesParssonWritesForRandomCallSequences() {
        for (int i = 0; i < CASES; i++) {
            long seed = BASE_SEED + i;
            Script script = new Script(seed);
            script.document();
            byte[] expected;
            byte[] actual;
            try {
                expected = viaParsson(script.ops);
                actual = viaWriter(script.ops);
            } catch (RuntimeException e) {
                throw new AssertionError("case " + i + ", seed " + seed + " threw; calls:\n" + calls(script.ops), e);
            }
            if (!Arrays.equals(expected, actual)) {
                int at = Arrays.mismatch(expected, actual);
                fail("case " + i + ", seed " + seed + ": bytes differ from byte " + at + " (Parsson "
                        + expected.length + " bytes, JsonBytesWriter " + actual.length + ")\naround there, Parsson: "
                        + around(expected, at) + "\n                  ours: " + around(actual, at)
                        + "\ncalls:\n" + calls(script.ops));
            }
        }
    }

    private static String calls(List<Op> ops) {
        StringBuilder s = new StringBuilder();
        ops.forEach(op -> {
            String text = op.text().get();
            s.append("  ").append(text.length() > 300 ? text.substring(0, 300) + "..." : text).append('\n');
        });
        return s.toString();
    }

    private static String around(byte[] bytes, int at) {
        int from = Math.max(0, at - 20);
        int to = Math.min(bytes.length, at + 20);
        return show(new String(bytes, from, to - from, StandardCharsets.ISO_8859_1));
    }

    /** What one string value is written as, as text (each char a byte) for readable assertions. */
    private static String written(String value) {
        byte[] bytes = new JsonBytesWriter().write(value).toByteArray();
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static Stream<Arguments> escapes() {
        return Stream.of(
                Arguments.of("\"", "\"\\\"\""),
                Arguments.of("\\", "\"\\\\\""),
                Arguments.of("/", "\"/\""),
                Arguments.of("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""),
                Arguments.of("\u0000", "\"\\u0000\""),
                Arguments.of("\u0001\u0007\u000b\u000e", "\"\\u0001\\u0007\\u000b\\u000e\""),
                Arguments.of("\u001a\u001f", "\"\\u001a\\u001f\""),
                Arguments.of("\u007f", "\"\u007f\""),
                Arguments.of(" ~", "\" ~\""),
                Arguments.of("", "\"\""));
    }

    @ParameterizedTest(name = "{index}: {1}")
    @MethodSource("escapes")
    void escapesQuotesBackslashesAndControlCharactersAsParssonDoes(String value, String expected) {
        assertThat(written(value)).isEqualTo(expected);
    }

    @Test
    void escapesEveryControlCharacterAndNothingElseBelowNonAscii() {
        for (char c = 0; c < 0x80; c++) {
            String expected = switch (c) {
                case '\b' -> "\\b";
                case '\f' -> "\\f";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                default -> c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c);
            };
            assertThat(written(String.valueOf(c))).as("char %d", (int) c).isEqualTo("\"" + expected + "\"");
        }
    }

    @Test
    void keysAreEscapedAsValuesAre() {
        byte[] bytes = new JsonBytesWriter().writeStartObject().write("a\"b\n\u0003", "x").writeEnd().toByteArray();

        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"a\\\"b\\n\\u0003\":\"x\"}");
    }

    @Test
    void writesNonAsciiAsRawUtf8() {
        String text = "é ü € 日本 \uD83D\uDE00 \uDBFF\uDFFF \uFFFF";
        byte[] bytes = new JsonBytesWriter().write(text).toByteArray();

        assertThat(bytes).isEqualTo(("\"" + text + "\"").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void writesALoneSurrogateAsAQuestionMarkAsJavasUtf8EncoderDoes() {
        assertThat(written("a\uD83Db")).isEqualTo("\"a?b\"");
        assertThat(written("a\uDE00b")).isEqualTo("\"a?b\"");
        assertThat(written("end\uD83D")).isEqualTo("\"end?\"");
        assertThat(written("\uDE00\uD83D")).isEqualTo("\"??\"");
        assertThat(written("\uD83D\uD83D\uDE00")).isEqualTo("\"?\u00F0\u009F\u0098\u0080\"");
        assertThat(new JsonBytesWriter().write("x\uD800").toByteArray())
                .isEqualTo("\"x\uD800\"".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void writesNumbersAsParssonFormatsThem() {
        byte[] bytes = new JsonBytesWriter().writeStartArray()
                .write(0L).write(-7L).write(Long.MIN_VALUE).write(Long.MAX_VALUE)
                .write(0.0).write(-0.0).write(1e300).write(Double.MIN_VALUE).write(0.7).write(1e7)
                .write(new BigDecimal("1.10")).write(new BigDecimal("1E+400"))
                .write(new BigInteger("-123456789012345678901"))
                .writeEnd().toByteArray();

        assertThat(new String(bytes, StandardCharsets.US_ASCII)).isEqualTo("[0,-7,-9223372036854775808,"
                + "9223372036854775807,0.0,-0.0,1.0E300,4.9E-324,0.7,1.0E7,1.10,1E+400,-123456789012345678901]");
        assertThat(new String(new JsonBytesWriter().writeStartObject().write("i", Integer.MIN_VALUE)
                .write("j", 42).writeEnd().toByteArray(), StandardCharsets.US_ASCII))
                .isEqualTo("{\"i\":-2147483648,\"j\":42}");
    }

    @Test
    void writesEveryDigitCountOfALong() {
        long n = 1;
        for (int digits = 1; digits <= 19; digits++, n *= 10) {
            for (long v : new long[] {n, n - 1, -n, -(n - 1), n * 9 > 0 ? n * 9 : Long.MAX_VALUE}) {
                assertThat(new String(new JsonBytesWriter().write(v).toByteArray(), StandardCharsets.US_ASCII))
                        .isEqualTo(Long.toString(v));
            }
        }
    }

    @Test
    void writesAJsonValueTreeInItsIterationOrder() {
        JsonValue tree = PROVIDER.createObjectBuilder().add("z", 1).add("a", PROVIDER.createArrayBuilder()
                .add("s").add(2.5).addNull().add(true).add(PROVIDER.createObjectBuilder())).add("m", false).build();
        byte[] bytes = new JsonBytesWriter().writeStartObject().write("t", tree).writeKey("u").write(tree).writeEnd()
                .toByteArray();

        String one = "{\"z\":1,\"a\":[\"s\",2.5,null,true,{}],\"m\":false}";
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"t\":" + one + ",\"u\":" + one + "}");
    }

    @Test
    void rejectsNanAndInfinityAsJsonPDoes() {
        assertThatThrownBy(() -> new JsonBytesWriter().write(Double.NaN)).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> new JsonBytesWriter().writeStartObject().write("k", Double.POSITIVE_INFINITY))
                .isInstanceOf(NumberFormatException.class);
    }

    static Stream<Arguments> misuse() {
        return Stream.of(
                misuse("a key in an array", w -> w.writeStartArray().writeKey("k")),
                misuse("a keyed value in an array", w -> w.writeStartArray().write("k", 1)),
                misuse("a key at the top level", w -> w.writeKey("k")),
                misuse("a key after a key", w -> w.writeStartObject().writeKey("a").writeKey("b")),
                misuse("a value in an object without a key", w -> w.writeStartObject().write("v")),
                misuse("an object in an object without a key", w -> w.writeStartObject().writeStartObject()),
                misuse("a second value after a member's", w -> w.writeStartObject().write("k", 1).write(2L)),
                misuse("writeEnd with nothing open", JsonBytesWriter::writeEnd),
                misuse("writeEnd once too often", w -> w.writeStartArray().writeEnd().writeEnd()),
                misuse("writeEnd right after a key", w -> w.writeStartObject().writeKey("k").writeEnd()),
                misuse("a second top-level value", w -> w.write(1L).write(2L)),
                misuse("a second top-level object", w -> w.writeStartObject().writeEnd().writeStartObject()),
                misuse("toByteArray with an object open", w -> w.writeStartObject().write("k", "v").toByteArray()),
                misuse("toByteArray with a key pending", w -> w.writeStartObject().writeKey("k").toByteArray()),
                misuse("toByteArray with nested arrays open", w -> w.writeStartArray().writeStartArray().writeEnd()
                        .toByteArray()),
                misuse("toByteArray before anything", JsonBytesWriter::toByteArray));
    }

    private static Arguments misuse(String name, Consumer<JsonBytesWriter> calls) {
        return Arguments.of(name, calls);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("misuse")
    void misuseIsAnIllegalStateException(String name, Consumer<JsonBytesWriter> calls) {
        assertThatThrownBy(() -> calls.accept(new JsonBytesWriter())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void grows() {
        JsonBytesWriter w = new JsonBytesWriter().writeStartArray();
        StringBuilder expected = new StringBuilder("[");
        for (int i = 0; i < 1_000; i++) {
            w.write(i);
            expected.append(i == 0 ? "" : ",").append(i);
        }
        String big = "x".repeat(3 * JsonBytesWriter.INITIAL_CAPACITY);
        w.write(big).writeEnd();
        expected.append(",\"").append(big).append("\"]");

        assertThat(w.toByteArray()).isEqualTo(expected.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** Each multi-byte or escaped character placed across the end of the first buffer. */
    @Test
    void growsInTheMiddleOfAnyCharacter() {
        List<UnaryOperator<String>> tails = List.of(s -> s + "é", s -> s + "€", s -> s + "\uD83D\uDE00",
                s -> s + "\u0001", s -> s + "\"", s -> s + "\uD83D", s -> s + "é€\uD83D\uDE00\n\u0002".repeat(50));
        for (int n = JsonBytesWriter.INITIAL_CAPACITY - 12; n <= JsonBytesWriter.INITIAL_CAPACITY + 2; n++) {
            for (UnaryOperator<String> tail : tails) {
                String text = tail.apply("a".repeat(n));
                List<Op> ops = List.of(new Op(() -> "write", w -> w.write(text), g -> g.write(text)));
                assertThat(viaWriter(ops)).as("%d ASCII chars first", n).isEqualTo(viaParsson(ops));
            }
        }
    }

    @Test
    void nestsDeeperThanItsFirstStack() {
        JsonBytesWriter w = new JsonBytesWriter();
        for (int i = 0; i < 100; i++) {
            w.writeStartObject().writeKey("k").writeStartArray();
        }
        w.write(true);
        for (int i = 0; i < 100; i++) {
            w.writeEnd().writeEnd();
        }

        assertThat(new String(w.toByteArray(), StandardCharsets.US_ASCII))
                .isEqualTo("{\"k\":[".repeat(100) + "true" + "]}".repeat(100));
    }

    @Test
    void toByteArrayReturnsExactlyTheBytesWritten() {
        assertThat(new JsonBytesWriter().writeStartObject().writeEnd().toByteArray()).hasSize(2);
        assertThat(new JsonBytesWriter().writeNull().toByteArray()).isEqualTo(new byte[] {'n', 'u', 'l', 'l'});
    }
}
