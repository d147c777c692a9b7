package dev.multillm.core.internal.call;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.RateLimitSnapshot;
import dev.multillm.core.TimeoutPhase;
import dev.multillm.core.internal.error.ErrorBodyParser;
import dev.multillm.core.internal.error.HttpErrors;
import dev.multillm.core.internal.error.RateLimitHeaders;
import dev.multillm.core.internal.http.AbortableSend;
import dev.multillm.core.internal.http.TransportErrors;
import dev.multillm.core.internal.sse.SseDecoder;
import dev.multillm.core.internal.sse.SseEvent;
import dev.multillm.core.internal.sse.SseListener;
import dev.multillm.core.internal.wire.ChunkDecoder;
import dev.multillm.core.internal.wire.DecodedChunk;
import dev.multillm.core.spi.SharedTimer;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;

/**
 * One streamed HTTP exchange: reads the SSE body with demand (never a thread per stream),
 * decodes chunks, enforces the first-token and idle timeouts, and hands its chunks and its
 * ending to its {@link StreamingCall} through its own {@link ChunkQueue}. {@code [DONE]} ends the try at once and releases the connection even
 * when the server keeps the socket open; EOF without {@code [DONE]} or a finish reason is a
 * failure, never a success.
 *
 * <p>Thread-safety: driven by the HTTP client's threads and the timer thread; state shared
 * between them is guarded by this object's monitor or volatile.
 */
final class StreamAttempt implements HttpResponse.BodySubscriber<Void>, SseListener {
    private static final int HIGH_WATERMARK = 256;
    /** How long the rest of a body is read after {@code [DONE]} to keep its connection. */
    private static final Duration DRAIN_GRACE = Duration.ofMillis(500);

    private final CallSettings settings;
    private final String model;
    private final byte[] body;
    private final ChunkQueue queue = new ChunkQueue();
    private final long startNanos = System.nanoTime();
    private final SseDecoder decoder = new SseDecoder(this);
    /** Completes when the caller has something to read: {@link #start} returns then. */
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    private final AbortableSend send = new AbortableSend();
    private volatile boolean draining;
    private volatile ScheduledFuture<?> drainTimer;
    private volatile Flow.Subscription subscription;
    private volatile boolean finished;
    private volatile boolean paused;
    private volatile long lastEventNanos;
    private volatile boolean sawData;
    private volatile boolean sawFinishReason;
    private volatile ScheduledFuture<?> firstTokenTimer;
    private volatile ScheduledFuture<?> idleTimer;
    private volatile int status;
    private volatile HttpHeaders headers;
    private volatile long endNanos;
    private volatile String completionId;
    private volatile String servedModel;
    private volatile String groqId;
    private volatile Map<String, Object> timings = Map.of();

    StreamAttempt(CallSettings settings, String model, byte[] body) {
        this.settings = settings;
        this.model = model;
        this.body = body;
    }

    /** Where this try's chunks and ending arrive. */
    ChunkQueue queue() {
        return queue;
    }

    /** Time since the try started. */
    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private void deliver(ChatChunk chunk) {
        queue.add(chunk);
        if (visible(chunk)) {
            ready.complete(null);
        }
    }

    private void end(ChunkQueue.Ending how) {
        queue.end(how);
        ready.complete(null);
    }

    /** Whether the consumer hands {@code chunk} to the caller (see StreamingCall). */
    static boolean visible(ChatChunk chunk) {
        return chunk.hasOutput() || chunk.finishReason() != null || chunk.usage() != null;
    }

    /**
     * Sends the request on the calling thread and returns once the caller has something to read:
     * the first chunk it will see, the end, or the failure (or once the consumer's queue is full,
     * however little of it the caller sees). Returning then, rather than at the headers, wakes
     * the caller once for its first token instead of twice. The rest of the body flows to this
     * subscriber on the HTTP client's threads. The first-token timer started here, the call's
     * total timer and {@link #cancel()} abort the send if they come first.
     */
    void start() {
        firstTokenTimer = SharedTimer.schedule(settings.timeouts().firstToken(),
                () -> expire(TimeoutPhase.FIRST_TOKEN,
                        "no data within " + settings.timeouts().firstToken().toMillis() + " ms"));
        try {
            send.send(settings.transport(), settings.transport().postJson(settings.chatPath(), body, true),
                    this::onHeaders);
        } catch (IOException e) {
            fail(TransportErrors.map(settings.provider(), e));
        } catch (InterruptedException e) {
            if (!send.aborted()) {
                Thread.currentThread().interrupt();
                fail(TransportErrors.map(settings.provider(), e));
            }
        }
    }

