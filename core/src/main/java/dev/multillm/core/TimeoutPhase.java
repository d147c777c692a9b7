package dev.multillm.core;

/**
 * The phase of a call whose timeout expired.
 *
 * <p>Thread-safety: immutable enum.
 */
public enum TimeoutPhase {
    /** Establishing the TCP/TLS connection. */
    CONNECT,
    /** Waiting for the response headers or, when streaming, for the first event. */
    FIRST_TOKEN,
    /** Waiting between two events of a stream. */
    IDLE,
    /** The total deadline of the whole call, retries included. */
    TOTAL
}
