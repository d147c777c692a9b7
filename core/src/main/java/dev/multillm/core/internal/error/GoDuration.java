package dev.multillm.core.internal.error;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;

/**
 * Parses Go's {@code time.Duration} text, the format Groq and OpenAI use in
 * {@code x-ratelimit-reset-requests} and {@code x-ratelimit-reset-tokens}: a possibly signed
 * sequence of decimal numbers, each with an optional fraction and a unit ({@code h}, {@code m},
 * {@code s}, {@code ms}, {@code us}, {@code µs}, {@code ns}), such as {@code 2m59.56s},
 * {@code 330ms}, {@code 6m0s} or {@code 2h5m36.32s}; {@code 0} alone is zero. Unlike Go, a bare
 * unsigned number such as {@code 2} or {@code 0.5} is accepted and means seconds, as some
 * compatible servers send it.
 *
 * <p>Digits are read exactly (no floating point), so {@code 59.56s} is exactly 59,560 ms;
 * fractions below a nanosecond are truncated. As in Go, the range is that of a signed 64-bit
 * count of nanoseconds (about 292 years).
 *
 * <p>Thread-safety: stateless, safe to call from any thread.
 */
public final class GoDuration {
    /** What {@link #parseSimple} returns for text it leaves to the exact path; no valid value. */
    private static final long NOT_SIMPLE = Long.MIN_VALUE;
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1_000L);
    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final Map<String, BigDecimal> UNIT_NANOS = Map.of(
            "ns", BigDecimal.ONE,
            "us", THOUSAND,
            "\u00B5s", THOUSAND, // micro sign
            "\u03BCs", THOUSAND, // Greek small letter mu
            "ms", BigDecimal.valueOf(1_000_000L),
            "s", NANOS_PER_SECOND,
            "m", BigDecimal.valueOf(60_000_000_000L),
            "h", BigDecimal.valueOf(3_600_000_000_000L));

    private GoDuration() {
    }

    /**
     * Parses {@code text} (surrounding whitespace ignored).
     *
     * @return the duration; negative when the text has a leading {@code -}
     * @throws IllegalArgumentException if the text is null, empty, has a number without a unit
     *                                  (other than a bare unsigned number), an unknown unit, or is
     *                                  out of range; the message quotes the text
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("invalid Go duration: null");
        }
        String s = text.strip();
        long nanos = parseSimple(s);
        return nanos != NOT_SIMPLE ? Duration.ofNanos(nanos) : parseExact(s, text);
    }

    /**
     * The same as {@link #parse} for any text, in exact decimal arithmetic: the reference the fast
     * path is tested against, and the path for what the fast one leaves (errors, values a
     * {@code long} cannot carry on the way, fractions below a nanosecond).
     */
    static Duration parseExact(String text) {
        if (text == null) {
            throw new IllegalArgumentException("invalid Go duration: null");
        }
        return parseExact(text.strip(), text);
    }

    /**
     * The nanoseconds of {@code s} in {@code long} arithmetic, when every step is exact: well-formed
     * text whose every number fits and whose fractions are whole nanoseconds (every header a server
     * sends, such as {@code 7.66s} or {@code 2m59.56s}); {@link #NOT_SIMPLE} otherwise, for
     * {@link #parseExact} to read or reject.
     */
    private static long parseSimple(String s) {
        int length = s.length();
        int i = 0;
        boolean negative = false;
        if (length > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            i++;
        }
        if (i == length) {
            return NOT_SIMPLE;
        }
        long total = 0;
        try {
            while (i < length) {
                int start = i;
                long whole = 0;
                while (i < length && isDigit(s.charAt(i))) {
                    whole = Math.addExact(Math.multiplyExact(whole, 10), s.charAt(i++) - '0');
                }
                boolean hasInteger = i > start;
                long fraction = 0;
                long scale = 1;
                boolean dot = i < length && s.charAt(i) == '.';
                if (dot) {
                    i++;
                    while (i < length && isDigit(s.charAt(i))) {
                        fraction = Math.addExact(Math.multiplyExact(fraction, 10), s.charAt(i++) - '0');
                        scale = Math.multiplyExact(scale, 10);
                    }
                }
                if (!hasInteger && scale == 1) {
                    return NOT_SIMPLE;
                }
                int unitStart = i;
                while (i < length && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
                    i++;
                }
                long unit;
                if (unitStart == i) {
                    // A bare unsigned number alone means seconds ("2", "0.5"; not "1." or ".5").
                    if (start != 0 || i != length || !hasInteger || (dot && scale == 1)) {
                        return NOT_SIMPLE;
                    }
                    unit = 1_000_000_000L;
                } else {
                    unit = unitNanos(s, unitStart, i);
                    if (unit == 0) {
                        return NOT_SIMPLE;
                    }
                }
                long fractionNanos = Math.multiplyExact(fraction, unit);
                if (fractionNanos % scale != 0) {
                    return NOT_SIMPLE;
                }
                total = Math.addExact(total, Math.addExact(Math.multiplyExact(whole, unit), fractionNanos / scale));
            }
        } catch (ArithmeticException tooLarge) {
            return NOT_SIMPLE;
        }
        return negative ? -total : total;
    }

    /** The nanoseconds in the unit {@code s[from, to)}, or 0 for no unit Go knows. */
    private static long unitNanos(String s, int from, int to) {
        char first = s.charAt(from);
        if (to - from == 1) {
            return switch (first) {
                case 's' -> 1_000_000_000L;
                case 'm' -> 60_000_000_000L;
                case 'h' -> 3_600_000_000_000L;
                default -> 0;
            };
        }
        if (to - from != 2 || s.charAt(from + 1) != 's') {
            return 0;
        }
        return switch (first) {
            case 'n' -> 1;
            case 'u', '\u00B5', '\u03BC' -> 1_000L;
            case 'm' -> 1_000_000L;
            default -> 0;
        };
    }

    private static Duration parseExact(String s, String text) {
        if (isBareNumber(s)) {
            return toDuration(new BigDecimal(s).multiply(NANOS_PER_SECOND), false, text);
        }
        int length = s.length();
        int i = 0;
        boolean negative = false;
        if (i < length && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        if (s.substring(i).equals("0")) {
            return Duration.ZERO;
        }
        if (i == length) {
            throw invalid(text, "empty");
        }
        BigDecimal nanos = BigDecimal.ZERO;
        while (i < length) {
            int numberStart = i;
            while (i < length && isDigit(s.charAt(i))) {
                i++;
            }
            boolean hasInteger = i > numberStart;
            boolean hasFraction = false;
            if (i < length && s.charAt(i) == '.') {
                i++;
                int fractionStart = i;
                while (i < length && isDigit(s.charAt(i))) {
                    i++;
                }
                hasFraction = i > fractionStart;
            }
            if (!hasInteger && !hasFraction) {
                throw invalid(text, "expected a number");
            }
            int unitStart = i;
            while (i < length && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
                i++;
            }
            if (unitStart == i) {
                throw invalid(text, "missing unit");
            }
            BigDecimal unit = UNIT_NANOS.get(s.substring(unitStart, i));
            if (unit == null) {
                throw invalid(text, "unknown unit \"" + s.substring(unitStart, i) + "\"");
            }
            nanos = nanos.add(new BigDecimal(s.substring(numberStart, unitStart)).multiply(unit));
            if (nanos.compareTo(MAX_NANOS) > 0) {
                throw invalid(text, "out of range");
            }
        }
        return toDuration(nanos, negative, text);
    }

    private static Duration toDuration(BigDecimal nanos, boolean negative, String text) {
        BigDecimal whole = nanos.setScale(0, RoundingMode.DOWN);
        if (whole.compareTo(MAX_NANOS) > 0) {
            throw invalid(text, "out of range");
        }
        long value = whole.longValueExact();
        return Duration.ofNanos(negative ? -value : value);
    }

    /** An unsigned decimal without unit: {@code 2}, {@code 0.5}. */
    private static boolean isBareNumber(String s) {
        int length = s.length();
        int i = 0;
        while (i < length && isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return false;
        }
        if (i == length) {
            return true;
        }
        if (s.charAt(i) != '.') {
            return false;
        }
        int fractionStart = ++i;
        while (i < length && isDigit(s.charAt(i))) {
            i++;
        }
        return i == length && i > fractionStart;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException invalid(String text, String reason) {
        String quoted = text.length() <= 60 ? text : text.substring(0, 60) + "...";
        return new IllegalArgumentException("invalid Go duration \"" + quoted + "\": " + reason);
    }
}
