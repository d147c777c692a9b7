package dev.multillm.core.internal.error;

/**
 * The structured fields of one upstream error, as read by {@link ErrorBodyParser}; every field is
 * null when the upstream did not send it.
 *
 * <p>Values are raw upstream text: they are not yet scrubbed of secrets nor shortened; that
 * happens in {@link HttpErrors}.
 *
 * <p>Thread-safety: immutable record, safe to share.
 *
 * @param message          the human-readable message (or a short description of a non-JSON body)
 * @param code             the error {@code code}, a JSON number rendered as its decimal text
 * @param type             the error {@code type}
 * @param param            the request parameter the upstream blamed
 * @param failedGeneration Groq's {@code failed_generation}: the output that failed validation
 */
public record ErrorBody(String message, String code, String type, String param, String failedGeneration) {

    /** An error that says only {@code message}. */
    public static ErrorBody ofMessage(String message) {
        return new ErrorBody(message, null, null, null, null);
    }
}
