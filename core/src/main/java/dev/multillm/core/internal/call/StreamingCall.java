package dev.multillm.core.internal.call;

import dev.multillm.core.Attempt;
import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChunkAccumulator;
import dev.multillm.core.Deadline;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.RateLimitSnapshot;
import dev.multillm.core.TimeoutPhase;
import dev.multillm.core.event.ChatEvent;
import dev.multillm.core.event.ChatListener;
import dev.multillm.core.spi.AbstractChatStream;
import dev.multillm.core.spi.SharedTimer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;

/**
 * A streamed call with its commit point: tries run one after the other on HTTP threads and hand
 * their events to a queue; the consuming thread decides. Before the first chunk with output has
 * been handed to the caller, a retryable failure is retried invisibly (within the retry budget
 * and the deadline); after it, nothing is re-sent and the caller gets a
 * {@link dev.multillm.core.StreamInterruptedException} carrying the partial answer.
 *
 * <p>Thread-safety: iterated by one thread; {@link #close()} may come from any thread.
 */
public final class StreamingCall extends AbstractChatStream {

    private static final int LOW_WATERMARK = 64;

    private final CallSettings settings;
    private final String model;
    private final byte[] body;
    private final Deadline deadline;
    private final List<Attempt> attempts = new ArrayList<>();
    private final ScheduledFuture<?> totalTimer;
    private ChunkAccumulator accumulator = new ChunkAccumulator();
    private volatile StreamAttempt current;
    private volatile boolean closed;
    private int attemptNumber;
    private boolean committed;
    private boolean sawFirstToken;
    private ChatChunk next;
    private ChatResponse completed;
    private LlmException failed;

    private StreamingCall(CallSettings settings, String model, byte[] body, Deadline deadline) {
        this.settings = settings;
        this.model = model;
        this.body = body;
        this.deadline = deadline;
        Duration rest = deadline.remaining();
        this.totalTimer = rest == null ? null : SharedTimer.schedule(rest, () -> {
            StreamAttempt attempt = current;
            if (attempt != null) {
                attempt.expire(TimeoutPhase.TOTAL, "the call's deadline passed");
            }
        });
    }

    /** Starts the first try and returns the stream. */
    public static StreamingCall start(CallSettings settings, String model, byte[] body, Deadline deadline) {
        return new StreamingCall(settings, model, body, deadline);
    }

    /**
     * Sends the next try on the consuming thread, returning once the caller has something to read
     * from it (or it failed); its chunks then arrive through its {@link ChunkQueue}. Sending on
     * the caller's thread (rather than with the JDK's sendAsync) costs no thread per request.
     */
    private void startAttempt() {
        attemptNumber++;
        ChatListener.safely(settings.listener(),
                new ChatEvent.AttemptStarted(settings.provider(), model, attemptNumber, true));
        StreamAttempt attempt = new StreamAttempt(settings, model, body);
        current = attempt;
        if (closed) {
            attempt.cancel();
            return;
        }
        attempt.start();
    }

    @Override
    protected ChatChunk take() {
        ChatChunk chunk = next;
        next = null;
        return chunk;
    }

    /** Moves to the next chunk for the caller; false at a clean end; throws on failure. */
    @Override
    protected boolean advance() {
        while (true) {
            if (next != null) {
                return true;
            }
            if (failed != null) {
                throw failed;
            }
            if (completed != null || closed) {
                return false;
            }
            if (current == null) {
                startAttempt();
                continue;
            }
            StreamAttempt attempt = current;
            Object item = attempt.queue().poll();
            if (item == null) {
                // About to wait: make sure the try is reading. (onChunk resumes it only when it sees
                // it paused; a pause decided while the queue drained is caught here, under the lock.)
                attempt.resume();
                try {
                    item = attempt.queue().take();
                } catch (InterruptedException e) {
                    throw fail(interrupted(settings.provider(), "for the stream", e).build());
                }
            }
            if (item instanceof ChatChunk chunk) {
                onChunk(attempt, chunk);
            } else if (item instanceof ChunkQueue.Done) {
                onEnd(attempt);
            } else if (item instanceof ChunkQueue.Failed failure) {
                onFailure(attempt, failure.failure());
            }
        }
    }

    private void onChunk(StreamAttempt attempt, ChatChunk chunk) {
        accumulator.add(chunk);
        if (attempt.paused() && attempt.queue().size() <= LOW_WATERMARK) {
            attempt.resume();
        }
        if (chunk.hasOutput()) {
            committed = true;
            if (!sawFirstToken) {
                sawFirstToken = true; // once per call: a retry before the commit point has shown nothing
                ChatListener.safely(settings.listener(),
                        new ChatEvent.FirstToken(settings.provider(), model, attempt.elapsed()));
            }
        }
        if (chunk.hasOutput() || chunk.finishReason() != null || chunk.usage() != null) {
            next = chunk;
        }
    }

