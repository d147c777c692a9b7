package dev.multillm.core;

/**
 * A {@link ErrorTaxonomy#RATE_LIMITED} or {@link ErrorTaxonomy#QUOTA_EXHAUSTED} failure. Only
 * the first is worth retrying, after {@link #retryAfter()}; use {@link #isQuotaExhausted()} to
 * tell them apart.
 *
 * <p>Thread-safety: immutable, safe to share.
 */
public final class RateLimitedException extends LlmException {
    private static final long serialVersionUID = 1L;

    RateLimitedException(Builder builder) {
        super(builder);
    }

    /** Whether the quota or credit is used up (retrying will not help). */
    public boolean isQuotaExhausted() {
        return category() == ErrorTaxonomy.QUOTA_EXHAUSTED;
    }
}
