package dev.multillm.core.internal.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

    @ParameterizedTest(name = "{0} is {1} ns")
    @CsvSource(delimiter = '|', textBlock = """
            2m59.56s        | 179560000000
            330ms           | 330000000
            6m0s            | 360000000000
            2h5m36.32s      | 7536320000000
            1.5s            | 1500000000
            0s              | 0
            0               | 0
            7.66s           | 7660000000
            59.56s          | 59560000000
            100us           | 100000
            100\u00B5s      | 100000
            100\u03BCs      | 100000
            5ns             | 5
            1h              | 3600000000000
            1h0m0s          | 3600000000000
            .5s             | 500000000
            1.s             | 1000000000
            1.000000001s    | 1000000001
            1.0000000019s   | 1000000001
            +5s             | 5000000000
            -1.5h           | -5400000000000
            -0              | 0
            2               | 2000000000
            0.5             | 500000000
            60              | 60000000000
            ' 7.66s '       | 7660000000
            2562047h        | 9223369200000000000
            """)
    void parsesGoDurationsExactlyToTheNanosecond(String text, long nanos) {
        assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest(name = "rejects \"{0}\"")
    @ValueSource(strings = {"", " ", "s", "ms", "5x", "1d", "abc", ".s", ".", "-", "+", "-5", "1h-5m",
            "1.2.3s", "1e3s", "2562048h", "9223372036854775808ns", "5 s", "1,5s", "0x10s", "\u0661s"})
    void rejectsMalformedTextNamingIt(String text) {
        assertThatThrownBy(() -> GoDuration.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + text + "\"");
    }

    @Test
    void rejectsNullWithIllegalArgument() {
        assertThatThrownBy(() -> GoDuration.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
    }

    @Test
    void acceptsTheLargestGoDuration() {
        assertThat(GoDuration.parse("9223372036854775807ns")).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
        assertThat(GoDuration.parse("2562047h47m16.854775807s")).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    }

    /**
     * The fast path agrees with exact decimal arithmetic on every text: the same duration, or the
     * same rejection with the same message. Texts are built from the grammar's pieces, with
     * mistakes mixed in and numbers long enough to overflow a {@code long} on the way.
     */
    @Test
    void theFastPathAgreesWithExactArithmeticOnRandomTexts() {
        String[] units = {"h", "m", "s", "ms", "us", "\u00B5s", "\u03BCs", "ns", "", "x", "d", "mss", "S"};
        String[] noise = {"", "", "", "", ".", "-", "+", " ", "e3"};
        Random random = new Random(20261203);
        for (int n = 0; n < 50_000; n++) {
            StringBuilder text = new StringBuilder();
            int sign = random.nextInt(6);
            text.append(sign == 0 ? "-" : sign == 1 ? "+" : "");
            int segments = 1 + random.nextInt(3);
            for (int k = 0; k < segments; k++) {
                text.append(digits(random, random.nextInt(4) == 0 ? 22 : 5));
                if (random.nextInt(3) == 0) {
                    text.append('.').append(digits(random, random.nextInt(5) == 0 ? 21 : 4));
                }
                text.append(units[random.nextInt(units.length)]);
                text.append(noise[random.nextInt(noise.length)]);
            }
            assertSameAsExact(text.toString());
        }
    }

    private static String digits(Random random, int most) {
        StringBuilder digits = new StringBuilder();
        int count = random.nextInt(most + 1);
        for (int i = 0; i < count; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }

    private static void assertSameAsExact(String text) {
        Duration expected;
        try {
            expected = GoDuration.parseExact(text);
        } catch (IllegalArgumentException rejected) {
            Throwable fast = org.assertj.core.api.Assertions.catchThrowable(() -> GoDuration.parse(text));
            assertThat(fast).as("parse(\"%s\") rejects it as the exact path does", text)
                    .isInstanceOf(IllegalArgumentException.class).hasMessage(rejected.getMessage());
            return;
        }
        assertThat(GoDuration.parse(text)).as("parse(\"%s\")", text).isEqualTo(expected);
    }
}
