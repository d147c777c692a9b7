package dev.multillm.fallback.internal;

import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.LlmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One non-streaming call through a chain, without blocking a thread: each try is the route's
 * {@code chatAsync}; its completion decides the next step of the {@link CallPlan}. Waits run on
 * the chain's sleeper. With hedging, a second try may run beside the first; the first answer wins
 * and the other future is cancelled. This is how the chain's {@code chatAsync} runs, and its
 * {@code chat} when a route hedges; {@link BlockingChainCall} runs {@code chat} otherwise.
 *
 * <p>Cancelling the returned future cancels the tries in flight (which aborts their HTTP
 * exchanges) and gives their breaker permits back.
 *
 * <p>Thread-safety: thread-safe; completions of concurrent tries are serialized on an internal lock.
 */
public final class UnaryChainCall {
    private final ChainConfig config;
    private final CallPlan plan;
    private final CompletableFuture<ChatResponse> result = new CompletableFuture<>();

    // Guarded by this.
    private final List<Running> running = new ArrayList<>(2);
    private CompletableFuture<?> waiting;
    private boolean settled;
    private String endNote;
    private ScheduledFuture<?> deadlineTimer;

    private record Running(Try attempt, CompletableFuture<ChatResponse> future, CompletableFuture<?>[] hedgeTimer) {
    }

    private UnaryChainCall(ChainConfig config, ChatRequest request) {
        this.config = config;
        this.plan = new CallPlan(config, request, false);
    }

    /** Starts the call; the future completes with the answer or a classified {@link LlmException}. */
    public static CompletableFuture<ChatResponse> start(ChainConfig config, ChatRequest request) {
        UnaryChainCall call = new UnaryChainCall(config, request);
        call.result.whenComplete((answer, failure) -> call.onResultDone());
        Duration left = call.plan.deadline().remaining();
        if (left != null) {
            ScheduledFuture<?> timer = Timers.schedule(left, call::onDeadline);
            synchronized (call) {
                call.deadlineTimer = timer;
            }
        }
        call.proceed();
        return call.result;
    }

    /** Asks the plan for the next step until a try is running, a wait is pending, or the call is over. */
    private void proceed() {
        while (true) {
            synchronized (this) {
                if (settled) {
                    return;
                }
            }
            CallPlan.Step step = plan.next();
            if (step.isFailure()) {
                settle(null, step.failure());
                return;
            }
            if (!step.delay().isZero()) {
                CompletableFuture<Void> wait = config.sleeper().delay(step.delay());
                synchronized (this) {
                    if (settled) {
                        wait.cancel(true);
                        return;
                    }
                    waiting = wait;
                }
                wait.whenComplete((ignored, failure) -> {
                    synchronized (this) {
                        waiting = null;
                        if (settled) {
                            return;
                        }
                    }
                    if (failure != null) {
                        settle(null, Failures.classify(config.id(), failure));
                    } else if (!launch(step)) {
                        proceed();
                    }
                });
                return;
            }
            if (launch(step)) {
                return;
            }
        }
    }

    /** Starts the try {@code step} chose; false when the plan refused it after all. */
    private boolean launch(CallPlan.Step step) {
        Try attempt = plan.begin(step);
        if (attempt == null) {
            return false;
        }
        CompletableFuture<ChatResponse> future;
        try {
            future = attempt.route().caller().chatAsync(attempt.request());
            if (future == null) {
                throw new IllegalStateException("chatAsync returned null");
            }
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        Running run = new Running(attempt, future, new CompletableFuture<?>[1]);
        boolean abandon;
        synchronized (this) {
            abandon = settled;
            if (!abandon) {
                running.add(run);
            }
        }
        if (abandon) {
            plan.abandoned(attempt, "the call had already ended");
            future.cancel(true);
            return true;
        }
        future.whenComplete((answer, failure) -> onTryDone(run, answer, failure));
        Duration hedgeAfter = attempt.route().route().hedgeAfter();
        if (hedgeAfter != null && !attempt.hedge() && !future.isDone()) {
            CompletableFuture<Void> timer = config.sleeper().delay(hedgeAfter);
            run.hedgeTimer()[0] = timer;
            if (future.isDone()) {
                timer.cancel(true);
            }
            timer.thenRun(() -> hedge(run));
        }
        return true;
    }

    /** The hedge delay of {@code primary} passed: start the next eligible route beside it. */
    private void hedge(Running primary) {
        synchronized (this) {
            if (settled || running.size() != 1 || running.get(0) != primary) {
                return;
            }
        }
        CallPlan.Step step = plan.hedgeStep(primary.attempt());
        if (step != null) {
            launch(step);
        }
    }

    private void onTryDone(Running run, ChatResponse answer, Throwable failure) {
        cancelHedgeTimer(run);
        boolean answered = failure == null && answer != null;
        List<Running> others;
        synchronized (this) {
            running.remove(run);
            others = List.copyOf(running);
            if (settled) {
                plan.abandoned(run.attempt(), "the call had already ended");
                return;
            }
            if (answered) {
                settled = true;
            }
        }
        if (answered) {
            for (Running other : others) {
                plan.abandoned(other.attempt(), "hedge lost to " + run.attempt().route().name());
                other.future().cancel(true);
            }
        }
        CallPlan.Outcome outcome = plan.ended(run.attempt(), answer, failure);
        if (outcome.answer() != null) {
            complete(outcome.answer(), null);
        } else if (outcome.failure() != null) {
            settle(null, outcome.failure());
        } else if (!answered && others.isEmpty()) {
            proceed();
        }
        // Otherwise: an answer whose try was abandoned concurrently (the result is already
        // settled), or a failure whose hedge partner is still running (its outcome decides).
    }

    private void onDeadline() {
        List<Running> left;
        synchronized (this) {
            if (settled) {
                return;
            }
            settled = true;
            endNote = "the deadline passed";
            left = List.copyOf(running);
            running.clear();
        }
        LlmException failure = plan.deadlinePassed(left.stream().map(Running::attempt).toList());
        for (Running run : left) {
            cancelHedgeTimer(run);
            run.future().cancel(true);
        }
        complete(null, failure);
    }

    /** The caller cancelled the future, or the call completed: stop everything still running. */
    private void onResultDone() {
        List<Running> left;
        CompletableFuture<?> wait;
        ScheduledFuture<?> timer;
        String why;
        synchronized (this) {
            settled = true;
            left = List.copyOf(running);
            running.clear();
            wait = waiting;
            waiting = null;
            timer = deadlineTimer;
            why = result.isCancelled() ? "cancelled by the caller"
                    : endNote != null ? endNote : "the call had already ended";
        }
        if (timer != null) {
            timer.cancel(false);
        }
        if (wait != null) {
            wait.cancel(true);
        }
        for (Running run : left) {
            cancelHedgeTimer(run);
            plan.abandoned(run.attempt(), why);
            run.future().cancel(true);
        }
    }

    private void settle(ChatResponse answer, LlmException failure) {
        synchronized (this) {
            settled = true;
        }
        complete(answer, failure);
    }

    private void complete(ChatResponse answer, LlmException failure) {
        if (failure != null) {
            result.completeExceptionally(failure);
        } else {
            result.complete(answer);
        }
        onResultDone();
    }

    private static void cancelHedgeTimer(Running run) {
        CompletableFuture<?> timer = run.hedgeTimer()[0];
        if (timer != null) {
            timer.cancel(true);
        }
    }
}
