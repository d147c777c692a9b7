package dev.multillm.benchmarks.clients;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One client library, used the way its documentation shows, behind the few operations the
 * scenarios need. Every implementation sends the same request (a system and a user message,
 * temperature 0.7, at most 256 output tokens) to the same local server.
 *
 * <p>Thread-safety: {@link #call()}, {@link #callAsync()}, {@link #stream(Consumer)} and
 * {@link #open()} may be called from many threads at once, as the libraries themselves allow.
 */
public interface BenchClient extends AutoCloseable {

    /** The name shown in the report. */
    String name();

    /** One blocking non-streamed call; returns the answer's text. */
    String call() throws Exception;

    /**
     * One non-blocking non-streamed call, or null when the library has no asynchronous
     * non-streaming API (the scenario then uses blocking calls on its own threads).
     */
    CompletableFuture<String> callAsync();

    /** Whether {@link #callAsync()} is supported. */
    default boolean hasAsync() {
        return true;
    }

    /**
     * One streamed call, consumed to its end on the calling thread (or awaited there, for
     * callback APIs); {@code sink} gets every non-empty content delta as the caller sees it.
     *
     * @return the number of content deltas
     */
    int stream(Consumer<String> sink) throws Exception;

    /** Starts a stream for the concurrency scenario without consuming it. */
    OpenStream open() throws Exception;

    @Override
    void close();

    /**
     * A stream started by {@link #open()}.
     *
     * <p>Thread-safety: used by one thread.
     */
    interface OpenStream {
        /** Blocks until the caller has seen the first content delta. */
        void awaitFirst() throws Exception;

        /** Consumes (or awaits) the rest; returns the number of content deltas in all. */
        int finish() throws Exception;

        /** Abandons the stream. */
        void cancel();
    }
}
