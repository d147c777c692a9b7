package dev.multillm.core.spi;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A base for {@link ChatStream} implementations: the once-only {@link #iterator()}, written over
 * two steps a subclass provides, {@link #advance()} (wait until a chunk is ready, the stream ended,
 * or it failed) and {@link #take()} (hand the ready chunk over).
 *
 * <pre>{@code
 * protected boolean advance() {   // blocks; true while a chunk is ready; throws LlmException on failure
 *     ...
 * }
 *
 * protected ChatChunk take() {    // only called right after advance() returned true
 *     ...
 * }
 *
 * public ChatResponse response() {
 *     drain();
 *     return folded;
 * }
 * }</pre>
 *
 * <p>A reader blocked in {@code advance()} that is interrupted cancels the stream: see
 * {@link #interrupted(String, String, InterruptedException)}.
 *
 * <p>Thread-safety: a stream is consumed by one thread; {@link #iterator()} may be called once,
 * from any thread. Subclasses make {@link #close()} safe to call from any thread.
 */
public abstract class AbstractChatStream implements ChatStream {
    private final AtomicBoolean iterated = new AtomicBoolean();

    /** For subclasses. */
    protected AbstractChatStream() {
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if called a second time
     */
    @Override
    public final Iterator<ChatChunk> iterator() {
        if (!iterated.compareAndSet(false, true)) {
            throw new IllegalStateException("a ChatStream can be iterated once");
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return advance();
            }

            @Override
            public ChatChunk next() {
                if (!advance()) {
                    throw new NoSuchElementException("the stream has ended");
                }
                return take();
            }
        };
    }

    /**
     * Makes the next chunk ready for {@link #take()}, blocking until there is one. Returns true
     * while a chunk is ready (calling it again before {@code take()} changes nothing), false at a
     * clean end or once closed.
     *
     * @throws LlmException when the stream failed (every later call throws it again)
     */
    protected abstract boolean advance();

    /** Hands over the chunk {@link #advance()} made ready; called only right after it returned true. */
    protected abstract ChatChunk take();

    /**
     * For a reader interrupted while it waited {@code waitingFor} (such as "for the stream"):
     * keeps the thread's interrupt status, closes this stream, and returns the
     * {@link ErrorTaxonomy#CANCELLED} failure to report, for the caller to complete (the attempt
     * log) and build.
     */
    protected final LlmException.Builder interrupted(String provider, String waitingFor,
                                                     InterruptedException cause) {
        Thread.currentThread().interrupt();
        close();
        return LlmException.builder(ErrorTaxonomy.CANCELLED).provider(provider)
                .message("interrupted while waiting " + waitingFor).cause(cause);
    }

    /**
     * Takes every chunk not read yet, up to the end of the stream: the first step of
     * {@link #response()}.
     *
     * @throws LlmException when the stream failed
     */
    protected final void drain() {
        while (advance()) {
            take();
        }
    }
}
