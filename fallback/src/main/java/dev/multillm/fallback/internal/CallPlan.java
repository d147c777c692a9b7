package dev.multillm.fallback.internal;

import dev.multillm.core.Attempt;
import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.Deadline;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.LlmTimeoutException;
import dev.multillm.core.TimeoutPhase;
import dev.multillm.core.event.ChatEvent;
import dev.multillm.core.event.ChatListener;
import dev.multillm.fallback.internal.RouteBreaker.Permit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decisions of one call through a chain: which route to try next, whether to wait first, and
 * how the call ends. The drivers ({@link BlockingChainCall}, {@link UnaryChainCall},
 * {@link ChainStream}) do the I/O and report every outcome here; this class owns the attempt log,
 * the attempt budget, the deadline, breaker permits, cooldowns and the events that go with them.
 *
 * <p>The order of tries: <b>fail over first, retry later</b>. The first round walks the routes in
 * order and tries each eligible one once; a failure that may fail over moves on at once, without
 * waiting. Routes that are skipped (open breaker, cooldown, missing capability, too small a
 * context window) are logged with a {@code skipped: ...} note and cost nothing. When the first
 * round is over, later rounds go over the routes again in order, retrying those whose failure was
 * retryable (and those that were only cooling down), each after its wait: the server's
 * {@code retry-after} or cooldown when there is one, else the policy's backoff. A wait longer than
 * the time left, or than the policy's {@code maxServerDelay}, is never slept: the route is dropped
 * for this call. Every request sent, first tries, retries and hedges alike, is drawn from one
 * budget, {@link dev.multillm.core.RetryPolicy#maxAttempts()}.
 *
 * <p>Thread-safety: thread-safe (every method synchronizes on this plan); events are delivered on
 * the calling thread.
 */
public final class CallPlan {

    /** What to do next: try a route (after a wait), or end the call with a failure. */
    public record Step(Slot slot, Duration delay, boolean hedge, LlmException failure) {
        /** Whether the call is over. */
        public boolean isFailure() {
            return failure != null;
        }
    }

    /**
     * How a finished non-streamed try moves the call on: with the answer as the chain reports it,
     * with the failure that ends the call, or (both null) on to {@link #next()}. Both are null too
     * when the try had already been given up; the call has then ended already.
     *
     * <p>Thread-safety: immutable.
     */
    public record Outcome(ChatResponse answer, LlmException failure) {
        static final Outcome GO_ON = new Outcome(null, null);
    }

    /** One route as seen by this call. */
    static final class Slot {
        final RouteState route;
        final String model;
        private Capabilities capabilities;
        boolean tried;
        boolean excluded;
        boolean unavailable;
        LlmException lastFailure;
        Instant failedAt;
        ErrorTaxonomy skipCategory;
        String skipNote;

        Slot(RouteState route, String model) {
            this.route = route;
            this.model = model;
        }

        Capabilities capabilities() {
            if (capabilities == null) {
                Capabilities declared = route.caller().capabilities(model);
                capabilities = declared == null ? Capabilities.TEXT_ONLY : declared;
            }
            return capabilities;
        }

        String name() {
            return route.name();
        }
    }

    private final ChainConfig config;
    private final ChatRequest request;
    private final boolean streaming;
    private final Deadline deadline;
    private final int budget;
    private final List<Slot> slots;
    private final List<Attempt> log = new ArrayList<>();

    private int cursor;
    private int round = 1;
    private boolean triedThisRound;
    private int sends;
    private int retries;
    private boolean expired;
    private Slot pinned;
    private LlmException lastFailure;
    private Slot lastFailedSlot;
    private int pendingNote = -1;
    private String lastLeft;
    private ErrorTaxonomy lastLeftReason;
    private boolean contextFailed;
    private boolean contextUnknown;
    private int contextWindow;

    public CallPlan(ChainConfig config, ChatRequest request, boolean streaming) {
        this.config = config;
        this.request = request;
        this.streaming = streaming;
        Duration timeout = request.timeout() != null ? request.timeout() : config.totalTimeout();
        this.deadline = Deadline.after(config.clock(), timeout);
        this.budget = config.retryPolicy().maxAttempts();
        List<Slot> list = new ArrayList<>(config.routes().size());
        for (RouteState route : config.routes()) {
            list.add(new Slot(route, route.modelFor(request.model())));
        }
        this.slots = List.copyOf(list);
    }

    /** The call's deadline. */
    public Deadline deadline() {
        return deadline;
    }

    /** The attempt log so far. */
    public synchronized List<Attempt> log() {
        return List.copyOf(log);
    }

    /** Ends the call's time now (the drivers' own deadline timer fired). */
    public synchronized void expire() {
        expired = true;
    }

    private boolean isExpired() {
        return expired || deadline.isExpired();
    }

    // ------------------------------------------------------------------ choosing the next try

    /** The next thing to do. */
    public synchronized Step next() {
        while (true) {
            if (isExpired()) {
                return fail(finalFailure("the deadline passed"));
            }
            if (sends >= budget) {
                return fail(finalFailure("the attempt budget of " + budget + " was used"));
            }
            if (round == 1) {
                while (cursor < slots.size()) {
                    Slot slot = slots.get(cursor++);
                    if (slot.tried || slot.excluded || (pinned != null && slot != pinned) || skipped(slot)) {
                        continue;
                    }
                    return step(slot, Wait.NONE, false);
                }
                startRound();
                continue;
            }
            while (cursor < slots.size()) {
                Slot slot = slots.get(cursor++);
                if (slot.excluded || (pinned != null && slot != pinned)) {
                    continue;
                }
                boolean retryable = slot.tried && slot.lastFailure != null && slot.lastFailure.category().retryable();
                boolean waitingForIt = !slot.tried && slot.unavailable;
                if (!retryable && !waitingForIt) {
                    continue;
                }
                if (contextFailed && !contextAllows(slot)) {
                    exclude(slot, ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED, contextNote(slot));
                    continue;
                }
                if (!slot.route.breaker().allowsNow()) {
                    skip(slot, ErrorTaxonomy.NO_PROVIDER_AVAILABLE, "skipped: " + slot.route.breaker().refusal());
                    continue;
                }
                Wait wait = waitFor(slot);
                if (wait.refusal != null) {
                    refuseWait(slot, wait.refusal);
                    continue;
                }
                triedThisRound = true;
                return step(slot, wait, false);
            }
            if (!triedThisRound) {
                return fail(finalFailure(null));
            }
            startRound();
        }
    }

    /**
     * A route to start beside {@code primary}, now and without waiting, or null: the next route of
     * the first round that is eligible, while the budget and the deadline allow.
     */
    public synchronized Step hedgeStep(Try primary) {
        if (round != 1 || pinned != null || isExpired() || sends >= budget || primary.isFinished()) {
            return null;
        }
        while (cursor < slots.size()) {
            Slot slot = slots.get(cursor++);
            if (slot.tried || slot.excluded || skipped(slot)) {
                continue;
            }
            return new Step(slot, Duration.ZERO, true, null);
        }
        return null;
    }

    private void startRound() {
        round++;
        cursor = 0;
        triedThisRound = false;
    }

    private Step fail(LlmException failure) {
        return new Step(null, Duration.ZERO, false, failure);
    }

    private Step step(Slot slot, Wait wait, boolean hedge) {
        if (pendingNote >= 0) {
            StringBuilder note = new StringBuilder();
            if (slot != lastFailedSlot) {
                note.append("failover to ").append(slot.name());
            }
            if (wait.why != null && !wait.duration.isZero()) {
                note.append(note.length() == 0 ? "" : " after ").append(wait.why);
            } else if (slot == lastFailedSlot) {
                note.append("retry");
            }
            Attempt previous = log.get(pendingNote);
            log.set(pendingNote, previous.withRetry(wait.duration.isZero() ? null : wait.duration, note.toString()));
            pendingNote = -1;
        }
        if (slot.tried || !wait.duration.isZero()) {
            retries++;
            ErrorTaxonomy reason = slot.lastFailure != null ? slot.lastFailure.category()
                    : slot.skipCategory != null ? slot.skipCategory : ErrorTaxonomy.RATE_LIMITED;
            emit(new ChatEvent.RetryScheduled(slot.name(), slot.model, sends + 1, wait.duration, reason,
                    wait.serverDirected));
        }
        return new Step(slot, wait.duration, hedge, null);
    }

    /** Whether {@code slot} is to be skipped in the first round; logs why. */
    private boolean skipped(Slot slot) {
        Capabilities capabilities = slot.capabilities();
        String missing = capabilities.missingFor(request, streaming);
        if (missing != null) {
            exclude(slot, ErrorTaxonomy.UNSUPPORTED_CAPABILITY, "skipped: does not support " + missing);
            return true;
        }
        if (contextFailed && !contextAllows(slot)) {
            exclude(slot, ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED, contextNote(slot));
            return true;
        }
        Instant cooldown = slot.route.cooldownUntil();
        if (cooldown != null) {
            slot.unavailable = true;
            skip(slot, ErrorTaxonomy.RATE_LIMITED, "skipped: cooling down until " + cooldown);
            return true;
        }
        if (!slot.route.breaker().allowsNow()) {
            slot.unavailable = true;
            skip(slot, ErrorTaxonomy.NO_PROVIDER_AVAILABLE, "skipped: " + slot.route.breaker().refusal());
            return true;
        }
        return false;
    }

    private boolean contextAllows(Slot slot) {
        int window = slot.capabilities().maxContextTokens();
        if (window > 0 && !contextUnknown) {
            return window > contextWindow;
        }
        return config.unknownContextFailover() && !(window > 0 && window <= contextWindow);
    }

    private String contextNote(Slot slot) {
        int window = slot.capabilities().maxContextTokens();
        return "skipped: context window " + (window == 0 ? "unknown" : window + " tokens")
                + ", not known to be larger than the "
                + (contextUnknown ? "failed route's (unknown)" : contextWindow + " tokens that were exceeded");
    }

    private void exclude(Slot slot, ErrorTaxonomy category, String note) {
        slot.excluded = true;
        skip(slot, category, note);
    }

    /** Logs that {@code slot} was skipped, once per reason. */
    private void skip(Slot slot, ErrorTaxonomy category, String note) {
        if (note.equals(slot.skipNote)) {
            return;
        }
        slot.skipCategory = category;
        slot.skipNote = note;
        append(new Attempt(slot.name(), slot.model, category, null, Duration.ZERO, null, note));
        lastLeft = slot.name();
        lastLeftReason = category;
    }

    private void refuseWait(Slot slot, String why) {
        slot.excluded = true;
        if (slot.tried && slot.lastFailure != null) {
            int index = lastIndexOf(slot);
            if (index >= 0 && log.get(index).note() == null) {
                log.set(index, log.get(index).withRetry(null, "not retried: " + why));
                if (index == pendingNote) {
                    pendingNote = -1;
                }
                return;
            }
        }
        skip(slot, slot.skipCategory != null ? slot.skipCategory : ErrorTaxonomy.RATE_LIMITED, "skipped: " + why);
    }

    private int lastIndexOf(Slot slot) {
        for (int i = log.size() - 1; i >= 0; i--) {
            if (log.get(i).provider().equals(slot.name())) {
                return i;
            }
        }
        return -1;
    }

    /** How long to wait before retrying {@code slot}, and why. */
    private record Wait(Duration duration, String why, boolean serverDirected, String refusal) {
        static final Wait NONE = new Wait(Duration.ZERO, null, false, null);

        static Wait refused(String why) {
            return new Wait(Duration.ZERO, null, false, why);
        }
    }

    private Wait waitFor(Slot slot) {
        Instant now = config.clock().instant();
        Duration cooldown = Duration.ZERO;
        Instant until = slot.route.cooldownUntil();
        if (until != null && until.isAfter(now)) {
            cooldown = Duration.between(now, until);
        }
        Duration asked = slot.lastFailure == null ? null : slot.lastFailure.retryAfter();
        Duration wait;
        String why;
        boolean serverDirected;
        if (asked != null || !cooldown.isZero()) {
            Duration serverWait = Duration.ZERO;
            if (asked != null) {
                if (asked.compareTo(config.retryPolicy().maxServerDelay()) > 0) {
                    return Wait.refused("the server asked to wait " + asked.toMillis() + " ms, more than maxServerDelay");
                }
                Duration left = Duration.between(now, slot.failedAt.plus(asked));
                serverWait = left.isNegative() ? Duration.ZERO : left;
            }
            if (cooldown.compareTo(config.retryPolicy().maxServerDelay()) > 0) {
                return Wait.refused("cooling down for " + cooldown.toMillis() + " ms more, more than maxServerDelay");
            }
            wait = serverWait.compareTo(cooldown) >= 0 ? serverWait : cooldown;
            why = asked != null ? "retry-after" : "cooldown";
            serverDirected = true;
        } else if (slot.tried) {
            wait = config.retryPolicy().backoff(retries + 1, config.random());
            why = "backoff";
            serverDirected = false;
        } else {
            return Wait.NONE;
        }
        if (!deadline.allows(wait)) {
            return Wait.refused(serverDirected
                    ? "the server asked to wait " + wait.toMillis() + " ms, more than the time left"
                    : "backoff of " + wait.toMillis() + " ms is longer than the time left");
        }
        return new Wait(wait, why, serverDirected, null);
    }

    // ------------------------------------------------------------------ running a try

    /**
     * Starts the try {@code step} chose: takes a breaker permit and draws from the budget. Returns
     * null, having logged why, when the route cannot be tried now after all (its breaker refused,
     * the budget was used by a concurrent hedge, or the deadline passed while waiting); ask
     * {@link #next()} again.
     */
    public synchronized Try begin(Step step) {
        Slot slot = step.slot();
        if (isExpired() || sends >= budget) {
            return null;
        }
        Permit permit = slot.route.breaker().tryAcquire();
        if (permit == null) {
            slot.unavailable = true;
            if (round > 1) {
                slot.excluded = true; // refused twice: do not keep asking within this call
            }
            skip(slot, ErrorTaxonomy.NO_PROVIDER_AVAILABLE, "skipped: " + slot.route.breaker().refusal());
            return null;
        }
        sends++;
        slot.tried = true;
        if (!step.hedge() && lastLeft != null && !lastLeft.equals(slot.name())) {
            emit(new ChatEvent.Failover(lastLeft, slot.name(), lastLeftReason));
        }
        Duration left = deadline.remaining();
        ChatRequest sent = request.toBuilder().model(slot.model)
                .timeout(left == null || left.isZero() ? request.timeout() : left).build();
        emit(new ChatEvent.AttemptStarted(slot.name(), slot.model, sends, streaming));
        return new Try(slot, permit, sent, sends, step.hedge());
    }

    /**
     * Records that {@code attempt} answered: closes the breaker's account of it and returns the
     * answer as the chain reports it (served by the route, with the whole attempt log); null when
     * the try had already been abandoned.
     */
    public synchronized ChatResponse succeeded(Try attempt, ChatResponse answer) {
        if (!attempt.finish()) {
            return null;
        }
        attempt.permit.success();
        List<Attempt> entries = relabel(answer.attempts(), attempt, null, null, attempt.elapsed());
        entries.forEach(this::append);
        // The record's constructor, not toBuilder(): no copy of the choices and metadata.
        return new ChatResponse(answer.id(), attempt.slot.name(), answer.model(), answer.choices(), answer.usage(),
                answer.requestId(), answer.rateLimit(), List.copyOf(log), answer.metadata());
    }

    /**
     * Records that {@code attempt} failed before any output reached the caller.
     *
     * @return the failure that ends the call (not fallback-eligible, cancelled, ...), carrying the
     *         attempt log; null to go on with {@link #next()}
     */
    public synchronized LlmException failed(Try attempt, LlmException failure) {
        if (!attempt.finish()) {
            return null;
        }
        Slot slot = attempt.slot;
        ErrorTaxonomy category = failure.category();
        account(attempt, failure, category);
        List<Attempt> entries = relabel(failure.attempts(), attempt, category, failure.status(), attempt.elapsed());
        entries.forEach(this::append);
        int index = log.size() - 1;
        slot.lastFailure = failure;
        slot.failedAt = config.clock().instant();
        lastFailure = failure;
        lastFailedSlot = slot;
        lastLeft = slot.name();
        lastLeftReason = category;
        pendingNote = index;

        if (failure instanceof LlmTimeoutException timeout && timeout.phase() == TimeoutPhase.TOTAL) {
            // The try was sent with the call's remaining time as its timeout: the call's time is up.
            expired = true;
        }
        if (ServerHints.forbidsRetry(failure)) {
            slot.excluded = true;
        }
        if (category == ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED) {
            contextFailed = true;
            int window = slot.capabilities().maxContextTokens();
            if (window == 0) {
                contextUnknown = true;
            }
            contextWindow = Math.max(contextWindow, window);
        }
        boolean terminal = category == ErrorTaxonomy.CANCELLED || category == ErrorTaxonomy.STREAM_INTERRUPTED;
        // A nested chain that had nothing available is just another unavailable route here.
        boolean failover = !terminal && (config.failoverCategories().contains(category)
                || category == ErrorTaxonomy.NO_PROVIDER_AVAILABLE);
        if (!failover) {
            if (!terminal && category.retryable() && !slot.excluded && !expired) {
                pinned = slot; // retry this route only
                return null;
            }
            note(index, "not failed over: " + category + (terminal ? " ends the call" : " is not fallback-eligible"));
            pendingNote = -1;
            return reported(failure, slot);
        }
        if (!category.retryable()) {
            slot.excluded = true;
        }
        return null;
    }

    /**
     * Records how a non-streamed {@code attempt} ended, as its route's provider gave it: an answer,
     * or whatever it threw or failed its future with. A failure that is not an
     * {@link LlmException} is classified as {@link Failures#classify} does, under the route's name;
     * no answer and no failure is a failure too (the provider broke its contract).
     *
     * @param answer  the provider's answer, null when it failed
     * @param failure what the provider threw or failed with, null when it answered
     */
    public Outcome ended(Try attempt, ChatResponse answer, Throwable failure) {
        if (failure == null && answer != null) {
            ChatResponse reported = succeeded(attempt, answer);
            return reported == null ? Outcome.GO_ON : new Outcome(reported, null);
        }
        Throwable cause = failure != null ? failure
                : new IllegalStateException("route " + attempt.route().name() + " returned no answer");
        LlmException terminal = failed(attempt, Failures.classify(attempt.route().name(), cause));
        return terminal == null ? Outcome.GO_ON : new Outcome(null, terminal);
    }

    /**
     * Records that {@code attempt} failed after output reached the caller: nothing is re-sent.
     *
     * @param cause the category of what went wrong underneath (it decides the breaker's count)
     * @return the attempt log, ending with this try as {@link ErrorTaxonomy#STREAM_INTERRUPTED}
     */
    public synchronized List<Attempt> interrupted(Try attempt, LlmException failure, ErrorTaxonomy cause) {
        if (attempt.finish()) {
            account(attempt, failure, cause);
            List<Attempt> inner = failure.attempts();
            if (inner.isEmpty() && failure instanceof dev.multillm.core.StreamInterruptedException sie
                    && sie.partialResponse() != null) {
                inner = sie.partialResponse().attempts();
            }
            List<Attempt> entries = relabel(inner, attempt, ErrorTaxonomy.STREAM_INTERRUPTED, failure.status(),
                    attempt.elapsed());
            Attempt last = entries.remove(entries.size() - 1);
            entries.add(last.withRetry(null, cause + " after output; nothing re-sent"));
            entries.forEach(this::append);
        }
        return List.copyOf(log);
    }

    /**
     * Records that {@code attempt} was given up (the caller cancelled or closed, the hedge partner
     * won, the deadline passed): its permit is given back without counting for or against the
     * route.
     */
    public synchronized void abandoned(Try attempt, String note) {
        if (!attempt.finish()) {
            return;
        }
        attempt.permit.release();
        append(new Attempt(attempt.slot.name(), attempt.slot.model, ErrorTaxonomy.CANCELLED, null,
                attempt.elapsed(), null, note));
    }

    /** Breaker and cooldown bookkeeping for a failed try. */
    private void account(Try attempt, LlmException failure, ErrorTaxonomy category) {
        if (category.healthFailure()) {
            attempt.permit.failure();
        } else {
            attempt.permit.release();
        }
        if (category == ErrorTaxonomy.RATE_LIMITED
                || (category == ErrorTaxonomy.QUOTA_EXHAUSTED && failure.retryAfter() != null)) {
            Duration cooldown = failure.retryAfter() != null ? failure.retryAfter()
                    : attempt.slot.route.route().rateLimitCooldown();
            attempt.slot.route.startCooldown(cooldown, attempt.slot.model);
        }
    }

    /**
     * The inner provider's own attempt log of one try, re-labelled with the route name (an inner
     * provider reports its own id). The chain's notes replace the inner provider's last one.
     */
    private static List<Attempt> relabel(List<Attempt> inner, Try attempt, ErrorTaxonomy error, Integer status,
                                         Duration latency) {
        String name = attempt.slot.name();
        List<Attempt> out = new ArrayList<>(Math.max(1, inner.size()));
        if (inner.isEmpty()) {
            out.add(new Attempt(name, attempt.slot.model, error, status, latency, null, null));
            return out;
        }
        for (int i = 0; i < inner.size(); i++) {
            Attempt a = inner.get(i);
            boolean last = i == inner.size() - 1;
            String model = a.model() != null ? a.model() : attempt.slot.model;
            if (last) {
                out.add(new Attempt(name, model, error, status != null ? status : a.status(),
                        inner.size() == 1 ? latency : a.latency(), null, null));
            } else {
                out.add(new Attempt(name, model, a.error(), a.status(), a.latency(), a.retryDelay(), a.note()));
            }
        }
        return out;
    }

    private void note(int index, String note) {
        if (index >= 0 && index < log.size()) {
            log.set(index, log.get(index).withRetry(log.get(index).retryDelay(), note));
        }
    }

    private void append(Attempt attempt) {
        log.add(attempt);
        emit(new ChatEvent.AttemptFinished(attempt.provider(), attempt));
    }

    private void emit(ChatEvent event) {
        ChatListener.safely(config.listener(), event);
    }

    // ------------------------------------------------------------------ how a call fails

    /** The failure for a deadline that passed while a try was running (the drivers' own timer). */
    public synchronized LlmException deadlineFailure() {
        expired = true;
        return finalFailure("the deadline passed");
    }

    /**
     * The drivers' own deadline timer fired while {@code inFlight} were still running: each is
     * given up (its permit given back, logged as cancelled because the deadline passed), and the
     * call ends with {@link #deadlineFailure()}.
     */
    public synchronized LlmException deadlinePassed(Collection<Try> inFlight) {
        for (Try attempt : inFlight) {
            abandoned(attempt, "the deadline passed");
        }
        return deadlineFailure();
    }

    private LlmException finalFailure(String why) {
        List<Attempt> attempts = List.copyOf(log);
        boolean timedOut = isExpired();
        if (lastFailure != null && !config.failoverCategories().contains(lastFailure.category())
                && lastFailure.category() != ErrorTaxonomy.NO_PROVIDER_AVAILABLE) {
            // The call was held on one route by a failure that does not fail over: report that failure.
            return reported(lastFailure, lastFailedSlot);
        }
        if (slots.size() == 1) {
            Slot only = slots.get(0);
            if (lastFailure != null && (!timedOut || lastFailure.category() == ErrorTaxonomy.TIMEOUT)) {
                return reported(lastFailure, lastFailedSlot);
            }
            if (timedOut) {
                LlmException timeout = timeout(attempts, lastFailure == null
                        ? "the deadline passed before " + only.name() + " could answer"
                        : "the deadline passed while retrying " + only.name() + " after " + lastFailure.category());
                if (lastFailure != null) {
                    timeout.addSuppressed(lastFailure);
                }
                return timeout;
            }
            if (only.skipCategory == ErrorTaxonomy.UNSUPPORTED_CAPABILITY) {
                return LlmException.builder(ErrorTaxonomy.UNSUPPORTED_CAPABILITY).provider(only.name())
                        .message(only.name() + " " + only.skipNote.substring("skipped: ".length()))
                        .attempts(attempts).build();
            }
            Instant cooldown = only.route.cooldownUntil();
            if (cooldown != null) {
                return LlmException.builder(ErrorTaxonomy.RATE_LIMITED).provider(only.name())
                        .retryAfter(Duration.between(config.clock().instant(), cooldown))
                        .message("route " + only.name() + " is cooling down after a rate limit until " + cooldown)
                        .attempts(attempts).build();
            }
        }
        boolean sentNothing = slots.stream().noneMatch(s -> s.tried);
        if (sentNothing && !timedOut
                && slots.stream().allMatch(s -> s.skipCategory == ErrorTaxonomy.UNSUPPORTED_CAPABILITY)) {
            return LlmException.builder(ErrorTaxonomy.UNSUPPORTED_CAPABILITY).provider(config.id())
                    .message("no route supports this request: " + summary()).attempts(attempts).build();
        }
        StringBuilder message = new StringBuilder("no route could answer");
        if (why != null) {
            message.append(" (").append(why).append(')');
        }
        message.append(": ").append(summary());
        LlmException failure;
        if (timedOut) {
            failure = timeout(attempts, message.toString());
        } else {
            failure = LlmException.builder(ErrorTaxonomy.NO_PROVIDER_AVAILABLE).provider(config.id())
                    .retryAfter(earliestAvailability()).message(message.toString()).attempts(attempts).build();
        }
        Map<LlmException, Boolean> seen = new IdentityHashMap<>();
        for (Slot slot : slots) {
            if (slot.lastFailure != null && seen.put(slot.lastFailure, Boolean.TRUE) == null) {
                failure.addSuppressed(slot.lastFailure);
            }
        }
        return failure;
    }

    /**
     * A route's own failure as the chain reports it: named after the route (a route's provider
     * reports its own id) and carrying the whole attempt log; stack trace and suppressed
     * exceptions are kept.
     */
    private LlmException reported(LlmException failure, Slot slot) {
        LlmException copy = failure.toBuilder().provider(slot.name()).attempts(List.copyOf(log)).build();
        copy.setStackTrace(failure.getStackTrace());
        for (Throwable suppressed : failure.getSuppressed()) {
            copy.addSuppressed(suppressed);
        }
        return copy;
    }

    private LlmException timeout(List<Attempt> attempts, String message) {
        String provider = slots.size() == 1 ? slots.get(0).name() : config.id();
        return LlmException.builder(ErrorTaxonomy.TIMEOUT).provider(provider).timeoutPhase(TimeoutPhase.TOTAL)
                .message(message).attempts(attempts).build();
    }

    /** {@code route → outcome} for every route, in order. */
    private String summary() {
        StringBuilder text = new StringBuilder();
        for (Slot slot : slots) {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(slot.name()).append(" → ");
            if (slot.lastFailure != null) {
                text.append(slot.lastFailure.category());
            } else if (slot.skipNote != null) {
                text.append(slot.skipNote);
            } else if (slot.tried) {
                text.append("cancelled");
            } else {
                text.append("not tried");
            }
        }
        return text.toString();
    }

    /** When the first unavailable route (cooldown or open breaker) is expected back; null if unknown. */
    private Duration earliestAvailability() {
        Instant now = config.clock().instant();
        Instant earliest = null;
        for (Slot slot : slots) {
            if (slot.excluded && !slot.unavailable) {
                continue;
            }
            Instant back = slot.route.cooldownUntil();
            Instant open = slot.route.breaker().openUntil();
            if (open != null && (back == null || open.isAfter(back))) {
                back = open;
            }
            if (back != null && back.isAfter(now) && (earliest == null || back.isBefore(earliest))) {
                earliest = back;
            }
        }
        return earliest == null ? null : Duration.between(now, earliest);
    }
}
