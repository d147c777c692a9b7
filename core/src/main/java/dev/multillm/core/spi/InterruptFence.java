package dev.multillm.core.spi;

/**
 * Lets another thread (a deadline timer, a caller closing a stream) interrupt a thread that is
 * blocked in a library call, but only while that thread is inside a fenced section: an interrupt
 * that lands anywhere else could break the caller's own code, or a listener's, long after the
 * call is over. Blocking JDK calls ({@code HttpClient.send}, {@code Future.get}) are aborted by
 * an interrupt and by nothing else, so this is how a provider or a composite cuts them short.
 *
 * <pre>{@code
 * if (!fence.enter()) {
 *     throw timedOut();            // tripped before the section started: do not start it
 * }
 * try {
 *     return client.send(request, handler);
 * } catch (InterruptedException e) {
 *     if (fence.tripped()) throw timedOut();   // ours
 *     Thread.currentThread().interrupt();       // the caller's: keep it
 *     throw cancelled(e);
 * } finally {
 *     fence.exit();                // clears the interrupt the fence delivered, if any
 * }
 * }</pre>
 *
 * <p>{@link #trip()} is final: a fence trips once, and every later {@link #enter()} refuses. An
 * interrupt the fence delivered is cleared again by {@link #exit()}, so it never leaks out of the
 * section; an interrupt that came from anyone else is left alone. (The one case that cannot be
 * told apart: the thread interrupted by someone else inside a section the fence also trips.)
 *
 * <p>Thread-safety: thread-safe; {@link #enter()} and {@link #exit()} are called by the fenced
 * thread, {@link #trip()} by any thread.
 */
public final class InterruptFence {
    // Guarded by this.
    private Thread inside;
    private boolean tripped;
    private boolean interruptedByUs;

    /** A fence not yet tripped. */
    public InterruptFence() {
    }

    /** Starts a section on the calling thread; false, without starting one, once tripped. */
    public synchronized boolean enter() {
        if (tripped) {
            return false;
        }
        inside = Thread.currentThread();
        interruptedByUs = false;
        return true;
    }

    /**
     * Ends the section; true when the fence tripped inside it and interrupted this thread. That
     * interrupt is cleared before this returns.
     */
    public boolean exit() {
        boolean ours;
        synchronized (this) {
            inside = null;
            ours = interruptedByUs;
            interruptedByUs = false;
        }
        if (ours) {
            Thread.interrupted();
        }
        return ours;
    }

    /**
     * Trips the fence: interrupts the thread inside a section now (unless that is the calling
     * thread), and makes every later {@link #enter()} refuse. Idempotent.
     */
    public void trip() {
        synchronized (this) {
            if (tripped) {
                return;
            }
            tripped = true;
            if (inside != null && inside != Thread.currentThread()) {
                interruptedByUs = true;
                inside.interrupt();
            }
        }
    }

    /** Whether {@link #trip()} was called. */
    public synchronized boolean tripped() {
        return tripped;
    }
}
