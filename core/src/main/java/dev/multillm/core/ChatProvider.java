package dev.multillm.core;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A chat-completions provider: the one SPI every backend implements and every composite
 * (fallback, hedging) is itself.
 *
 * <p>Every method fails with an unchecked {@link LlmException} whose {@link ErrorTaxonomy}
 * category says what went wrong. Bad input is rejected before anything is sent.
 *
 * <p>Thread-safety: implementations must be thread-safe; one instance is meant to be shared by
 * the whole application and {@linkplain #close() closed} when it shuts down.
 */
public interface ChatProvider extends AutoCloseable {

    /** The provider id, such as {@code groq} or {@code openai}. */
    String id();

    /** What this provider supports in general. */
    Capabilities capabilities();

    /** What this provider supports for {@code model} (defaults to {@link #capabilities()}). */
    default Capabilities capabilities(String model) {
        return capabilities();
    }

    /** Sends the request and waits for the whole answer. */
    ChatResponse chat(ChatRequest request);

    /**
     * Sends the request without blocking. Cancelling the returned future aborts the HTTP exchange
     * and closes its connection. Bad input and undeclared capabilities are thrown at once, before
     * a future exists; every failure after that completes the future exceptionally.
     */
    CompletableFuture<ChatResponse> chatAsync(ChatRequest request);

    /**
     * Streams the answer. The returned stream must be closed (try-with-resources). Bad input is
     * rejected at once; the request may be sent now or when iteration starts, and every other
     * failure surfaces while iterating.
     *
     * @throws LlmException {@link ErrorTaxonomy#UNSUPPORTED_CAPABILITY} if the provider does not
     *                      stream; other failures surface while iterating
     */
    ChatStream stream(ChatRequest request);

    /**
     * The models this provider lists.
     *
     * @throws LlmException {@link ErrorTaxonomy#UNSUPPORTED_CAPABILITY} if it cannot list models
     */
    default List<ModelInfo> models() {
        throw LlmException.builder(ErrorTaxonomy.UNSUPPORTED_CAPABILITY).provider(id())
                .message("this provider cannot list models").build();
    }

    /**
     * A view of this provider that retries according to {@code policy}, sharing this provider's
     * connections. Composites that own retries (a fallback chain) call it with
     * {@link RetryPolicy#none()} so that layers never multiply attempts. A provider that retries
     * must override this; closing such a view does not close the provider it shares. The default
     * returns {@code this}, which is right only for providers that never retry (closing it then
     * closes the provider itself).
     */
    default ChatProvider withRetryPolicy(RetryPolicy policy) {
        return this;
    }

    /** Releases the provider's resources (its HTTP client). Idempotent; later calls fail. */
    @Override
    void close();
}
