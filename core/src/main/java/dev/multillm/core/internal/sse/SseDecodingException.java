package dev.multillm.core.internal.sse;

/**
 * The byte stream cannot be decoded as Server-Sent Events within the decoder's limits, for
 * example a line longer than the configured maximum.
 *
 * <p>Callers map it to the {@code INVALID_RESPONSE} category of the error taxonomy.
 *
 * <p>Thread-safety: immutable after construction, safe to share.
 */
public class SseDecodingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what limit was broken. */
    public SseDecodingException(String message) {
        super(message);
    }
}
