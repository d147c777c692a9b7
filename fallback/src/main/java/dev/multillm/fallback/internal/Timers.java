package dev.multillm.fallback.internal;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chain's shared threads: one daemon timer for call deadlines (cancelled timers are removed at
 * once, so thousands of finished calls leave nothing queued), and a cached pool of daemon threads
 * that read hedged streams until their first output.
 *
 * <p>Thread-safety: thread-safe.
 */
final class Timers {
    private static final ScheduledThreadPoolExecutor TIMER;
    private static final ExecutorService PUMPS = Executors.newCachedThreadPool(daemon("multillm-fallback-hedge-"));

    static {
        TIMER = new ScheduledThreadPoolExecutor(1, daemon("multillm-fallback-timer-"));
        TIMER.setRemoveOnCancelPolicy(true);
    }

    private Timers() {
    }

    /** Runs {@code task} after {@code delay} of real time. */
    static ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        long nanos;
        try {
            nanos = Math.max(0, delay.toNanos());
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE / 2;
        }
        return TIMER.schedule(task, nanos, TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} on a pump thread. */
    static void pump(Runnable task) {
        PUMPS.execute(task);
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
