package dev.multillm.core.internal.http;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * One blocking {@code HttpClient.send} that another thread (a timer, a caller closing its
 * stream) can abort. The JDK aborts a blocking send when its thread is interrupted, and nothing
 * else reaches it before the response headers; so {@link #abort()} interrupts the sending thread,
 * but only while it is inside {@link #send}, and that interrupt is cleared again before
 * {@code send} returns, so it never leaks into the caller's code. An abort before the send
 * starts makes it fail at once.
 *
 * <p>Thread-safety: thread-safe; {@link #send} is called once, {@link #abort()} from any thread.
 */
public final class AbortableSend {
    private Thread sender;
    private boolean aborted;
    private boolean interruptedSender;

    /**
     * Sends {@code request} on this thread through {@code transport}.
     *
     * @throws InterruptedException aborted (see {@link #aborted()}), or this thread was
     *                              interrupted by someone else (its interrupt status is then set
     *                              again, as usual)
     */
    public <T> HttpResponse<T> send(Transport transport, HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        synchronized (this) {
            if (aborted) {
                throw new InterruptedException("aborted before sending");
            }
            sender = Thread.currentThread();
        }
        try {
            return transport.sendBlocking(request, handler);
        } finally {
            boolean clearOurInterrupt;
            synchronized (this) {
                sender = null;
                clearOurInterrupt = interruptedSender;
            }
            if (clearOurInterrupt) {
                Thread.interrupted();
            }
        }
    }

    /** Aborts the send if it is running, or before it starts; idempotent. */
    public void abort() {
        synchronized (this) {
            aborted = true;
            if (sender != null && sender != Thread.currentThread() && !interruptedSender) {
                interruptedSender = true;
                sender.interrupt();
            }
        }
    }

    /** Whether {@link #abort()} was called. */
    public synchronized boolean aborted() {
        return aborted;
    }
}
