package dev.multillm.core.internal.http;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * The one timer thread of the library: first-token, idle and total timeouts of every call are
 * scheduled here, so no call needs a thread of its own to watch its time. Arming a timeout does
 * not wake the timer thread ({@link TickingTimer}: a tick every 200 ms while timeouts are in
 * use, none after 30 s without).
 *
 * <p>Thread-safety: thread-safe.
 */
public final class Timers {
    private static final TickingTimer TIMER = new TickingTimer("multillm-timer", Duration.ofMillis(200), 150);

    private Timers() {
    }

    /** Runs {@code task} after {@code delay} on the timer thread; the task must be quick. */
    public static ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        return TIMER.schedule(delay, task);
    }
}
