package dev.multillm.core.internal.http;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A text body read in the background: as a {@link HttpResponse.BodySubscriber} it completes at
 * once, so a blocking {@code send} returns with the headers, and {@link #await(Duration)} then
 * waits for the text within a limit the JDK would not enforce (on Java 17 its request timeout
 * stops at the headers).
 *
 * <p>Thread-safety: filled by the HTTP client's threads, awaited by one caller.
 */
public final class DeferredBody implements HttpResponse.BodySubscriber<DeferredBody> {
    private final HttpResponse.BodySubscriber<String> text = HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
    private volatile Flow.Subscription subscription;

    /** A handler that reads every response body this way. */
    public static HttpResponse.BodyHandler<DeferredBody> handler() {
        return info -> new DeferredBody();
    }

    /**
     * The body text, waiting at most {@code limit} (null: no limit). When the limit passes the
     * body is abandoned and its connection closed.
     *
     * @throws TimeoutException     the limit passed first
     * @throws ExecutionException   reading the body failed (the cause says why)
     * @throws InterruptedException the waiting thread was interrupted (the body is abandoned)
     */
    public String await(Duration limit) throws TimeoutException, ExecutionException, InterruptedException {
        CompletableFuture<String> body = text.getBody().toCompletableFuture();
        try {
            return limit == null ? body.get() : body.get(Math.max(1, limit.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | InterruptedException e) {
            abandon();
            throw e;
        }
    }

    /** Stops reading and closes the connection. */
    public void abandon() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public CompletionStage<DeferredBody> getBody() {
        return CompletableFuture.completedStage(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        text.onSubscribe(s);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        text.onNext(item);
    }

    @Override
    public void onError(Throwable failure) {
        text.onError(failure);
    }

    @Override
    public void onComplete() {
        text.onComplete();
    }
}
