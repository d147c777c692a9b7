package dev.multillm.proxy.internal;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A streaming call: the model's {@link ChatStream} pumped into server-sent events.
 *
 * <p><b>Threads.</b> {@link ChatStream} is a blocking iterator, so a pump task on the proxy's
 * stream executor waits in {@code hasNext()} for the upstream's next chunk: one pooled thread per
 * stream <em>while it waits for the upstream</em> (the upstream's bytes themselves are read by
 * core's non-blocking HTTP client). Writing to the caller never blocks a thread: each event is
 * handed to Jetty's asynchronous {@code Response.write}, the queue of events not yet written is
 * bounded (the pump parks, freeing its thread, while a slow client drains it), and the write
 * callback resumes the pump. A write is started on Jetty's executor rather than on the pump's
 * thread, so the chunks the pump reads meanwhile (and events queued while a write is in flight)
 * go out together in the next write instead of one system call and TCP segment each. A
 * push-style stream API in core would remove the waiting thread; until then the executor is sized
 * to the configured maximum of concurrent streams.
 *
 * <p><b>Commit point.</b> The {@code 200} and the SSE headers are sent with the first chunk that
 * carries output (or a finish reason). A failure before it is answered with the mapped HTTP
 * error status, like a non-streaming call; a failure after it ends the body with one
 * {@code data: {"error":{...}}} event and no {@code [DONE]}.
 *
 * <p><b>Disconnects.</b> Once committed, a keep-alive comment is written whenever the stream has
 * been quiet for the keep-alive interval, so a client that went away is noticed even while the
 * upstream is silent. A failed write (or Jetty reporting the connection failed) closes the
 * {@link ChatStream}, which cancels the upstream request and releases its connection.
 *
 * <p>Thread-safety: thread-safe; the pump runs on one thread at a time, writes are serialized
 * under a lock, and {@link #abort()} and disconnects may come from any thread.
 */
final class SseExchange extends Exchange {
    /** The pump parks when this many bytes wait to be handed to Jetty. */
    static final int HIGH_WATER = 64 * 1024;

    /** The answer when every stream slot is taken. */
    static final ApiError TOO_MANY_STREAMS = new ApiError(503, "server_error", "too_many_streams", null,
            "The proxy is serving its maximum number of streams; retry shortly", null, true, null);

    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private final List<byte[]> beforeCommit = new ArrayList<>(2);
    private final Object lock = new Object();
    private final StreamEncoder encoder;
    /** Where writes are started: Jetty's executor. */
    private final Executor flusher;
    private volatile ChatStream stream;
    private Iterator<ChatChunk> chunks;
    private volatile ScheduledFuture<?> keepAlive;
    private boolean firstOutput;
    private volatile boolean committed;
    private volatile boolean clientGone;
    private final AtomicBoolean slotReleased = new AtomicBoolean();

    // Guarded by lock.
    private int queuedBytes;
    private boolean writing;
    private boolean lastQueued;
    private boolean pumpParked;
    private boolean done;
    private long lastWriteNanos;

    SseExchange(ProxyHandler handler, Response response, Callback callback, String requestId, String model,
                long startNanos, boolean includeUsage) {
        super(handler, response, callback, requestId, model, startNanos, true);
        this.encoder = new StreamEncoder("chatcmpl-" + requestId, model, handler.context().clock().instant()
                .getEpochSecond(), includeUsage);
        this.flusher = response.getRequest().getComponents().getExecutor();
    }

    /** Starts the upstream stream and the pump; the handler has reserved a stream slot, released at the end. */
    void start(Request request, ChatRequest chatRequest) {
        request.addIdleTimeoutListener(timeout -> {
            synchronized (lock) {
                return writing; // quiet while waiting for the upstream is fine; a stalled write is not
            }
        });
        request.addFailureListener(failure -> {
            // Jetty fails the callback itself after its failure listeners ran.
            clientGone = true;
            record(ErrorTaxonomy.CANCELLED);
            abandon();
            finishQuietly();
        });
        try {
            stream = ctx.models().get(model).provider().stream(chatRequest);
            chunks = stream.iterator();
        } catch (RuntimeException e) {
            finish();
            record(categoryOf(e));
            sendError(mapFailure(e));
            return;
        }
        if (clientGone || aborted) {
            closeStream(); // a disconnect or shutdown that came before the stream existed
        }
        if (clientGone) {
            return;
        }
        try {
            ctx.streamExecutor().execute(this::pump);
        } catch (RejectedExecutionException e) {
            finish();
            record(ErrorTaxonomy.OVERLOADED);
            sendError(aborted ? shuttingDown() : TOO_MANY_STREAMS);
        }
    }

    /** Reads chunks until the stream ends, fails, or the queue is full (then the write callback resumes it). */
    private void pump() {
        try {
            while (true) {
                synchronized (lock) {
                    if (done || lastQueued) {
                        return;
                    }
                    if (queuedBytes >= HIGH_WATER) {
                        pumpParked = true;
                        return;
                    }
                }
                boolean more;
                ChatChunk chunk;
                try {
                    more = chunks.hasNext();
                    chunk = more ? chunks.next() : null;
                } catch (RuntimeException e) {
                    failed(e);
                    return;
                }
                if (!more) {
                    ended();
                    return;
                }
                if (!firstOutput && chunk.hasOutput()) {
                    firstOutput = true;
                    ctx.metrics().firstToken(model, System.nanoTime() - startNanos);
                }
                byte[] event = encoder.chunk(chunk);
                if (event == null) {
                    continue;
                }
                if (!committed) {
                    beforeCommit.add(event);
                    if (chunk.hasOutput() || chunk.finishReason() != null) {
                        commit();
                    }
                } else {
                    enqueue(event, false);
                }
            }
        } catch (RuntimeException | Error e) {
            failed(e instanceof RuntimeException r ? r : new IllegalStateException(e.toString()));
        }
    }

    /** Sends the status and headers with every event held back so far, and starts the keep-alives. */
    private void commit() {
        synchronized (lock) {
            if (done) {
                return;
            }
        }
        committed = true;
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("x-accel-buffering", "no");
        for (byte[] event : beforeCommit) {
            enqueue(event, false);
        }
        beforeCommit.clear();
        long interval = ctx.keepAliveInterval().toNanos();
        try {
            keepAlive = ctx.timer().scheduleAtFixedRate(this::keepAlive, interval, interval, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the server is stopping: no keep-alives needed
        }
    }

    private void ended() {
        if (clientGone) {
            finishQuietly();
            return;
        }
        if (aborted) {
            endWithError(shuttingDown(), ErrorTaxonomy.CANCELLED);
            return;
        }
        if (!committed) {
            commit();
        }
        ctx.metrics().usage(model, encoder.usage());
        record(null);
        enqueue(encoder.end(), true);
    }

    private void failed(RuntimeException failure) {
        if (clientGone) {
            finishQuietly();
            return;
        }
        if (aborted) {
            endWithError(shuttingDown(), ErrorTaxonomy.CANCELLED);
            return;
        }
        ApiError error;
        if (!committed) {
            error = mapFailure(failure);
        } else if (failure instanceof LlmException llm && llm.category() == ErrorTaxonomy.STREAM_INTERRUPTED) {
            error = ctx.errors().mapMidStream(llm);
        } else {
            error = mapFailure(failure);
        }
        ctx.metrics().usage(model, encoder.usage());
        endWithError(error, categoryOf(failure));
    }

    /** Ends with {@code error}: an error status before the commit point, an error event after it. */
    private void endWithError(ApiError error, ErrorTaxonomy outcome) {
        record(outcome);
        if (!committed) {
            finish();
            sendError(error);
            return;
        }
        closeStream();
        enqueue(StreamEncoder.error(error), true);
    }

    private void keepAlive() {
        synchronized (lock) {
            if (done) {
                ScheduledFuture<?> timer = keepAlive;
                if (timer != null) {
                    timer.cancel(false);
                }
                return;
            }
            if (lastQueued || writing || !queue.isEmpty()
                    || System.nanoTime() - lastWriteNanos < ctx.keepAliveInterval().toNanos() / 2) {
                return;
            }
        }
        enqueue(StreamEncoder.keepAlive(), false);
    }

    /**
     * Queues bytes for the client; {@code last} ends the response once they are written. The
     * write itself is started on Jetty's executor, not on the pump's thread: the pump goes on
     * reading chunks the upstream already delivered meanwhile, and they go out together in one
     * write, rather than one write (a system call and a TCP segment the caller must wake up for)
     * per event.
     */
    private void enqueue(byte[] bytes, boolean last) {
        synchronized (lock) {
            if (done || lastQueued) {
                return;
            }
            queue.add(bytes);
            queuedBytes += bytes.length;
            lastQueued = last;
            if (writing) {
                return;
            }
            writing = true;
        }
        try {
            flusher.execute(this::flush);
        } catch (RejectedExecutionException e) {
            flush(); // Jetty is stopping: write from here
        }
    }

    /** Starts a write of everything queued (there is at least one event unless the call ended). */
    private void flush() {
        ByteBuffer next;
        boolean lastWrite;
        synchronized (lock) {
            if (done || queue.isEmpty()) {
                writing = false;
                return;
            }
            next = drain();
            lastWrite = lastQueued;
        }
        write(next, lastWrite);
    }

    /** Everything queued, as one buffer. Called under the lock. */
    private ByteBuffer drain() {
        ByteBuffer all;
        if (queue.size() == 1) {
            all = ByteBuffer.wrap(queue.poll());
        } else {
            all = ByteBuffer.allocate(queuedBytes);
            for (byte[] bytes : queue) {
                all.put(bytes);
            }
            all.flip();
            queue.clear();
        }
        queuedBytes = 0;
        return all;
    }

    private void write(ByteBuffer bytes, boolean last) {
        response.write(last, bytes, Callback.from(() -> written(last), this::writeFailed));
    }

    private void written(boolean last) {
        ByteBuffer next = null;
        boolean lastWrite = false;
        boolean resume = false;
        synchronized (lock) {
            lastWriteNanos = System.nanoTime();
            if (last) {
                done = true;
                writing = false;
            } else if (!queue.isEmpty()) {
                next = drain();
                lastWrite = lastQueued;
            } else {
                writing = false;
            }
            if (pumpParked && !last) {
                pumpParked = false;
                resume = true;
            }
        }
        if (last) {
            finish();
            succeed();
            return;
        }
        if (next != null) {
            write(next, lastWrite);
        }
        if (resume) {
            try {
                ctx.streamExecutor().execute(this::pump);
            } catch (RejectedExecutionException e) {
                writeFailed(e); // the executor is shut down: the server is stopping
            }
        }
    }

    private void writeFailed(Throwable failure) {
        clientGone = true;
        synchronized (lock) {
            done = true;
            writing = false;
            queue.clear();
            queuedBytes = 0;
        }
        record(ErrorTaxonomy.CANCELLED);
        finish();
        fail(failure);
    }

    /** Ends the call without writing anything more (the client is gone). */
    private void finishQuietly() {
        synchronized (lock) {
            done = true;
            queue.clear();
            queuedBytes = 0;
        }
        record(ErrorTaxonomy.CANCELLED);
        finish();
        abandon();
    }

    /** Releases the upstream stream, the keep-alive timer and the stream slot. Idempotent. */
    private void finish() {
        ScheduledFuture<?> timer = keepAlive;
        if (timer != null) {
            timer.cancel(false);
        }
        closeStream();
        if (slotReleased.compareAndSet(false, true)) {
            handler.streamEnded();
        }
    }

    /** Closes the upstream stream (idempotent: closing a closed stream does nothing). */
    private void closeStream() {
        ChatStream s = stream;
        if (s != null) {
            try {
                s.close();
            } catch (RuntimeException e) {
                // closing anyway; nothing to report to a caller
            }
        }
    }

    @Override
    void abort() {
        aborted = true;
        closeStream(); // wakes the pump, which then ends the response with a shutdown error
    }
}
