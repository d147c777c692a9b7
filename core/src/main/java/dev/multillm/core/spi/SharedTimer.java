package dev.multillm.core.spi;

import dev.multillm.core.internal.http.LockFreeTimer;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * The library's one timer thread, for providers and composites as for the built-in calls: the
 * first-token, idle and total timeouts of every call, and a chain's deadline, are scheduled here,
 * so no call needs a thread of its own to watch its time.
 *
 * <p>Arming and cancelling a timeout take no lock, so calls in flight on many threads do not queue
 * behind one another here, and arming one does not wake the timer thread: while timeouts are in use
 * the thread looks at new and cancelled ones every 200 ms, so a timeout due later than its next
 * look (every real one) waits silently, and one cancelled before that look (most of them) costs
 * the thread nothing; after 30 s with nothing pending it parks until the next timeout. Tasks must
 * be quick (cancel something, complete a future, trip an {@link InterruptFence}); they run one at a
 * time on the daemon thread {@code multillm-timer}. A cancelled task drops its runnable at once;
 * a task that has started is never interrupted, so cancelling it then fails.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class SharedTimer {
    private static final LockFreeTimer TIMER = new LockFreeTimer("multillm-timer", Duration.ofMillis(200), 150);

    private SharedTimer() {
    }

    /**
     * Runs {@code task} after {@code delay} (at once when it is zero or negative; a delay too
     * long to represent in nanoseconds means never).
     */
    public static ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        return TIMER.schedule(delay, task);
    }
}
