package dev.multillm.core.internal.http;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A one-thread timer whose scheduling does not wake its thread: the mechanism behind
 * {@link dev.multillm.core.spi.SharedTimer}.
 *
 * <p>A scheduled executor wakes its thread whenever a new task becomes the earliest one, which,
 * with nothing else queued, is every time: a futex wake-up and a context switch for each timeout
 * a call arms, though almost every one is cancelled long before it is due. So while the timer is
 * in use a no-op <em>tick</em> is kept queued, due every tick period: a task due later than the
 * next tick (every real timeout) joins the queue without waking anyone. After a number of ticks
 * with nothing scheduled the tick stops, so an idle timer costs nothing; the next schedule
 * starts it again.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class TickingTimer {
    private final ScheduledThreadPoolExecutor executor;
    private final long tickNanos;
    private final int idleTicksToStop;
    private final AtomicBoolean ticking = new AtomicBoolean();
    /** Set by every schedule, cleared by the tick: whether the timer was used since the last tick. */
    private volatile boolean used;
    /** Ticks in a row that saw nothing scheduled; only the timer thread touches it. */
    private int idleTicks;

    /**
     * @param threadName      the name of the timer's daemon thread
     * @param tick            how often the tick runs while the timer is in use
     * @param idleTicksToStop how many ticks in a row with nothing scheduled stop it
     */
    public TickingTimer(String threadName, Duration tick, int idleTicksToStop) {
        this.executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        this.executor.setRemoveOnCancelPolicy(true);
        this.tickNanos = tick.toNanos();
        this.idleTicksToStop = idleTicksToStop;
    }

    /** Runs {@code task} after {@code delay} on the timer thread; the task must be quick. */
    public ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        used = true;
        if (!ticking.get() && ticking.compareAndSet(false, true)) {
            executor.schedule(this::tick, tickNanos, TimeUnit.NANOSECONDS);
        }
        return executor.schedule(task, nanos(delay), TimeUnit.NANOSECONDS);
    }

    /** Whether the tick is queued. */
    public boolean ticking() {
        return ticking.get();
    }

    /** How many tasks are queued, the tick included. */
    public int queued() {
        return executor.getQueue().size();
    }

    /** Stops the timer thread (tests only; the library's timer lives as long as the JVM). */
    public void shutdown() {
        executor.shutdownNow();
    }

    private void tick() {
        if (used) {
            used = false;
            idleTicks = 0;
        } else if (++idleTicks >= idleTicksToStop) {
            idleTicks = 0;
            ticking.set(false);
            // A schedule since the check above may have seen the tick still running: keep going.
            if (!used || !ticking.compareAndSet(false, true)) {
                return;
            }
        }
        executor.schedule(this::tick, tickNanos, TimeUnit.NANOSECONDS);
    }

    private static long nanos(Duration delay) {
        try {
            return Math.max(0, delay.toNanos());
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 2; // centuries: never, in practice
        }
    }
}
