package dev.multillm.core.spi;

import dev.multillm.core.internal.http.TickingTimer;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * The library's one timer thread, for providers and composites as for the built-in calls: the
 * first-token, idle and total timeouts of every call, and a chain's deadline, are scheduled here,
 * so no call needs a thread of its own to watch its time.
 *
 * <p>Arming a timeout does not wake the timer thread: while timeouts are in use a tick runs every
 * 200 ms, so a timeout due later than the next tick (every real one) joins the queue silently; the
 * tick stops after 30 s with nothing scheduled. Tasks must be quick (cancel something, complete a
 * future, trip an {@link InterruptFence}); they run one at a time on the daemon thread
 * {@code multillm-timer}. Cancelled tasks leave the queue at once.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class SharedTimer {
    private static final TickingTimer TIMER = new TickingTimer("multillm-timer", Duration.ofMillis(200), 150);

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
