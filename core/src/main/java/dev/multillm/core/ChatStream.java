package dev.multillm.core;

import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A streamed answer: iterate its chunks as they arrive, then fold them into a
 * {@link ChatResponse}. Always use it in try-with-resources: closing it, on any path, releases
 * the connection.
 *
 * <pre>{@code
 * try (ChatStream stream = provider.stream(request)) {
 *     for (ChatChunk chunk : stream) {
 *         System.out.print(chunk.content());
 *     }
 *     ChatResponse whole = stream.response();
 * }
 * }</pre>
 *
 * <p>Iteration throws {@link LlmException} when the stream fails: a failure after output reached
 * the caller is a {@link StreamInterruptedException} carrying the partial response. A stream that
 * ends without its end marker or a finish reason is never reported as a success.
 *
 * <p>Thread-safety: a stream is consumed by one thread; {@link #close()} may be called from any
 * thread and is idempotent.
 */
public interface ChatStream extends Iterable<ChatChunk>, AutoCloseable {

    /**
     * The chunks, in order. Can be called once; {@code hasNext()} blocks until the next chunk,
     * the end, or a failure (thrown as {@link LlmException}).
     */
    @Override
    Iterator<ChatChunk> iterator();

    /** The chunks as a sequential {@link Stream}; closing the returned stream closes this one. */
    default Stream<ChatChunk> chunks() {
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL),
                        false)
                .onClose(this::close);
    }

    /**
     * Consumes whatever has not been read yet and returns the whole answer, folded from every
     * chunk of the stream (including those already iterated).
     *
     * @throws LlmException if the stream failed
     */
    ChatResponse response();

    /** Aborts the stream if it is still running and releases the connection. Idempotent. */
    @Override
    void close();
}
