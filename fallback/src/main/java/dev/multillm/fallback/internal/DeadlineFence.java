package dev.multillm.fallback.internal;

/**
 * Lets a call's deadline interrupt the thread that runs the call, but only while that thread is
 * inside a fenced section (a try, or a wait between tries): an interrupt that lands anywhere else
 * could break the caller's own code, or a listener's, long after the call is over.
 *
 * <p>The thread brackets each section with {@link #enter()} and {@link #exit()}; the deadline
 * timer calls {@link #expire()}. An interrupt this fence delivered is cleared again by
 * {@link #exit()}, so it never leaks out of the call; an interrupt that came from anyone else is
 * left alone. (The one case that cannot be told apart: the caller interrupting the thread inside a
 * section that the deadline also interrupts; the call then ends at its deadline.)
 *
 * <p>Thread-safety: thread-safe; {@link #enter()} and {@link #exit()} must be called by the
 * fenced thread, {@link #expire()} by any thread.
 */
final class DeadlineFence {
    private final Thread thread;

    // Guarded by this.
    private boolean inside;
    private boolean expired;
    private boolean interruptedByUs;

    /** A fence around sections run by the calling thread. */
    DeadlineFence() {
        this.thread = Thread.currentThread();
    }

    /**
     * Starts a section; false, without starting one, when the deadline has already passed.
     *
     * @throws IllegalStateException when called by another thread than the fenced one
     */
    boolean enter() {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a deadline fence is entered only by its own thread");
        }
        synchronized (this) {
            if (expired) {
                return false;
            }
            inside = true;
            interruptedByUs = false;
            return true;
        }
    }

    /**
     * Ends the section; true when the deadline passed inside it. The interrupt this fence delivered
     * is cleared before this returns.
     */
    boolean exit() {
        boolean ours;
        synchronized (this) {
            inside = false;
            ours = interruptedByUs;
            interruptedByUs = false;
        }
        if (ours) {
            Thread.interrupted();
        }
        return ours;
    }

    /** The deadline passed: interrupts the fenced thread if it is inside a section now. */
    void expire() {
        synchronized (this) {
            if (expired) {
                return;
            }
            expired = true;
            if (inside) {
                interruptedByUs = true;
                thread.interrupt();
            }
        }
    }
}
