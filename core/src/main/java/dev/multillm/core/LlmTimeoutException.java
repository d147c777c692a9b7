package dev.multillm.core;

/**
 * A {@link ErrorTaxonomy#TIMEOUT}: says which {@link TimeoutPhase} expired.
 *
 * <p>Thread-safety: immutable, safe to share.
 */
public final class LlmTimeoutException extends LlmException {
    private static final long serialVersionUID = 1L;

    private final TimeoutPhase phase;

    LlmTimeoutException(Builder builder, TimeoutPhase phase) {
        super(builder);
        this.phase = phase;
    }

    /** The phase whose time ran out. */
    public TimeoutPhase phase() {
        return phase;
    }

    @Override
    public String getMessage() {
        return super.getMessage() + " [phase " + phase + "]";
    }
}
