package dev.multillm.core.internal.http;

import dev.multillm.core.spi.SharedTimer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

/**
 * One blocking exchange whose whole body is collected as bytes, within two limits the framework
 * enforces: the response headers within a first limit, and the whole body within the call's
 * deadline (on Java 17 the JDK's request timeout stops at the headers, and it costs a selector
 * wake-up per request). A blocking {@code HttpClient.send} returns once, with the whole body,
 * and one timer watches both limits: when it fires before the headers, the send is aborted
 * ({@link AbortableSend}); after them, it waits on for what is left of the deadline, then
 * abandons the body and closes its connection. {@link #expiry()} tells which limit ended it.
 *
 * <p>The body is the text of a JSON answer or of an error, handed over as its UTF-8 bytes: an
 * answer is decoded straight from them, and only an error needs to become a {@link String}.
 *
 * <p>Thread-safety: one instance per exchange; filled by the HTTP client's threads, expired by
 * the timer thread, read by the sending thread after {@link #send} returns or throws.
 */
public final class TimedBodyExchange implements HttpResponse.BodyHandler<byte[]>,
        HttpResponse.BodySubscriber<byte[]> {

    /** Which limit ended the exchange. */
    public enum Expiry {
        /** Neither. */
        NONE,
        /** No response headers within the first limit. */
        HEADERS,
        /** The deadline passed while the body was read. */
        BODY
    }

    private static final int DEFAULT_CAPACITY = 1024;
    /** Bodies are presized from Content-Length up to this; larger ones grow as they arrive. */
    private static final int MAX_PRESIZE = 1 << 20;

    private final Supplier<Duration> remaining;
    private final AbortableSend send = new AbortableSend();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private volatile boolean headersArrived;
    private volatile Expiry expiry = Expiry.NONE;
    /** Guarded by this. */
    private ScheduledFuture<?> timer;
    /** Guarded by this: the send is over, no timer may be armed. */
    private boolean stopped;
    private volatile Flow.Subscription subscription;
    private byte[] bytes;
    private int length;

    /**
     * @param remaining what is left of the call's deadline, asked when the first limit passes
     *                  after the headers; a null result for no deadline
     */
    public TimedBodyExchange(Supplier<Duration> remaining) {
        this.remaining = remaining;
    }

    /**
     * Sends {@code request} on this thread and returns the response with its whole body, exactly
     * the bytes that arrived.
     *
     * @param headersLimit the most to wait for the response headers
     * @throws InterruptedException the headers limit passed ({@link #expiry()} is
     *                              {@link Expiry#HEADERS}, and the thread is not left
     *                              interrupted) or the thread was interrupted
     * @throws IOException          the exchange failed, or the deadline passed while the body was
     *                              read ({@link #expiry()} is {@link Expiry#BODY})
     */
    public HttpResponse<byte[]> send(Transport transport, HttpRequest request, Duration headersLimit)
            throws IOException, InterruptedException {
        synchronized (this) {
            timer = SharedTimer.schedule(headersLimit, this::limitPassed);
        }
        try {
            return send.send(transport, request, this);
        } catch (IOException | InterruptedException | RuntimeException e) {
            abandon();
            throw e;
        } finally {
            stopTimer();
        }
    }

    /** Which limit ended the exchange, if one did. */
    public Expiry expiry() {
        return expiry;
    }

    private void limitPassed() {
        if (body.isDone()) {
            return;
        }
        if (!headersArrived) {
            expiry = Expiry.HEADERS;
            send.abort();
            return;
        }
        Duration left = remaining.get();
        if (left != null && left.toNanos() > 0) {
            synchronized (this) {
                if (!stopped) {
                    timer = SharedTimer.schedule(left, this::limitPassed);
                }
            }
            return;
        }
        if (left == null) {
            return;
        }
        expiry = Expiry.BODY;
        abandon();
    }

    /** Stops reading and closes the connection. */
    private void abandon() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        body.completeExceptionally(new HttpTimeoutException("the response body was abandoned"));
    }

    private synchronized void stopTimer() {
        stopped = true;
        timer.cancel(false);
    }

    // ---- BodyHandler: the headers arrived ----

    @Override
    public HttpResponse.BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
        long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
        bytes = new byte[declared >= 0 && declared <= MAX_PRESIZE ? (int) declared : DEFAULT_CAPACITY];
        headersArrived = true;
        return this;
    }

    // ---- BodySubscriber ----

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (body.isDone()) {
            s.cancel();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        for (ByteBuffer buffer : item) {
            int n = buffer.remaining();
            if (length + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(length + n, bytes.length * 2));
            }
            buffer.get(bytes, length, n);
            length += n;
        }
    }

    @Override
    public void onError(Throwable failure) {
        body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        // Presized from Content-Length, the buffer is usually full: then it is handed over as it is.
        body.complete(length == bytes.length ? bytes : Arrays.copyOf(bytes, length));
        bytes = null;
    }
}
