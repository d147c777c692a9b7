package dev.multillm.fallback.internal;

import dev.multillm.core.Attempt;
import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ChunkAccumulator;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.StreamInterruptedException;
import dev.multillm.core.TimeoutPhase;
import dev.multillm.core.spi.AbstractChatStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.ScheduledFuture;

/**
 * A streamed call through a chain, with the commit point of DESIGN.md contract 6.
 *
 * <p>Until the first chunk with output has been handed to the caller, a try that fails (its first
 * {@code hasNext()} throws, or it ends badly) is recorded and the {@link CallPlan} picks the next
 * try; the caller sees one clean stream. Chunks without output that arrive before it (a role, a
 * usage report) are held back and dropped with a failed try. Once output has reached the caller,
 * nothing is re-sent anywhere: a failure becomes a {@link StreamInterruptedException} carrying
 * what the caller received (folded with {@link ChunkAccumulator}) and the attempt log.
 *
 * <p>A try on a route with hedging is read by a pump thread until its first output; if none came
 * after the route's hedge delay, the next eligible route is started beside it, and the first of
 * the two to produce output (or to end cleanly) wins; the other is closed, which closes its
 * connection. Once a winner is known, the caller's thread reads it directly.
 *
 * <p>Thread-safety: iterated by one thread; {@link #close()} may be called from any thread and is
 * idempotent.
 */
public final class ChainStream extends AbstractChatStream {

    /** What a pump thread, a hedge timer or {@link #close()} tells the reading thread. */
    private sealed interface Signal permits Ready, Failed, HedgeDue, Wake {
    }

    private record Ready(Lane lane, boolean ended) implements Signal {
    }

    private record Failed(Lane lane, LlmException failure) implements Signal {
    }

    private record HedgeDue(Lane primary) implements Signal {
    }

    private record Wake() implements Signal {
    }

    /** One try's stream. */
    private static final class Lane {
        final Try attempt;
        final ChatStream stream;
        volatile Iterator<ChatChunk> iterator;
        /** Chunks read but not yet delivered (all before the first output). */
        final List<ChatChunk> held = new ArrayList<>();
        volatile CompletableFuture<?> hedgeTimer;

        Lane(Try attempt, ChatStream stream) {
            this.attempt = attempt;
            this.stream = stream;
        }

        String name() {
            return attempt.route().name();
        }
    }

    private final ChainConfig config;
    private final CallPlan plan;
    // Sized for the common case of one route streaming at a time: a stream held open holds all of
    // these, so a lock-free queue, a small deque and a list instead of a hash set.
    private final BlockingQueue<Signal> signals = new LinkedTransferQueue<>();
    private final ArrayDeque<ChatChunk> ready = new ArrayDeque<>(4);
    private final ChunkAccumulator delivered = new ChunkAccumulator();
    private final List<Lane> open = new ArrayList<>(2); // guarded by itself; each lane added once
    private final List<Lane> racing = new ArrayList<>(2);
    private final ScheduledFuture<?> deadlineTimer;

    private Lane lane;
    private CallPlan.Step pendingStep;
    private boolean committed;
    private ChatResponse completed;
    private LlmException failed;
    private volatile boolean closed;
    private volatile boolean deadlinePassed;
    private volatile CompletableFuture<?> waiting;

    private ChainStream(ChainConfig config, ChatRequest request) {
        this.config = config;
        this.plan = new CallPlan(config, request, true);
        Duration left = plan.deadline().remaining();
        this.deadlineTimer = left == null ? null : Timers.schedule(left, this::onDeadline);
    }

    /**
     * Starts the call: the first try is sent before this returns (its failures, and any that need
     * a wait, are dealt with while iterating).
     */
    public static ChainStream start(ChainConfig config, ChatRequest request) {
        ChainStream stream = new ChainStream(config, request);
        while (stream.lane == null && stream.racing.isEmpty() && stream.failed == null
                && stream.pendingStep == null && !stream.closed) {
            stream.startNext(false);
        }
        return stream;
    }

    @Override
    protected ChatChunk take() {
        return ready.poll();
    }

