package dev.multillm.core.internal.http;

import dev.multillm.core.spi.InterruptFence;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * One blocking {@code HttpClient.send} that another thread (a timer, a caller closing its
 * stream) can abort. The JDK aborts a blocking send when its thread is interrupted, and nothing
 * else reaches it before the response headers; so the send runs inside an
 * {@link InterruptFence}, which {@link #abort()} trips. An abort before the send starts makes it
 * fail at once.
 *
 * <p>Thread-safety: thread-safe; {@link #send} is called once, {@link #abort()} from any thread.
 */
public final class AbortableSend {
    private final InterruptFence fence = new InterruptFence();

    /**
     * Sends {@code request} on this thread through {@code transport}.
     *
     * @throws InterruptedException aborted (see {@link #aborted()}; the thread is not left
     *                              interrupted), or this thread was interrupted by someone else
     *                              (its interrupt status is then set again, as usual)
     */
    public <T> HttpResponse<T> send(Transport transport, HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        if (!fence.enter()) {
            throw new InterruptedException("aborted before sending");
        }
        try {
            return transport.sendBlocking(request, handler);
        } finally {
            fence.exit();
        }
    }

    /** Aborts the send if it is running, or before it starts; idempotent. */
    public void abort() {
        fence.trip();
    }

    /** Whether {@link #abort()} was called. */
    public boolean aborted() {
        return fence.tripped();
    }
}
