package dev.multillm.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Bounded polling for conditions that become true on another thread, so tests never use fixed
 * sleeps: {@code Await.until("connections closed", () -> upstream.openConnections() == 0, Duration.ofSeconds(5))}.
 *
 * <p>Thread-safety: stateless, safe from any thread.
 */
public final class Await {
    private static final long MIN_PAUSE_NANOS = 200_000;
    private static final long MAX_PAUSE_NANOS = 20_000_000;

    private Await() {
    }

    /** Polls {@code condition} until it holds; fails with an {@link AssertionError} after {@code timeout}. */
    public static void until(BooleanSupplier condition, Duration timeout) {
        until("the condition", condition, timeout);
    }

    /**
     * Polls {@code condition} until it holds; fails with an {@link AssertionError} naming
     * {@code description} after {@code timeout}.
     */
    public static void until(String description, BooleanSupplier condition, Duration timeout) {
        Objects.requireNonNull(condition, "condition");
        if (!poll(condition, timeout)) {
            throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + description);
        }
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes; returns whether it held. */
    public static boolean poll(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = MIN_PAUSE_NANOS;
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return condition.getAsBoolean();
            }
            LockSupport.parkNanos(Math.min(pause, left));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting");
            }
            pause = Math.min(MAX_PAUSE_NANOS, pause * 2);
        }
    }
}
