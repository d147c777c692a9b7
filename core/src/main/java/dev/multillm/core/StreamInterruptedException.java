package dev.multillm.core;

/**
 * A stream that failed after output reached the caller ({@link ErrorTaxonomy#STREAM_INTERRUPTED}).
 * Nothing is re-sent; {@link #partialResponse()} holds what was received. The underlying failure
 * is the {@linkplain #getCause() cause}.
 *
 * <p>Thread-safety: immutable, safe to share.
 */
public final class StreamInterruptedException extends LlmException {
    private static final long serialVersionUID = 1L;

    private final transient ChatResponse partialResponse;

    StreamInterruptedException(Builder builder, ChatResponse partialResponse) {
        super(builder);
        this.partialResponse = partialResponse;
    }

    /** The output received before the failure: partial text, tool calls, and the attempt log. */
    public ChatResponse partialResponse() {
        return partialResponse;
    }

    /** The partial text, empty if none. */
    public String partialContent() {
        return partialResponse == null || partialResponse.content() == null ? "" : partialResponse.content();
    }
}
