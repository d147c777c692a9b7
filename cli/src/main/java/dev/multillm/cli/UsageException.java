package dev.multillm.cli;

/**
 * Bad usage or bad input, found before anything was sent: the command prints the message on one
 * line and exits with status 2.
 *
 * <p>Thread-safety: immutable.
 */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message, null, false, false);
    }
}