    private void onEnd(StreamAttempt attempt) {
        cancelTotalTimer();
        Attempt ok = Attempt.ok(settings.provider(), model, attempt.status(), attempt.latency());
        ChatListener.safely(settings.listener(), new ChatEvent.AttemptFinished(settings.provider(), ok));
        attempts.add(ok);
        String servedModel = attempt.servedModel() != null ? attempt.servedModel() : model;
        completed = accumulator.toResponse(settings.provider(), servedModel, attempt.completionId(),
                attempt.requestId(), attempt.rateLimit(), List.copyOf(attempts), attempt.metadata());
        if (completed.usage().reported()) {
            ChatListener.safely(settings.listener(),
                    new ChatEvent.UsageReported(settings.provider(), servedModel, completed.usage()));
        }
    }

    private void onFailure(StreamAttempt attempt, LlmException failure) {
        attempt.cancel();
        if (committed) {
            Attempt broken = new Attempt(settings.provider(), model, ErrorTaxonomy.STREAM_INTERRUPTED,
                    attempt.status(), attempt.latency(), null, failure.category() + " after output");
            ChatListener.safely(settings.listener(), new ChatEvent.AttemptFinished(settings.provider(), broken));
            attempts.add(broken);
            ChatResponse partial = accumulator.toResponse(settings.provider(),
                    attempt.servedModel() != null ? attempt.servedModel() : model, attempt.completionId(),
                    attempt.requestId(), attempt.rateLimit(), List.copyOf(attempts), Map.of());
            throw fail(LlmException.builder(ErrorTaxonomy.STREAM_INTERRUPTED).provider(settings.provider())
                    .status(failure.status()).errorCode(failure.errorCode()).errorType(failure.errorType())
                    .requestId(attempt.requestId()).rateLimit(attempt.rateLimit())
                    .message("stream failed after output: " + failure.category()
                            + (failure.upstreamMessage() == null ? "" : " (" + failure.upstreamMessage() + ")"))
                    .partialResponse(partial).attempts(List.copyOf(attempts)).cause(failure).build());
        }
        RetryDecision decision = RetryDecision.decide(failure, attemptNumber, settings.retryPolicy(),
                deadline, settings.random());
        Attempt failedAttempt = new Attempt(settings.provider(), model, failure.category(), failure.status(),
                attempt.latency(), decision.retry() ? decision.delay() : null, decision.note());
        ChatListener.safely(settings.listener(), new ChatEvent.AttemptFinished(settings.provider(), failedAttempt));
        attempts.add(failedAttempt);
        if (!decision.retry() || closed) {
            throw fail(failure.withAttempts(List.copyOf(attempts)));
        }
        ChatListener.safely(settings.listener(), new ChatEvent.RetryScheduled(settings.provider(), model,
                attemptNumber + 1, decision.delay(), failure.category(), "retry-after".equals(decision.note())));
        try {
            settings.sleeper().delay(decision.delay()).get();
        } catch (InterruptedException e) {
            throw fail(interrupted(settings.provider(), "to retry", e).attempts(List.copyOf(attempts)).build());
        } catch (ExecutionException e) {
            throw fail(failure.withAttempts(List.copyOf(attempts)));
        }
        accumulator = new ChunkAccumulator();
        startAttempt();
    }

    private LlmException fail(LlmException failure) {
        failed = failure;
        cancelTotalTimer();
        return failure;
    }

    private void cancelTotalTimer() {
        if (totalTimer != null) {
            totalTimer.cancel(false);
        }
    }

    @Override
    public ChatResponse response() {
        drain();
        if (completed == null) {
            throw LlmException.builder(ErrorTaxonomy.CANCELLED).provider(settings.provider())
                    .message("the stream was closed before it completed").attempts(List.copyOf(attempts)).build();
        }
        return completed;
    }

    /** The rate-limit state of the current try, for diagnostics. */
    RateLimitSnapshot rateLimit() {
        StreamAttempt attempt = current;
        return attempt == null ? RateLimitSnapshot.EMPTY : attempt.rateLimit();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cancelTotalTimer();
        StreamAttempt attempt = current;
        if (attempt != null) {
            attempt.cancel();
            attempt.queue().wake();
        }
    }
}
