package dev.multillm.fallback.internal;

import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.TimeoutPhase;
import dev.multillm.core.spi.InterruptFence;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;

/**
 * One non-streaming call through a chain that does not hedge, run on the calling thread: each try
 * is the route's blocking {@code chat}, each wait between tries the chain's sleeper, awaited here;
 * every outcome is reported to the {@link CallPlan} as {@link UnaryChainCall} reports it. No
 * thread is started or borrowed for the call, where a provider's {@code chatAsync} (the JDK's
 * {@code sendAsync}) completes every exchange on a pool thread, on small machines a new thread per
 * request.
 *
 * <p>The call's deadline is kept by the chain's timer thread: when it passes while this thread is
 * inside a try or a wait, the thread is interrupted ({@link InterruptFence}), the try is given up
 * and the call fails with {@link ErrorTaxonomy#TIMEOUT} phase {@link TimeoutPhase#TOTAL}, as on the
 * asynchronous path, even when the route ignores the timeout it was sent with (it must still
 * respond to an interrupt). That interrupt never outlives the try. An interrupt from anyone else
 * aborts the try or the wait (the try's breaker permit is given back), keeps the thread's
 * interrupt status and ends the call with {@link ErrorTaxonomy#CANCELLED}.
 *
 * <p>Thread-safety: confined to the thread that calls {@link #run}, apart from the deadline timer,
 * which only touches the thread-safe plan and fence.
 */
public final class BlockingChainCall {
    private final ChainConfig config;
    private final CallPlan plan;
    private final InterruptFence fence = new InterruptFence();

    private BlockingChainCall(ChainConfig config, ChatRequest request) {
        this.config = config;
        this.plan = new CallPlan(config, request, false);
    }

    /**
     * Runs the call on the calling thread.
     *
     * @return the answer, carrying the attempt log
     * @throws LlmException the classified failure that ended the call, carrying the attempt log
     */
    public static ChatResponse run(ChainConfig config, ChatRequest request) {
        BlockingChainCall call = new BlockingChainCall(config, request);
        Duration left = call.plan.deadline().remaining();
        ScheduledFuture<?> deadlineTimer = left == null ? null : Timers.schedule(left, call::onDeadline);
        try {
            return call.proceed();
        } finally {
            if (deadlineTimer != null) {
                deadlineTimer.cancel(false);
            }
        }
    }

    /** Asks the plan for the next step, waits and tries, until a try answers or the call fails. */
    private ChatResponse proceed() {
        while (true) {
            CallPlan.Step step = plan.next();
            if (step.isFailure()) {
                throw step.failure();
            }
            if (!step.delay().isZero()) {
                await(step.delay());
            }
            if (Thread.currentThread().isInterrupted()) {
                throw cancelled(null); // interrupted between tries: send nothing more
            }
            Try attempt = plan.begin(step);
            if (attempt != null) {
                ChatResponse answer = send(attempt);
                if (answer != null) {
                    return answer;
                }
            }
        }
    }

    /** Sends {@code attempt} on this thread: its answer as the chain reports it, or null to go on. */
    private ChatResponse send(Try attempt) {
        if (!fence.enter()) {
            throw plan.deadlinePassed(List.of(attempt));
        }
        ChatResponse answer = null;
        Exception failure = null;
        try {
            answer = attempt.route().caller().chat(attempt.request());
        } catch (Exception e) { // a RuntimeException, or a checked exception thrown sneakily
            failure = e;
        } catch (Error e) {
            fence.exit();
            plan.abandoned(attempt, "the route threw " + e.getClass().getName());
            throw e;
        }
        if (fence.exit()) {
            throw plan.deadlinePassed(List.of(attempt));
        }
        boolean answered = failure == null && answer != null;
        if (!answered && Thread.currentThread().isInterrupted()) {
            plan.abandoned(attempt, "cancelled by the caller");
            throw cancelled(failure);
        }
        CallPlan.Outcome outcome = plan.ended(attempt, answer, failure);
        if (outcome.failure() != null) {
            throw outcome.failure();
        }
        return outcome.answer();
    }

    /** Waits {@code delay} on the chain's sleeper, on this thread. */
    private void await(Duration delay) {
        if (!fence.enter()) {
            throw plan.deadlinePassed(List.of());
        }
        CompletableFuture<Void> wait = null;
        Throwable failure = null;
        boolean interrupted = false;
        try {
            wait = config.sleeper().delay(delay);
            wait.get();
        } catch (InterruptedException e) {
            interrupted = true;
            failure = e;
        } catch (ExecutionException e) {
            failure = e.getCause();
        } catch (RuntimeException e) { // the wait was cancelled, or the sleeper is broken
            failure = e;
        }
        boolean deadlinePassed = fence.exit();
        if ((deadlinePassed || interrupted) && wait != null) {
            wait.cancel(true);
        }
        if (deadlinePassed) {
            throw plan.deadlinePassed(List.of());
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw cancelled(failure);
        }
        if (failure != null) {
            throw Failures.classify(config.id(), failure);
        }
    }

    /** The deadline timer fired (on the timer thread). */
    private void onDeadline() {
        plan.expire();
        fence.trip();
    }

    /** The failure of a call its caller interrupted; the thread's interrupt status is kept. */
    private LlmException cancelled(Throwable cause) {
        return LlmException.builder(ErrorTaxonomy.CANCELLED).provider(config.id()).message("interrupted")
                .attempts(plan.log()).cause(cause).build();
    }
}