    @Override
    public ChatResponse response() {
        drain();
        if (completed == null) {
            throw LlmException.builder(ErrorTaxonomy.CANCELLED).provider(config.id())
                    .message("the stream was closed before it completed").attempts(plan.log()).build();
        }
        return completed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopTimers();
        for (Lane l : takeOpenLanes()) {
            plan.abandoned(l.attempt, "closed by the caller");
            closeLane(l);
        }
        signals.add(new Wake());
    }

    // ------------------------------------------------------------------ the reading loop

    /** Makes a chunk ready for the caller; false at a clean end (or once closed); throws on failure. */
    @Override
    protected boolean advance() {
        while (true) {
            if (!ready.isEmpty()) {
                return true;
            }
            if (failed != null) {
                throw failed;
            }
            if (completed != null || closed) {
                return false;
            }
            if (lane != null) {
                if (committed) {
                    readCommitted(lane);
                } else {
                    readDirect(lane);
                }
            } else if (!racing.isEmpty()) {
                awaitRace();
            } else {
                startNext(true);
            }
        }
    }

    /** Asks the plan for the next try and starts it (waiting first when it says so). */
    private void startNext(boolean mayWait) {
        CallPlan.Step step = pendingStep != null ? pendingStep : plan.next();
        pendingStep = null;
        if (step.isFailure()) {
            fail(step.failure());
            return;
        }
        if (!step.delay().isZero()) {
            if (!mayWait) {
                pendingStep = step;
                return;
            }
            if (!sleep(step.delay()) || closed) {
                return;
            }
        }
        Lane started = open(step);
        if (started == null) {
            return;
        }
        if (started.attempt.route().route().hedgeAfter() != null) {
            startRace(started);
        } else {
            try {
                started.iterator = started.stream.iterator();
                lane = started;
            } catch (RuntimeException e) {
                preCommitFailure(started, e);
            }
        }
    }

    /** Sends the try {@code step} chose; null when it was refused or failed at once (recorded). */
    private Lane open(CallPlan.Step step) {
        Try attempt = plan.begin(step);
        if (attempt == null) {
            return null;
        }
        ChatStream inner;
        try {
            inner = attempt.route().caller().stream(attempt.request());
            if (inner == null) {
                throw new IllegalStateException("stream returned null");
            }
        } catch (RuntimeException e) {
            LlmException terminal = plan.failed(attempt, Failures.classify(attempt.route().name(), e));
            if (terminal != null) {
                fail(terminal);
            }
            return null;
        }
        Lane opened = new Lane(attempt, inner);
        boolean tooLate;
        synchronized (open) {
            tooLate = closed;
            if (!tooLate) {
                open.add(opened);
            }
        }
        if (tooLate) {
            plan.abandoned(attempt, "closed by the caller");
            closeQuietly(inner);
            return null;
        }
        return opened;
    }

    /** Reads the next chunk of a try that has not produced output yet. */
    private void readDirect(Lane l) {
        try {
            if (l.iterator.hasNext()) {
                ChatChunk chunk = l.iterator.next();
                l.held.add(chunk);
                if (chunk.hasOutput()) {
                    commit(l);
                }
            } else if (!closed) {
                finishLane(l);
            }
        } catch (RuntimeException e) {
            preCommitFailure(l, e);
        }
    }

    /** Reads the next chunk after the commit point. */
    private void readCommitted(Lane l) {
        try {
            if (l.iterator.hasNext()) {
                deliver(l.iterator.next());
            } else if (!closed) {
                finishLane(l);
            }
        } catch (RuntimeException e) {
            committedFailure(l, Failures.classify(l.name(), e));
        }
    }

    /** Output reached the caller: from now on nothing is re-sent. */
    private void commit(Lane l) {
        committed = true;
        for (ChatChunk chunk : l.held) {
            deliver(chunk);
        }
        l.held.clear();
    }

    private void deliver(ChatChunk chunk) {
        delivered.add(chunk);
        ready.add(chunk);
    }

    /** The try ended cleanly: it is the answer. */
    private void finishLane(Lane l) {
        ChatResponse answer;
        try {
            answer = l.stream.response();
        } catch (RuntimeException e) {
            if (committed) {
                committedFailure(l, Failures.classify(l.name(), e));
            } else {
                preCommitFailure(l, e);
            }
            return;
        }
        lane = null;
        release(l);
        if (closed) {
            return;
        }
        for (ChatChunk chunk : l.held) {
            deliver(chunk);
        }
        l.held.clear();
        committed = true;
        ChatResponse reported = plan.succeeded(l.attempt, answer);
        if (reported != null) {
            completed = reported;
            stopTimers();
        }
    }

