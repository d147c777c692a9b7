package dev.multillm.core;

import java.time.Duration;

/**
 * One try in the attempt log of a call: which route and model was tried, how it ended, and why
 * the next try (if any) waited.
 *
 * @param provider   the provider id (or route name) that was tried
 * @param model      the model sent to it, null if unknown
 * @param error      the category that ended the try, null when it succeeded
 * @param status     the HTTP status, null when no response arrived
 * @param latency    how long the try took
 * @param retryDelay the wait before the next try, null when none followed or none was waited
 * @param note       why the next try happened or was skipped (e.g. {@code retry-after},
 *                   {@code breaker open}), may be null
 *
 * <p>Thread-safety: immutable record.
 */
public record Attempt(String provider, String model, ErrorTaxonomy error, Integer status, Duration latency,
                      Duration retryDelay, String note) {

    public Attempt {
        Checks.notNull(provider, "attempt.provider");
        latency = latency == null ? Duration.ZERO : latency;
    }

    /** A successful try. */
    public static Attempt ok(String provider, String model, Integer status, Duration latency) {
        return new Attempt(provider, model, null, status, latency, null, null);
    }

    /** {@code OK} or the name of the error category, as printed by the CLI. */
    public String outcome() {
        return error == null ? "OK" : error.name();
    }

    /** Whether this try succeeded. */
    public boolean succeeded() {
        return error == null;
    }

    /** This attempt with the wait before the next try and its reason. */
    public Attempt withRetry(Duration delay, String why) {
        return new Attempt(provider, model, error, status, latency, delay, why);
    }
}
