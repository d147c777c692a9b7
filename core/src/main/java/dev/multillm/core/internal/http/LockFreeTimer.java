package dev.multillm.core.internal.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A one-thread timer whose arming and cancelling take no lock and, for a timeout due later than
 * the timer's next look, wake no thread: the mechanism behind
 * {@link dev.multillm.core.spi.SharedTimer}.
 *
 * <p>Every call arms one or two timeouts and cancels them long before they are due. A scheduled
 * executor takes its queue's lock for each arm and each cancel, which with many calls in flight on
 * few cores parks callers behind one another, and wakes its thread whenever a new task becomes the
 * earliest. Here arming pushes the task onto a lock-free stack of arrivals and cancelling is one
 * compare-and-set on the task itself. The timer thread alone owns the queue of pending tasks: it
 * looks at the arrivals at least once a <em>tick</em> while anything is pending, drops the ones
 * cancelled since (most of them, so they never enter the queue), runs what is due, and parks until
 * the next tick or the earliest task. An arrival due before that planned look unparks it. After a
 * number of ticks with nothing pending the thread parks until the next arrival, so an idle timer
 * costs nothing.
 *
 * <p>A cancelled task leaves the queue by the next tick; it holds no reference to its runnable
 * from the moment it is cancelled. Tasks run one at a time on the timer's daemon thread, in order
 * of due time (in order of arming for equal ones), and must be quick; a running task is never
 * interrupted, so cancelling one that has started fails.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class LockFreeTimer {
    /** Delays are capped here so that due times compared by subtraction never overflow. */
    private static final long NEVER = Long.MAX_VALUE / 2;

    private final String threadName;
    private final long tickNanos;
    private final int idleTicksToStop;
    /** Tasks armed since the timer thread last looked, newest first (a Treiber stack). */
    private final AtomicReference<Task> arrivals = new AtomicReference<>();
    /** When the timer thread will next look at the arrivals, as {@link System#nanoTime()}. */
    private volatile long nextLook;
    private volatile boolean sleeping = true;
    private volatile int pending;
    private volatile boolean stopped;
    private volatile Thread thread;

    // Owned by the timer thread.
    private final PriorityQueue<Task> queue = new PriorityQueue<>(LockFreeTimer::earlier);
    private long sequence;
    private int idleTicks;
    private long lastPurge;

    /**
     * @param threadName      the name of the timer's daemon thread, started by the first schedule
     * @param tick            how often the thread looks at new and cancelled tasks while any are
     *                        pending
     * @param idleTicksToStop how many ticks in a row with nothing pending before the thread parks
     *                        until the next arrival
     */
    public LockFreeTimer(String threadName, Duration tick, int idleTicksToStop) {
        this.threadName = threadName;
        this.tickNanos = tick.toNanos();
        this.idleTicksToStop = idleTicksToStop;
        this.nextLook = System.nanoTime() + NEVER;
    }

    /**
     * Runs {@code task} after {@code delay} on the timer thread (at once when it is zero or
     * negative; a delay too long to represent means never); the task must be quick.
     */
    public ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        if (stopped) {
            throw new IllegalStateException(threadName + " is stopped");
        }
        Task armed = new Task(task, System.nanoTime() + nanos(delay));
        Task head;
        do {
            head = arrivals.get();
            armed.next = head;
        } while (!arrivals.compareAndSet(head, armed));
        Thread worker = thread != null ? thread : start();
        // Read after the push: either the thread's re-check after planning sees this arrival, or
        // these reads see the plan it made and wake it if the task is due sooner (or it sleeps).
        if (sleeping || armed.due - nextLook < 0) {
            LockSupport.unpark(worker);
        }
        return armed;
    }

    /** Whether the thread looks again within a tick (false once it parks until the next arrival). */
    public boolean ticking() {
        return !sleeping;
    }

    /** How many tasks the thread held pending when it last looked. */
    public int pending() {
        return pending;
    }

    /** Stops the timer thread (tests only; the library's timer lives as long as the JVM). */
    public void shutdown() {
        stopped = true;
        Thread worker = thread;
        if (worker != null) {
            LockSupport.unpark(worker);
        }
    }

    private synchronized Thread start() {
        if (thread == null) {
            Thread worker = new Thread(this::run, threadName);
            worker.setDaemon(true);
            thread = worker;
            worker.start();
        }
        return thread;
    }

    private void run() {
        lastPurge = System.nanoTime();
        while (!stopped) {
            Thread.interrupted(); // a task may have left the thread interrupted: parking must still wait
            long now = System.nanoTime();
            boolean arrived = takeArrivals();
            if (now - lastPurge >= tickNanos) {
                queue.removeIf(Task::isDone);
                lastPurge = now;
            }
            runDue(now);
            pending = queue.size();
            long plan = plan(now, arrived);
            nextLook = plan;
            sleeping = plan - now >= NEVER;
            if (arrivals.get() != null) {
                continue;
            }
            if (sleeping) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, plan - now);
            }
        }
    }

    /** Moves the arrivals still armed into the queue, oldest first; whether there were any. */
    private boolean takeArrivals() {
        Task newest = arrivals.getAndSet(null);
        if (newest == null) {
            return false;
        }
        Task oldest = null;
        while (newest != null) { // reverse the stack
            Task next = newest.next;
            newest.next = oldest;
            oldest = newest;
            newest = next;
        }
        while (oldest != null) {
            Task next = oldest.next;
            oldest.next = null;
            if (!oldest.isDone()) {
                oldest.sequence = sequence++;
                queue.add(oldest);
            }
            oldest = next;
        }
        return true;
    }

    private void runDue(long now) {
        Task first;
        while ((first = queue.peek()) != null && (first.isDone() || first.due - now <= 0)) {
            queue.poll();
            first.run(); // a no-op when cancelled; a task's failure stays in its future
        }
    }

    /** When to look next: the earliest task or the next tick, or never once idle long enough. */
    private long plan(long now, boolean arrived) {
        if (queue.isEmpty() && !arrived) {
            if (++idleTicks >= idleTicksToStop) {
                idleTicks = idleTicksToStop;
                return now + NEVER;
            }
        } else {
            idleTicks = 0;
        }
        long tick = now + tickNanos;
        Task first = queue.peek();
        return first != null && first.due - tick < 0 ? first.due : tick;
    }

    private static int earlier(Task a, Task b) {
        int byDue = Long.compare(a.due - b.due, 0);
        return byDue != 0 ? byDue : Long.compare(a.sequence, b.sequence);
    }

    private static long nanos(Duration delay) {
        try {
            return Math.min(NEVER, Math.max(0, delay.toNanos()));
        } catch (ArithmeticException tooLong) {
            return NEVER;
        }
    }

    /**
     * One armed task: cancelling it is a compare-and-set that also drops its runnable. Smaller than
     * a {@code FutureTask} (no adapter, no waiter stack): every call arms one or more, and a stream
     * held open holds its own.
     */
    private static final class Task implements ScheduledFuture<Void> {
        private static final int ARMED = 0;
        private static final int RUNNING = 1;
        private static final int RAN = 2;
        private static final int FAILED = 3;
        private static final int CANCELLED = 4;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Task.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final long due;
        /** The next older arrival while on the arrivals stack. */
        Task next;
        long sequence;
        private volatile int state;
        private volatile boolean awaited;
        private Runnable runnable;
        private Throwable failure;

        Task(Runnable runnable, long due) {
            this.runnable = runnable;
            this.due = due;
        }

        /** Runs the task unless it was cancelled; a failure is kept for {@link #get()}. */
        void run() {
            if (!STATE.compareAndSet(this, ARMED, RUNNING)) {
                return;
            }
            Runnable task = runnable;
            runnable = null;
            int outcome = RAN;
            try {
                task.run();
            } catch (Throwable t) {
                failure = t;
                outcome = FAILED;
            }
            finish(outcome);
        }

        /**
         * Cancels the task if it has not started; a running task is never interrupted (timer tasks
         * are quick), so {@code mayInterruptIfRunning} changes nothing.
         */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (!STATE.compareAndSet(this, ARMED, CANCELLED)) {
                return false;
            }
            runnable = null;
            if (awaited) {
                synchronized (this) {
                    notifyAll();
                }
            }
            return true;
        }

        private void finish(int outcome) {
            state = outcome;
            if (awaited) {
                synchronized (this) {
                    notifyAll();
                }
            }
        }

        @Override
        public boolean isCancelled() {
            return state == CANCELLED;
        }

        @Override
        public boolean isDone() {
            return state >= RAN;
        }

        @Override
        public Void get() throws InterruptedException, ExecutionException {
            synchronized (this) {
                awaited = true;
                while (!isDone()) {
                    wait();
                }
            }
            return outcome();
        }

        @Override
        public Void get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException,
                TimeoutException {
            long until = System.nanoTime() + unit.toNanos(timeout);
            synchronized (this) {
                awaited = true;
                while (!isDone()) {
                    long left = until - System.nanoTime();
                    if (left <= 0) {
                        throw new TimeoutException();
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            }
            return outcome();
        }

        private Void outcome() throws ExecutionException {
            int done = state;
            if (done == CANCELLED) {
                throw new CancellationException();
            }
            if (done == FAILED) {
                throw new ExecutionException(failure);
            }
            return null;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
