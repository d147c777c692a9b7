package dev.multillm.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Waits between retries. The seam that lets tests replace real waiting with a fake clock, so
 * retry tests never sleep.
 *
 * <p>Thread-safety: implementations must be thread-safe.
 */
@FunctionalInterface
public interface Sleeper {

    /** A future that completes after {@code delay}; cancelling it abandons the wait. */
    CompletableFuture<Void> delay(Duration delay);

    /** Real waiting on the JDK's shared delayed executor (no thread per wait). */
    static Sleeper system() {
        return delay -> {
            if (delay.isZero() || delay.isNegative()) {
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.runAsync(() -> { },
                    CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS, Runnable::run));
        };
    }
}