    /** The try failed before the caller saw any of its output: the plan decides what comes next. */
    private void preCommitFailure(Lane l, Throwable error) {
        if (lane == l) {
            lane = null;
        }
        release(l);
        if (closed) {
            plan.abandoned(l.attempt, "closed by the caller");
            return;
        }
        LlmException failure = Failures.classify(l.name(), error);
        if (failure instanceof StreamInterruptedException && failure.getCause() instanceof LlmException cause) {
            // The route says output reached its reader, but none reached our caller: still invisible.
            failure = cause;
        }
        failure = timeoutIfDeadline(failure);
        LlmException terminal = plan.failed(l.attempt, failure);
        if (terminal != null) {
            fail(terminal);
        }
    }

    /** The try failed after output reached the caller: report it, re-send nothing. */
    private void committedFailure(Lane l, LlmException failure) {
        lane = null;
        release(l);
        if (closed) {
            plan.abandoned(l.attempt, "closed by the caller");
            return;
        }
        LlmException underlying = failure instanceof StreamInterruptedException
                && failure.getCause() instanceof LlmException cause ? cause : failure;
        underlying = timeoutIfDeadline(underlying);
        List<Attempt> log = plan.interrupted(l.attempt, failure, underlying.category());
        ChatResponse innerPartial = failure instanceof StreamInterruptedException sie ? sie.partialResponse() : null;
        ChatResponse partial = partial(l, innerPartial, log);
        fail(LlmException.builder(ErrorTaxonomy.STREAM_INTERRUPTED).provider(l.name()).status(underlying.status())
                .errorCode(underlying.errorCode()).errorType(underlying.errorType())
                .requestId(underlying.requestId() != null ? underlying.requestId()
                        : innerPartial != null ? innerPartial.requestId() : null)
                .rateLimit(underlying.rateLimit())
                .message("the stream from route " + l.name() + " failed after output reached the caller: "
                        + underlying.category() + "; nothing was re-sent")
                .partialResponse(partial).attempts(log).cause(underlying).build());
    }

    private ChatResponse partial(Lane l, ChatResponse innerPartial, List<Attempt> log) {
        String id = innerPartial == null ? null : innerPartial.id();
        String requestId = innerPartial == null ? null : innerPartial.requestId();
        try {
            return delivered.toResponse(l.name(), l.attempt.model(), id, requestId,
                    innerPartial == null ? null : innerPartial.rateLimit(), log, Map.of());
        } catch (LlmException incompleteToolCall) {
            return ChatResponse.builder().provider(l.name()).model(l.attempt.model()).id(id).requestId(requestId)
                    .content(delivered.content()).toolCalls(delivered.toolCalls()).usage(delivered.usage())
                    .attempts(log).build();
        }
    }

    private LlmException timeoutIfDeadline(LlmException failure) {
        if (deadlinePassed && failure.category() == ErrorTaxonomy.CANCELLED) {
            return LlmException.builder(ErrorTaxonomy.TIMEOUT).provider(failure.provider())
                    .timeoutPhase(TimeoutPhase.TOTAL).message("the chain's deadline passed").cause(failure).build();
        }
        return failure;
    }

    private LlmException fail(LlmException failure) {
        failed = failure;
        stopTimers();
        for (Lane l : takeOpenLanes()) {
            plan.abandoned(l.attempt, "the call had already ended");
            closeLane(l);
        }
        racing.clear();
        lane = null;
        return failure;
    }

    // ------------------------------------------------------------------ hedging

    private void startRace(Lane primary) {
        racing.add(primary);
        pump(primary);
        CompletableFuture<Void> timer = config.sleeper().delay(primary.attempt.route().route().hedgeAfter());
        primary.hedgeTimer = timer;
        timer.thenRun(() -> signals.add(new HedgeDue(primary)));
    }

