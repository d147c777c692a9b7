package dev.multillm.core.spi;

import dev.multillm.core.ChatProvider;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Waits for an asynchronous answer the way {@link ChatProvider#chat} waits for
 * {@link ChatProvider#chatAsync}: a provider writes {@code chat} as
 * {@code return Blocking.await(chatAsync(request), id());}.
 *
 * <p>An interrupt of the waiting thread cancels the future (which aborts the exchange), keeps the
 * thread's interrupt status and fails with {@link ErrorTaxonomy#CANCELLED}; a cancelled future
 * fails with {@code CANCELLED} too; a failed future throws its failure.
 *
 * <p>Thread-safety: stateless; safe from any thread.
 */
public final class Blocking {

    private Blocking() {
    }

    /**
     * The value of {@code future}, waiting for it. A failure that is an {@link LlmException} is
     * thrown as it is; any other becomes {@link ErrorTaxonomy#UNKNOWN} of {@code provider}.
     *
     * @throws LlmException the future's failure, or {@code CANCELLED} when interrupted or cancelled
     */
    public static <T> T await(CompletableFuture<T> future, String provider) {
        return await(future, provider, failure -> failure instanceof LlmException llm ? llm
                : LlmException.builder(ErrorTaxonomy.UNKNOWN).provider(provider)
                        .message("the call failed with " + failure.getClass().getName()).cause(failure).build());
    }

    /**
     * The value of {@code future}, waiting for it; a failure of the future is thrown as
     * {@code failures} maps it (it may also throw an {@link Error} itself).
     *
     * @throws LlmException {@code CANCELLED} when interrupted or cancelled
     */
    public static <T> T await(CompletableFuture<T> future, String provider,
                              Function<? super Throwable, ? extends RuntimeException> failures) {
        Objects.requireNonNull(future, "future");
        Objects.requireNonNull(failures, "failures");
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw LlmException.builder(ErrorTaxonomy.CANCELLED).provider(provider).message("interrupted").cause(e)
                    .build();
        } catch (ExecutionException e) {
            throw failures.apply(e.getCause());
        } catch (CancellationException e) {
            throw LlmException.builder(ErrorTaxonomy.CANCELLED).provider(provider).message("cancelled").cause(e)
                    .build();
        }
    }
}
