package dev.multillm.core;

/**
 * Token counts of a call, as the provider reported them.
 *
 * <p>{@code cachedInputTokens} is a part of {@code inputTokens} and {@code reasoningTokens} a part
 * of {@code outputTokens}: neither is ever added on top. When the provider reported nothing,
 * {@link #reported()} is false and the counts are zero; "not reported" is not the same as zero.
 *
 * @param inputTokens       prompt tokens, cached ones included
 * @param cachedInputTokens prompt tokens served from the provider's cache
 * @param outputTokens      generated tokens, reasoning included
 * @param reasoningTokens   generated reasoning tokens
 * @param reported          whether the provider reported usage at all
 *
 * <p>Thread-safety: immutable record.
 */
public record Usage(long inputTokens, long cachedInputTokens, long outputTokens, long reasoningTokens,
                    boolean reported) {

    /** Usage that the provider did not report. */
    public static final Usage NOT_REPORTED = new Usage(0, 0, 0, 0, false);

    public Usage {
        if (inputTokens < 0 || cachedInputTokens < 0 || outputTokens < 0 || reasoningTokens < 0) {
            throw new IllegalArgumentException("usage counts must not be negative");
        }
        if (!reported && (inputTokens | cachedInputTokens | outputTokens | reasoningTokens) != 0) {
            throw new IllegalArgumentException("unreported usage must have zero counts");
        }
    }

    /** Reported usage; cached and reasoning counts are clamped into their totals. */
    public static Usage of(long inputTokens, long cachedInputTokens, long outputTokens, long reasoningTokens) {
        return new Usage(inputTokens, Math.min(cachedInputTokens, inputTokens), outputTokens,
                Math.min(reasoningTokens, outputTokens), true);
    }

    /** Reported usage without details. */
    public static Usage of(long inputTokens, long outputTokens) {
        return of(inputTokens, 0, outputTokens, 0);
    }

    /** Input plus output. */
    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    /** The sum of two usages (for usage across attempts); reported if either was. */
    public Usage plus(Usage other) {
        if (!other.reported) {
            return this;
        }
        if (!reported) {
            return other;
        }
        return new Usage(inputTokens + other.inputTokens, cachedInputTokens + other.cachedInputTokens,
                outputTokens + other.outputTokens, reasoningTokens + other.reasoningTokens, true);
    }
}
