package dev.multillm.core.internal.http;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The executor of every HTTP client the library creates: runs each task at once on the thread
 * that hands it over, until {@link #close() closed}.
 *
 * <p>The JDK client hands work to its executor at every step of an exchange (starting it,
 * reading the headers, delivering body bytes). With a thread pool each step is a hand-off to
 * another thread and back; inline, a request is written on the caller's thread and the response
 * is handled on the client's selector thread, which wakes the caller once. On a 2-core machine
 * against a loopback server, the two-thread pool this replaced cost a third more latency per
 * non-streamed call (BENCHMARKS.md has the figures).
 *
 * <p>What runs inline is the library's own body handling, which never blocks: a unary body is
 * collected, a stream's bytes are decoded and queued for the consumer's thread (with demand, so
 * a slow consumer pauses the socket instead of the selector). {@link
 * dev.multillm.core.event.ChatListener}s called from there must be quick, as their contract says.
 * On {@code https://}, the TLS handshake's delegated tasks also run on the selector thread; they
 * delay this client's other exchanges for the length of a handshake, not longer.
 *
 * <p>Thread-safety: thread-safe.
 */
final class InlineExecutor implements Executor {
    private volatile boolean closed;

    /** Runs {@code task} now, on this thread. */
    @Override
    public void execute(Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("the provider that owns this HTTP client is closed");
        }
        task.run();
    }

    /** Refuses every later task, which fails the exchanges that would need one. Idempotent. */
    void close() {
        closed = true;
    }
}
