package dev.multillm.proxy.internal;

import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One chat-completions call in progress, from the moment its request was parsed to the moment its
 * response is complete: the part the streaming and the non-streaming calls share (completing
 * Jetty's callback exactly once, recording the outcome exactly once, being tracked for shutdown).
 *
 * <p>Thread-safety: thread-safe; completion may race between the upstream's threads, Jetty's
 * threads and shutdown, and the first completion wins.
 */
abstract class Exchange {
    private static final System.Logger LOG = System.getLogger("dev.multillm.proxy");

    final ProxyHandler handler;
    final ProxyContext ctx;
    final Response response;
    final Callback callback;
    final String requestId;
    final String model;
    final long startNanos;
    private final boolean stream;
    private final AtomicBoolean completed = new AtomicBoolean();
    private final AtomicBoolean recorded = new AtomicBoolean();
    /** Set when the server's shutdown grace period ran out while this call was still going. */
    volatile boolean aborted;

    Exchange(ProxyHandler handler, Response response, Callback callback, String requestId, String model,
             long startNanos, boolean stream) {
        this.handler = handler;
        this.ctx = handler.context();
        this.response = response;
        this.callback = callback;
        this.requestId = requestId;
        this.model = model;
        this.startNanos = startNanos;
        this.stream = stream;
    }

    /** Ends the call now because the server is shutting down (the grace period has passed). */
    abstract void abort();

    /** Records the outcome (null for success) once. */
    final void record(ErrorTaxonomy outcome) {
        if (recorded.compareAndSet(false, true)) {
            ctx.metrics().chat(model, stream, outcome, System.nanoTime() - startNanos);
        }
    }

    /** Whether the response is complete (or abandoned). */
    final boolean isCompleted() {
        return completed.get();
    }

    /** Completes Jetty's callback successfully, once. */
    final void succeed() {
        if (completed.compareAndSet(false, true)) {
            handler.finished(this);
            callback.succeeded();
        }
    }

    /** Fails Jetty's callback, once (the connection is then closed). */
    final void fail(Throwable failure) {
        if (completed.compareAndSet(false, true)) {
            handler.finished(this);
            callback.failed(failure);
        }
    }

    /** Marks the call complete without touching the callback (Jetty completes it itself after a failure). */
    final void abandon() {
        if (completed.compareAndSet(false, true)) {
            handler.finished(this);
        }
    }

    /** Answers with an error status (only before anything was sent). */
    final void sendError(ApiError error) {
        if (isCompleted()) {
            return;
        }
        Responses.error(response, error, Callback.from(this::succeed, this::fail));
    }

    /** The error answer for {@code failure}, logged (scrubbed, without stack trace: nothing unscrubbed is logged). */
    final ApiError mapFailure(RuntimeException failure) {
        LlmException llm = asLlmException(failure);
        ApiError error = ctx.errors().map(llm);
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "request " + requestId + " (model " + model + ") failed: "
                    + llm.category() + " -> HTTP " + error.status() + ": " + error.message());
        }
        if (!(failure instanceof LlmException) && !(failure instanceof IllegalArgumentException)) {
            LOG.log(System.Logger.Level.WARNING, "request " + requestId + " failed unexpectedly: "
                    + ctx.scrubber().scrub(failure.getClass().getName() + ": " + failure.getMessage()));
        }
        return error;
    }

    /** The category a failure is recorded under. */
    static ErrorTaxonomy categoryOf(RuntimeException failure) {
        return asLlmException(failure).category();
    }

    /**
     * {@code failure} in the taxonomy: an {@link IllegalArgumentException} (a provider rejecting a
     * value before sending, contract 12) is {@link ErrorTaxonomy#INVALID_REQUEST}; anything else
     * that is not an {@link LlmException} is {@link ErrorTaxonomy#UNKNOWN}.
     */
    static LlmException asLlmException(RuntimeException failure) {
        if (failure instanceof LlmException e) {
            return e;
        }
        if (failure instanceof IllegalArgumentException) {
            return LlmException.builder(ErrorTaxonomy.INVALID_REQUEST).message(failure.getMessage()).build();
        }
        return LlmException.builder(ErrorTaxonomy.UNKNOWN)
                .message(failure.getClass().getSimpleName() + ": " + failure.getMessage()).build();
    }

    /** The error answered while the server shuts down. */
    static ApiError shuttingDown() {
        return new ApiError(503, "server_error", "server_shutting_down", null,
                "The proxy is shutting down; retry the request", null, true, null);
    }
}
