package dev.multillm.core.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.JsonException;
import jakarta.json.JsonValue.ValueType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonBytesReaderTest {

    private static JsonBytesReader reader(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return new JsonBytesReader(bytes, 0, bytes.length);
    }

    /** Skips one whole value and requires the end of the input after it. */
    private static void skipWhole(String json) {
        JsonBytesReader r = reader(json);
        r.skipValue();
        if (!r.atEnd()) {
            throw new JsonException("text after the value");
        }
    }

    private static String stringOf(String jsonString) {
        JsonBytesReader r = reader(jsonString);
        String value = r.readString();
        assertThat(r.atEnd()).isTrue();
        return value;
    }

    @Test
    void readsEscapedUnicodeInContent() {
        assertThat(stringOf("\"caf\\u00e9 \\u65E5\\u672C \\u0041\"")).isEqualTo("café 日本 A");
    }

    static Stream<Arguments> escapes() {
        return Stream.of(
                Arguments.of("\"\\\"\"", "\""),
                Arguments.of("\"\\\\\"", "\\"),
                Arguments.of("\"\\/\"", "/"),
                Arguments.of("\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t"),
                Arguments.of("\"a\\u0000b\"", "a\u0000b"),
                Arguments.of("\"\\ud83d\\ude00\"", "😀"),
                Arguments.of("\"\\uD83D\\uDE00 mixed \\u00E9\"", "😀 mixed é"),
                Arguments.of("\"Zürich\\n日本\\\"🙂\\\"\"", "Zürich\n日本\"🙂\""),
                Arguments.of("\"\"", ""),
                Arguments.of("\"plain ascii\"", "plain ascii"),
                Arguments.of("\"non-ASCII without escapes: é€🙂\"", "non-ASCII without escapes: é€🙂"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("escapes")
    void readsEveryEscapeAndPlainText(String json, String expected) {
        assertThat(stringOf(json)).isEqualTo(expected);
    }

    @Test
    void keepsLoneSurrogatesAsTheyAreLikeJsonP() {
        assertThat(stringOf("\"a\\ud800b\\udc00\"")).isEqualTo("a\ud800b\udc00");
        assertThat(stringOf("\"\\udc00\\ud800\"")).hasSize(2).startsWith("\udc00");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\U0041\"", "\"\\'\"", "\"a\u0001b\"",
        "\"tab\tinside\"", "\"new\nline\"", "\"unterminated", "\"ends in a backslash\\", "\"\\u00"})
    void rejectsMalformedStrings(String json) {
        assertThatThrownBy(() -> skipWhole(json)).isInstanceOf(JsonException.class);
        assertThatThrownBy(() -> reader(json).readString()).isInstanceOf(JsonException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0", "-0", "7", "-7", "10", "1.5", "-0.25", "1e5", "1E+5", "1e-5", "-1.25e-3", "0.0",
        "123456789012345678901234567890", "0e0"})
    void acceptsTheJsonNumberGrammar(String number) {
        assertThat(reader(number).peek()).isEqualTo(ValueType.NUMBER);
        JsonBytesReader r = reader(number);
        assertThat(r.readNumberText()).isEqualTo(number);
        assertThat(r.atEnd()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"01", "-", "-a", "1.", ".5", "+1", "1e", "1e+", "--1", "0x1", "1.e3", "Infinity", "NaN",
        "-Infinity", "1.5.3", "1e5e5", "00", "-01"})
    void rejectsWhatTheJsonNumberGrammarDoesNot(String number) {
        assertThatThrownBy(() -> skipWhole(number)).isInstanceOf(JsonException.class);
        assertThatThrownBy(() -> skipWhole("[" + number + "]")).isInstanceOf(JsonException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0", "-0", "42", "-42", "999999999", "-999999999", "2147483647", "-2147483648",
        "2147483648", "4294967297", "-9999999999", "1.9", "-1.9", "1e3", "2.5E1", "1e20", "1e999999999", "-1e-5",
        "123456789012345678901234567890"})
    void readsIntsAsJsonPDoesWithBigDecimalTruncationAndWrapping(String number) {
        assertThat(reader(number).readInt()).isEqualTo(new BigDecimal(number).intValue());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0", "-0", "42", "999999999999999999", "-999999999999999999", "9223372036854775807",
        "-9223372036854775808", "9223372036854775808", "99999999999999999999", "1.9", "-0.5", "1e3", "1e18", "1e19",
        "1e999999999", "2E-1"})
    void readsLongsAsJsonPDoesWithBigDecimalTruncationAndWrapping(String number) {
        assertThat(reader(number).readLong()).isEqualTo(new BigDecimal(number).longValue());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0.020358512", "0.000906963", "1", "-2.5e-3", "1e400", "123.456"})
    void readsDoublesAsTheNearestDouble(String number) {
        assertThat(reader(number).readDouble()).isEqualTo(new BigDecimal(number).doubleValue());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0", "-0", "42", "-0.0", "1.50", "1e2", "-1.5E+3", "1e-7", "2.99e0", "10.0e-3",
        "99999999999999999999", "1e400"})
    void readsBigDecimalsExactlyAsWritten(String number) {
        assertThat(reader(number).readBigDecimal()).isEqualTo(new BigDecimal(number));
        assertThat(reader(number).readBigDecimal().scale()).isEqualTo(new BigDecimal(number).scale());
    }

    @Test
    void readsABigDecimalWithinTheConversionLimitsOnly() {
        assertThatThrownBy(() -> reader("1" + "0".repeat(JsonBytesReader.MAX_NUMBER_LENGTH)).readBigDecimal())
                .isInstanceOf(JsonException.class).hasMessageContaining("longer than");
        assertThatThrownBy(() -> reader("1e2147483648").readBigDecimal()).isInstanceOf(JsonException.class)
                .hasMessageContaining("out of range");
    }

    @Test
    void rejectsANumberTooLongToConvertButSkipsIt() {
        String longNumber = "1" + "0".repeat(JsonBytesReader.MAX_NUMBER_LENGTH);

        assertThatThrownBy(() -> reader(longNumber).readLong()).isInstanceOf(JsonException.class)
                .hasMessageContaining("longer than");
        assertThat(reader("1".repeat(JsonBytesReader.MAX_NUMBER_LENGTH)).readLong())
                .isEqualTo(new BigDecimal("1".repeat(JsonBytesReader.MAX_NUMBER_LENGTH)).longValue());
        skipWhole("[" + longNumber + "]");
    }

    @Test
    void rejectsAnExponentBeyondTheRangeOfIntWhenConverting() {
        assertThatThrownBy(() -> reader("1e-2147483649").readLong()).isInstanceOf(JsonException.class)
                .hasMessageContaining("out of range");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{}", "[]", "{\"a\":{}}", "[[],[{}]]", " {\"a\" : [ 1 , true , false , null , \"s\" ] } ",
        "{\"a\":1,\"a\":2}", "\t\n\r {\"\":\"\"}", "true", "null", "\"s\"", "-1.5e3"})
    void skipsEveryKindOfValidValue(String json) {
        skipWhole(json);
    }

    @ParameterizedTest(name = "[{index}] '{0}'")
    @ValueSource(strings = {"{", "[", "{\"a\":1,}", "[1,]", "[,1]", "{,\"a\":1}", "{\"a\" 1}", "{\"a\":}", "{\"a\"}",
        "{a:1}", "{'a':1}", "[1 2]", "{\"a\":1 \"b\":2}", "tru", "nul", "fals", "True", "nulll", "[1]]", "{}}",
        "\f{}", "{}\f", "\u00a0{}", "{\"a\":1}x", "[\"a\":1]", "{\"a\",1}", "", "   ", "[}", "{]", "{\"a\":[}]}",
        "\uFEFF{}", "{\"é\":1}é"})
    void rejectsMalformedStructureEvenInSkippedValues(String json) {
        assertThatThrownBy(() -> skipWhole(json)).isInstanceOf(JsonException.class);
        assertThatThrownBy(() -> skipWhole("{\"skipped\":" + json + "}")).isInstanceOf(JsonException.class);
    }

    @Test
    void acceptsNestingUpToTheLimitAndRejectsDeeper() {
        int limit = JsonBytesReader.MAX_DEPTH;
        skipWhole("[".repeat(limit) + "]".repeat(limit));
        skipWhole("{\"a\":".repeat(limit - 1) + "[]" + "}".repeat(limit - 1));

        assertThatThrownBy(() -> skipWhole("[".repeat(limit + 1) + "]".repeat(limit + 1)))
                .isInstanceOf(JsonException.class).hasMessageContaining("nested deeper than " + limit);
        assertThatThrownBy(() -> skipWhole("[".repeat(100_000))).isInstanceOf(JsonException.class);
    }

    @Test
    void walksAnObjectKeyByKeyMatchingKeysAsBytes() {
        JsonBytesReader r = reader("{\"id\":\"x\", \"idx\":1, \"i\":2, \"choices\":[{\"n\":null}, 3]}");
        byte[] id = "id".getBytes(StandardCharsets.US_ASCII);
        List<String> seen = new ArrayList<>();

        r.beginObject();
        while (r.nextKey()) {
            if (r.keyIs(id)) {
                seen.add("id=" + r.readString());
            } else if (r.peek() == ValueType.ARRAY) {
                r.beginArray();
                while (r.nextElement()) {
                    seen.add(r.peek().toString());
                    r.skipValue();
                }
            } else {
                seen.add("skipped " + r.peek());
                r.skipValue();
            }
        }

        assertThat(r.atEnd()).isTrue();
        assertThat(seen).containsExactly("id=x", "skipped NUMBER", "skipped NUMBER", "OBJECT", "NUMBER");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"\\u0069d\":1}", "{\"i\\u0064\":1}", "{\"\\u0069\\u0064\":1}", "{\"\\u0069\\x64\":1}"})
    void matchesAKeyWrittenWithEscapes(String json) {
        JsonBytesReader r = reader(json);
        r.beginObject();
        if (json.contains("\\x")) {
            assertThatThrownBy(r::nextKey).isInstanceOf(JsonException.class);
            return;
        }
        assertThat(r.nextKey()).isTrue();

        assertThat(r.keyIs("id".getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(r.keyIs("i".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(r.keyIs("idx".getBytes(StandardCharsets.US_ASCII))).isFalse();
    }

    @Test
    void returnsTheTextOfASkippedValueForATreeParser() {
        JsonBytesReader r = reader("{\"error\": {\"message\":\"é\\n\",\"code\":[1, 2]} , \"x\":1}");
        r.beginObject();
        r.nextKey();

        assertThat(r.skipValueAsText()).isEqualTo("{\"message\":\"é\\n\",\"code\":[1, 2]}");
        assertThat(r.nextKey()).isTrue();
    }

    @Test
    void readsOnlyItsRangeOfTheArray() {
        byte[] bytes = "[1,2]{\"a\":\"b\"}[3]".getBytes(StandardCharsets.US_ASCII);
        JsonBytesReader r = new JsonBytesReader(bytes, 5, 9);

        r.beginObject();
        assertThat(r.nextKey()).isTrue();
        assertThat(r.readString()).isEqualTo("b");
        assertThat(r.nextKey()).isFalse();
        assertThat(r.atEnd()).isTrue();
    }

    @Test
    void expectsTheEndOfTheInputAfterTrailingWhitespaceOnly() {
        JsonBytesReader done = reader("{} \t\r\n");
        done.skipValue();
        done.expectEnd();

        JsonBytesReader more = reader("{} {}");
        more.skipValue();
        assertThatThrownBy(more::expectEnd).isInstanceOf(JsonException.class)
                .hasMessage("expected the end of the input but found '{' at byte 3");
    }

    @Test
    void saysWhatItFoundAndWhere() {
        assertThatThrownBy(() -> skipWhole("{\"a\":1,}")).hasMessage("expected a key but found '}' at byte 7");
        assertThatThrownBy(() -> skipWhole("[1")).hasMessage("expected ',' or ']' but found end of input at byte 2");
        assertThatThrownBy(() -> skipWhole("\"a\u0001\"")).hasMessageContaining("byte 0x01 at byte 2");
    }
}
