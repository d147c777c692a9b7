package dev.multillm.core;

import java.time.Duration;

/**
 * The four timeouts the framework enforces itself (the JDK's request timeout does not cover a
 * response body on Java 17). Each expiry is an {@link LlmTimeoutException} naming its phase.
 *
 * @param connect    establishing the connection
 * @param firstToken from sending the request to the response headers and, when streaming, to the
 *                   first event that carries data (keep-alive comments do not count)
 * @param idle       between two events of a stream
 * @param total      the whole call, retries included (a request's own timeout wins)
 *
 * <p>Thread-safety: immutable record.
 */
public record Timeouts(Duration connect, Duration firstToken, Duration idle, Duration total) {

    private static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60),
            Duration.ofSeconds(60), Duration.ofMinutes(10));

    public Timeouts {
        positive(connect, "connect");
        positive(firstToken, "firstToken");
        positive(idle, "idle");
        positive(total, "total");
    }

    private static void positive(Duration value, String field) {
        Checks.notNull(value, "timeouts." + field);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("timeouts." + field + " must be positive, was " + value);
        }
    }

    /** Connect 10 s, first token 60 s, idle 60 s, total 10 min. */
    public static Timeouts defaults() {
        return DEFAULTS;
    }

    public Timeouts withConnect(Duration value) {
        return new Timeouts(value, firstToken, idle, total);
    }

    public Timeouts withFirstToken(Duration value) {
        return new Timeouts(connect, value, idle, total);
    }

    public Timeouts withIdle(Duration value) {
        return new Timeouts(connect, firstToken, value, total);
    }

    public Timeouts withTotal(Duration value) {
        return new Timeouts(connect, firstToken, idle, value);
    }
}
