package dev.multillm.core.spi;

import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ModelInfo;
import dev.multillm.core.RetryPolicy;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ChatProvider} that passes every call to a delegate: the base of a provider that is a
 * configuration of another one (Groq and OpenAI on core's OpenAI-compatible provider), or of a
 * decorator that changes one method. Subclasses override only what differs.
 *
 * <p>{@link #withRetryPolicy(RetryPolicy)} is abstract: a subclass wraps the delegate's view in
 * its own type, so the view keeps this provider's id and behaviour and shares its connections.
 *
 * <pre>{@code
 * public final class AcmeChatProvider extends ForwardingChatProvider {
 *     AcmeChatProvider(ChatProvider delegate) {
 *         super(delegate);
 *     }
 *
 *     @Override
 *     public AcmeChatProvider withRetryPolicy(RetryPolicy policy) {
 *         return new AcmeChatProvider(delegate().withRetryPolicy(policy));
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safety: as thread-safe as the delegate (which must be thread-safe, as every
 * {@link ChatProvider}); this class adds no state.
 */
public abstract class ForwardingChatProvider implements ChatProvider {
    private final ChatProvider delegate;

    /** Forwards to {@code delegate}. */
    protected ForwardingChatProvider(ChatProvider delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The provider every call is passed to. */
    protected final ChatProvider delegate() {
        return delegate;
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public Capabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public Capabilities capabilities(String model) {
        return delegate.capabilities(model);
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        return delegate.chat(request);
    }

    @Override
    public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
        return delegate.chatAsync(request);
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        return delegate.stream(request);
    }

    @Override
    public List<ModelInfo> models() {
        return delegate.models();
    }

    /**
     * A view of this provider that retries according to {@code policy}: typically this type
     * wrapped around {@code delegate().withRetryPolicy(policy)}.
     */
    @Override
    public abstract ChatProvider withRetryPolicy(RetryPolicy policy);

    /** Closes the delegate. */
    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + "]";
    }
}