    /** Reads {@code l} on a pump thread until its first output, its end or its failure. */
    private void pump(Lane l) {
        Timers.pump(() -> {
            try {
                Iterator<ChatChunk> iterator = l.stream.iterator();
                l.iterator = iterator;
                while (true) {
                    if (!iterator.hasNext()) {
                        signals.add(new Ready(l, true));
                        return;
                    }
                    ChatChunk chunk = iterator.next();
                    synchronized (l.held) {
                        l.held.add(chunk);
                    }
                    if (chunk.hasOutput()) {
                        signals.add(new Ready(l, false));
                        return;
                    }
                }
            } catch (Throwable e) {
                signals.add(new Failed(l, Failures.classify(l.name(), e)));
            }
        });
    }

    /** Waits for the next event of the race and acts on it. */
    private void awaitRace() {
        Signal signal;
        try {
            signal = signals.take();
        } catch (InterruptedException e) {
            fail(interrupted(config.id(), "for the stream", e).attempts(plan.log()).build());
            return;
        }
        if (closed) {
            return;
        }
        if (signal instanceof HedgeDue due) {
            if (racing.size() == 1 && racing.get(0) == due.primary()) {
                CallPlan.Step step = plan.hedgeStep(due.primary().attempt);
                Lane hedge = step == null ? null : open(step);
                if (hedge != null) {
                    racing.add(hedge);
                    pump(hedge);
                }
            }
        } else if (signal instanceof Ready r && racing.contains(r.lane())) {
            Lane winner = r.lane();
            for (Lane other : racing) {
                if (other != winner) {
                    plan.abandoned(other.attempt, "hedge lost to " + winner.name());
                    release(other);
                }
            }
            racing.clear();
            cancelHedgeTimer(winner);
            synchronized (winner.held) {
                lane = winner;
                if (r.ended()) {
                    finishLane(winner);
                } else {
                    commit(winner);
                }
            }
        } else if (signal instanceof Failed f && racing.contains(f.lane())) {
            racing.remove(f.lane());
            cancelHedgeTimer(f.lane());
            preCommitFailure(f.lane(), f.failure());
        }
    }

    // ------------------------------------------------------------------ waits, deadline, cleanup

    /** Sleeps {@code wait} on the chain's sleeper; false when woken by close or the deadline. */
    private boolean sleep(Duration wait) {
        CompletableFuture<Void> delay = config.sleeper().delay(wait);
        waiting = delay;
        if (closed || deadlinePassed) {
            delay.cancel(true);
        }
        try {
            delay.get();
            return true;
        } catch (InterruptedException e) {
            fail(interrupted(config.id(), "to retry", e).attempts(plan.log()).build());
            return false;
        } catch (CancellationException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        } finally {
            waiting = null;
        }
    }

    private void onDeadline() {
        if (closed || completed != null || failed != null) {
            return;
        }
        deadlinePassed = true;
        plan.expire();
        CompletableFuture<?> delay = waiting;
        if (delay != null) {
            delay.cancel(true);
        }
        List<Lane> lanes;
        synchronized (open) {
            lanes = List.copyOf(open);
        }
        for (Lane l : lanes) {
            closeQuietly(l.stream); // the reading thread records the try as timed out
        }
        signals.add(new Wake());
    }

    private void stopTimers() {
        if (deadlineTimer != null) {
            deadlineTimer.cancel(false);
        }
        CompletableFuture<?> delay = waiting;
        if (delay != null) {
            delay.cancel(true);
        }
    }

    private List<Lane> takeOpenLanes() {
        synchronized (open) {
            List<Lane> lanes = List.copyOf(open);
            open.clear();
            return lanes;
        }
    }

    /** Closes a lane that is done with and forgets it. */
    private void release(Lane l) {
        synchronized (open) {
            open.remove(l);
        }
        closeLane(l);
    }

    private static void closeLane(Lane l) {
        cancelHedgeTimer(l);
        closeQuietly(l.stream);
    }

    private static void cancelHedgeTimer(Lane l) {
        CompletableFuture<?> timer = l.hedgeTimer;
        if (timer != null) {
            timer.cancel(true);
        }
    }

    private static void closeQuietly(ChatStream stream) {
        try {
            stream.close();
        } catch (RuntimeException ignored) {
            // Closing is best effort; the try is already accounted for.
        }
    }
}
