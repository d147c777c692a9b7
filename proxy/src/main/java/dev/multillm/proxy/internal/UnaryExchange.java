package dev.multillm.proxy.internal;

import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ErrorTaxonomy;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A non-streaming call: {@code chatAsync} on the model's chain, and the {@code chat.completion}
 * body (or the mapped error) written when the future completes. No thread waits for the upstream.
 * If Jetty reports the client gone, the future is cancelled, which aborts the upstream exchange.
 *
 * <p>Thread-safety: thread-safe (see {@link Exchange}).
 */
final class UnaryExchange extends Exchange {
    private volatile CompletableFuture<ChatResponse> future;
    private volatile boolean writing;

    UnaryExchange(ProxyHandler handler, Response response, Callback callback, String requestId, String model,
                  long startNanos) {
        super(handler, response, callback, requestId, model, startNanos, false);
    }

    void start(Request request, ChatRequest chatRequest) {
        // While the upstream works, the connection is quiet: that is not an idle client. The
        // upstream call has its own deadline. Once the answer is being written, a stall is real.
        request.addIdleTimeoutListener(timeout -> writing);
        request.addFailureListener(failure -> {
            // Jetty fails the callback itself after its failure listeners ran.
            record(ErrorTaxonomy.CANCELLED);
            abandon();
            CompletableFuture<ChatResponse> f = future;
            if (f != null) {
                f.cancel(true);
            }
        });
        CompletableFuture<ChatResponse> f;
        try {
            f = ctx.models().get(model).provider().chatAsync(chatRequest);
        } catch (RuntimeException e) {
            record(categoryOf(e));
            sendError(mapFailure(e));
            return;
        }
        future = f;
        if (isCompleted() || aborted) {
            f.cancel(true); // a disconnect or shutdown that came before the call existed
        }
        f.whenComplete(this::complete);
    }

    private void complete(ChatResponse answer, Throwable failure) {
        if (isCompleted()) {
            return;
        }
        if (aborted) {
            record(ErrorTaxonomy.CANCELLED);
            sendError(shuttingDown());
            return;
        }
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            RuntimeException error = cause instanceof CancellationException
                    ? dev.multillm.core.LlmException.builder(ErrorTaxonomy.CANCELLED).message("cancelled").build()
                    : cause instanceof RuntimeException r ? r
                    : new IllegalStateException(cause.getClass().getSimpleName() + ": " + cause.getMessage());
            record(categoryOf(error));
            sendError(mapFailure(error));
            return;
        }
        byte[] body;
        try {
            String id = answer.id() != null && !answer.id().isBlank() ? answer.id() : "chatcmpl-" + requestId;
            body = ResponseWriter.completion(answer, id, model, ctx.clock().instant().getEpochSecond());
        } catch (RuntimeException e) {
            record(ErrorTaxonomy.UNKNOWN);
            sendError(mapFailure(e));
            return;
        }
        ctx.metrics().usage(model, answer.usage());
        record(null);
        response.getHeaders().put("x-multillm-route", answer.provider());
        writing = true;
        Responses.json(response, 200, body, Callback.from(this::succeed, this::fail));
    }

    @Override
    void abort() {
        aborted = true;
        CompletableFuture<ChatResponse> f = future;
        if (f != null) {
            f.cancel(true);
        }
    }
}