    private HttpResponse.BodySubscriber<Void> onHeaders(HttpResponse.ResponseInfo info) {
        status = info.statusCode();
        headers = info.headers();
        if (info.statusCode() / 100 == 2) {
            return this;
        }
        return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8),
                errorBody -> {
                    fail(HttpErrors.fromResponse(settings.provider(), info.statusCode(), info.headers(), errorBody,
                            settings.transport().apiKey(), settings.clock()));
                    return null;
                });
    }

    // ---- BodySubscriber: the body bytes, pulled with demand ----

    /**
     * Completes when the caller has something to read, so that sending returns then while the
     * rest of the body streams in; the first-token timer bounds the wait.
     */
    @Override
    public CompletionStage<Void> getBody() {
        return ready;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (finished) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (finished) {
            drainMore();
            return;
        }
        try {
            for (ByteBuffer buffer : buffers) {
                decoder.feed(buffer);
                if (finished) {
                    drainMore();
                    return;
                }
            }
        } catch (RuntimeException e) {
            fail(invalid("cannot decode the event stream: " + e.getClass().getSimpleName(), e));
            return;
        }
        queue.publish(); // the chunks of this read, together
        requestMore();
    }

    private void requestMore() {
        Flow.Subscription s = subscription;
        if (finished || s == null) {
            return;
        }
        boolean pause;
        synchronized (this) {
            pause = queue.size() >= HIGH_WATERMARK;
            if (pause) {
                paused = true;
            }
        }
        if (pause) {
            ready.complete(null); // the consumer must drain the queue before more is read
            return;
        }
        s.request(1);
    }

    /** Whether reading is paused until the consumer drains its queue (a volatile read). */
    boolean paused() {
        return paused;
    }

    /** Called by the consumer when it has drained the queue below the low watermark. */
    void resume() {
        boolean wasPaused;
        synchronized (this) {
            wasPaused = paused;
            paused = false;
        }
        if (wasPaused) {
            requestMore();
        }
    }

    @Override
    public void onError(Throwable failure) {
        stopDraining(false);
        fail(TransportErrors.map(settings.provider(), failure));
    }

    @Override
    public void onComplete() {
        stopDraining(false);
        if (finished) {
            return;
        }
        decoder.end();
        if (finished) {
            return;
        }
        if (sawFinishReason) {
            finish();
        } else {
            fail(invalid("the stream ended without [DONE] or a finish reason", null));
        }
    }

    // ---- SseListener: decoded events ----

    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    /** Only for a caller holding an event; the decoder calls {@link #onEventData}. */
    @Override
    public void onEvent(SseEvent event) {
        byte[] data = event.data().getBytes(StandardCharsets.UTF_8);
        onEventData(event.event(), data, 0, data.length, event.id(), event.retry());
    }

    /** An event's data, decoded from the decoder's bytes in place: no string of the payload. */
    @Override
    public void onEventData(String event, byte[] data, int offset, int length, String id, Long retry) {
        if (finished) {
            return;
        }
        markProgress();
        if (isDone(data, offset, length)) {
            finishAtDone();
            return;
        }
        if ("error".equals(event)) {
            streamError(new String(data, offset, length, StandardCharsets.UTF_8));
            return;
        }
        DecodedChunk decoded;
        try {
            decoded = ChunkDecoder.decode(data, offset, length, completionId, servedModel);
        } catch (LlmException e) {
            fail(e.toBuilder().provider(settings.provider()).requestId(requestId())
                    .message(HttpErrors.scrub(e.upstreamMessage(), settings.transport().apiKey())).build());
            return;
        }
        if (decoded.error() != null) {
            fail(HttpErrors.fromStreamError(settings.provider(), ErrorBodyParser.fromJson(decoded.error()),
                    requestId(), settings.transport().apiKey()));
            return;
        }
        if (completionId == null && decoded.id() != null) {
            completionId = decoded.id();
        }
        if (decoded.model() != null) {
            servedModel = decoded.model();
        }
        if (decoded.groqId() != null) {
            groqId = decoded.groqId();
        }
        if (!decoded.timings().isEmpty()) {
            timings = decoded.timings();
        }
        for (ChatChunk chunk : decoded.chunks()) {
            if (chunk.finishReason() != null) {
                sawFinishReason = true;
            }
            deliver(chunk);
        }
        if (decoded.usage() != null) {
            deliver(new ChatChunk(0, null, null, null, List.of(), null, decoded.usage(), decoded.model()));
        }
    }

    /**
     * Whether the data is {@code [DONE]}, give or take surrounding whitespace ({@code String.strip}'s:
     * ASCII here; the rare non-ASCII edge is decided by {@code strip} itself).
     */
    private static boolean isDone(byte[] data, int offset, int length) {
        int from = offset;
        int to = offset + length;
        while (from < to && isAsciiWhitespace(data[from])) {
            from++;
        }
        while (to > from && isAsciiWhitespace(data[to - 1])) {
            to--;
        }
        if (to - from == DONE.length) {
            return Arrays.equals(data, from, to, DONE, 0, DONE.length);
        }
        if (to > from && (data[from] < 0 || data[to - 1] < 0)) {
            return "[DONE]".equals(new String(data, offset, length, StandardCharsets.UTF_8).strip());
        }
        return false;
    }

    private static boolean isAsciiWhitespace(byte b) {
        return b >= 0 && Character.isWhitespace(b);
    }

    private void streamError(String data) {
        jakarta.json.JsonObject error;
        try (jakarta.json.JsonReader reader = jakarta.json.Json.createReader(new java.io.StringReader(data))) {
            error = reader.readObject();
        } catch (RuntimeException notJson) {
            fail(LlmException.builder(ErrorTaxonomy.SERVER_ERROR).provider(settings.provider())
                    .requestId(requestId()).message("error event in the stream").build());
            return;
        }
        fail(HttpErrors.fromStreamError(settings.provider(), ErrorBodyParser.fromJson(error), requestId(),
                settings.transport().apiKey()));
    }

    private void markProgress() {
        lastEventNanos = System.nanoTime();
        if (!sawData) {
            sawData = true;
            ScheduledFuture<?> timer = firstTokenTimer;
            if (timer != null) {
                timer.cancel(false);
                firstTokenTimer = null; // a held stream keeps nothing of a timer that is done
            }
            scheduleIdleCheck(settings.timeouts().idle());
        }
    }

    private void scheduleIdleCheck(Duration delay) {
        if (finished) {
            return;
        }
        idleTimer = SharedTimer.schedule(delay, () -> {
            if (finished) {
                return;
            }
            long idleNanos = System.nanoTime() - lastEventNanos;
            long limit = settings.timeouts().idle().toNanos();
            if (paused) {
                scheduleIdleCheck(settings.timeouts().idle());
            } else if (idleNanos >= limit) {
                expire(TimeoutPhase.IDLE, "no event for " + settings.timeouts().idle().toMillis() + " ms");
            } else {
                scheduleIdleCheck(Duration.ofNanos(limit - idleNanos));
            }
        });
    }

    // ---- endings ----

    void expire(TimeoutPhase phase, String why) {
        fail(LlmException.builder(ErrorTaxonomy.TIMEOUT).provider(settings.provider()).timeoutPhase(phase)
                .requestId(requestId()).message(why).build());
    }

    private LlmException invalid(String why, Throwable cause) {
        return LlmException.builder(ErrorTaxonomy.INVALID_RESPONSE).provider(settings.provider())
                .requestId(requestId()).message(why).cause(cause).build();
    }

    private void finish() {
        if (settle()) {
            end(ChunkQueue.Done.INSTANCE);
        }
    }

    /**
     * {@code [DONE]}: the answer is complete for the caller at once. The rest of the body (usually
     * just the end of the chunked encoding) is still read for a short grace, so the connection can
     * go back to the pool; a server that keeps the socket open loses it when the grace ends.
     */
    private void finishAtDone() {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            draining = true;
        }
        endNanos = System.nanoTime();
        stopTimers();
        drainTimer = SharedTimer.schedule(DRAIN_GRACE, () -> stopDraining(true));
        end(ChunkQueue.Done.INSTANCE);
    }

    private void drainMore() {
        Flow.Subscription s = subscription;
        if (draining && s != null) {
            s.request(1);
        }
    }

    private void stopDraining(boolean closeConnection) {
        boolean wasDraining;
        synchronized (this) {
            wasDraining = draining;
            draining = false;
        }
        if (!wasDraining) {
            return;
        }
        ScheduledFuture<?> timer = drainTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        Flow.Subscription s = subscription;
        if (closeConnection && s != null) {
            s.cancel();
        }
    }

    private void fail(LlmException failure) {
        if (settle()) {
            end(new ChunkQueue.Failed(failure));
        }
    }

    /** Ends this try once: stops timers and releases the connection. */
    private boolean settle() {
        synchronized (this) {
            if (finished) {
                return false;
            }
            finished = true;
        }
        endNanos = System.nanoTime();
        release();
        return true;
    }

    /** Aborts the try (caller closed the stream, or the call moved on). */
    void cancel() {
        synchronized (this) {
            if (draining) {
                return; // already complete; the drain ends by itself within its grace
            }
            if (!finished) {
                finished = true;
                endNanos = System.nanoTime();
            }
        }
        release();
    }

    private void release() {
        send.abort(); // still waiting for the headers, or for the first chunk, on another thread
        ready.complete(null);
        stopTimers();
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    private void stopTimers() {
        ScheduledFuture<?> timer = firstTokenTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        timer = idleTimer;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    // ---- what the call reads back ----

    Integer status() {
        return status == 0 ? null : status;
    }

    Duration latency() {
        long end = endNanos == 0 ? System.nanoTime() : endNanos;
        return Duration.ofNanos(end - startNanos);
    }

    String requestId() {
        HttpHeaders h = headers;
        String fromHeader = h == null ? null : h.firstValue("x-request-id").orElse(null);
        return fromHeader != null ? fromHeader : groqId;
    }

    RateLimitSnapshot rateLimit() {
        HttpHeaders h = headers;
        return h == null ? RateLimitSnapshot.EMPTY : RateLimitHeaders.parse(h);
    }

    String completionId() {
        return completionId;
    }

    String servedModel() {
        return servedModel;
    }

    String groqId() {
        return groqId;
    }

    /** Provider metadata seen in the stream: Groq's request id and timing fields. */
    Map<String, Object> metadata() {
        String id = groqId;
        if (id == null) {
            return timings;
        }
        Map<String, Object> all = new java.util.LinkedHashMap<>(timings);
        all.put("x_groq.id", id);
        return all;
    }
}
