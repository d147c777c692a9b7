package dev.multillm.fallback.internal;

import dev.multillm.core.spi.SharedTimer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chain's timing and threads: call deadlines on the library's {@link SharedTimer} (arming one
 * wakes no thread; a cancelled one drops its task at once and leaves the queue within a tick, so
 * thousands of finished calls leave nothing queued), and a cached pool of daemon threads that
 * read hedged streams until their first output.
 *
 * <p>Thread-safety: thread-safe.
 */
final class Timers {
    private static final ExecutorService PUMPS = Executors.newCachedThreadPool(daemon("multillm-fallback-hedge-"));

    private Timers() {
    }

    /** Runs {@code task} after {@code delay} of real time. */
    static ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        return SharedTimer.schedule(delay, task);
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
