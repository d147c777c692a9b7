package dev.multillm.testkit;

import dev.multillm.core.Attempt;
import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.FinishReason;
import dev.multillm.core.LlmException;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.Sleeper;
import dev.multillm.core.TimeoutPhase;
import dev.multillm.core.Usage;
import dev.multillm.core.spi.Blocking;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory {@link ChatProvider} that answers from a script, for testing composites (fallback
 * chains, hedging, breakers) without HTTP.
 *
 * <p>Each accepted call ({@code chat}, {@code chatAsync} or {@code stream}) consumes the next
 * {@link Step} of the script, in order; when the script is used up the last step repeats (or,
 * with {@link Builder#failWhenExhausted()}, the call fails with an {@link IllegalStateException}).
 *
 * <pre>{@code
 * FakeChatProvider flaky = FakeChatProvider.builder().id("flaky")
 *         .failTimes(2, ErrorTaxonomy.OVERLOADED)
 *         .reply("hello")
 *         .build();
 * }</pre>
 *
 * <p>It behaves like a real provider where composites can tell the difference:
 * <ul>
 *   <li>a request that needs an undeclared capability fails with
 *       {@link ErrorTaxonomy#UNSUPPORTED_CAPABILITY} and is neither recorded nor counted;</li>
 *   <li>{@code chatAsync} never blocks the caller: delays are scheduled on the {@link Sleeper}
 *       (real time by default, instant with a {@link RecordingSleeper}); cancelling its future
 *       abandons the call and is counted in {@link #cancelledCalls()};</li>
 *   <li>a stream fails on its first {@code hasNext()} with the step's own category when nothing
 *       was delivered yet, and with a {@link dev.multillm.core.StreamInterruptedException} carrying
 *       the partial text once output reached the caller;</li>
 *   <li>{@code withRetryPolicy} returns this provider: it never retries;</li>
 *   <li>after {@link #close()} every call fails with an {@link IllegalStateException}, pending
 *       calls and open streams are aborted.</li>
 * </ul>
 *
 * <p>Thread-safety: thread-safe; concurrent calls consume steps in the order they arrive.
 */
public final class FakeChatProvider implements ChatProvider {

    /** The model reported when the request names none. */
    public static final String DEFAULT_MODEL = "fake-model";

    /** The usage reported on every scripted answer built from text or deltas. */
    public static final Usage DEFAULT_USAGE = Usage.of(10, 5);

    private final String id;
    private final String defaultModel;
    private final Capabilities capabilities;
    private final Sleeper sleeper;
    private final List<Step> script;
    private final boolean repeatLast;

    private final AtomicInteger cursor = new AtomicInteger();
    private final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger openStreams = new AtomicInteger();
    private final AtomicInteger cancelledCalls = new AtomicInteger();
    private final AtomicLong responseIds = new AtomicLong();
    private final CompletableFuture<Void> closedSignal = new CompletableFuture<>();
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private final Set<FakeChatStream> streams = ConcurrentHashMap.newKeySet();

    private FakeChatProvider(Builder b) {
        this.id = b.id;
        this.defaultModel = b.model;
        this.capabilities = b.capabilities;
        this.sleeper = b.sleeper;
        this.script = List.copyOf(b.script);
        this.repeatLast = b.repeatLast;
    }

    /** A new builder: id {@code fake}, every capability, an empty script (add at least one step). */
    public static Builder builder() {
        return new Builder();
    }

    /** A provider with id {@code fake} that always answers {@code content}. */
    public static FakeChatProvider replying(String content) {
        return builder().reply(content).build();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        return Blocking.await(chatAsync(request), id, FakeChatProvider::rethrown);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if this provider is closed (thrown, not put into the future)
     */
    @Override
    public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
        checkRequest(request);
        ensureOpen();
        LlmException refused = refusal(request, false);
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        Step step = accept(request);
        String model = modelOf(request);
        CompletableFuture<ChatResponse> result = new CompletableFuture<>();
        pending.add(result);
        CompletableFuture<Void> wait = step.delay.isZero()
                ? CompletableFuture.completedFuture(null)
                : sleeper.delay(step.delay);
        result.whenComplete((r, t) -> {
            pending.remove(result);
            if (result.isCancelled()) {
                cancelledCalls.incrementAndGet();
                wait.cancel(true);
            }
        });
        wait.whenComplete((ignored, waitFailure) -> {
            if (waitFailure != null) {
                result.completeExceptionally(cancelled("the scripted delay was abandoned", waitFailure));
                return;
            }
            try {
                switch (step.kind) {
                    case REPLY -> result.complete(responseFor(step, request, model));
                    case FAIL -> result.completeExceptionally(step.failure(id));
                    case STREAM -> {
                        if (step.stall) {
                            hangUntilTimeout(result, request);
                        } else if (step.failureCategory != null) {
                            result.completeExceptionally(step.failure(id));
                        } else {
                            result.complete(foldDeltas(step.deltas, request, model));
                        }
                    }
                    case HANG -> hangUntilTimeout(result, request);
                    default -> throw new IllegalStateException("unknown step " + step.kind);
                }
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        if (closedSignal.isDone()) {
            result.completeExceptionally(closedFailure());
        }
        return result;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if this provider is closed
     */
    @Override
    public ChatStream stream(ChatRequest request) {
        checkRequest(request);
        ensureOpen();
        LlmException refused = refusal(request, true);
        if (refused != null) {
            throw refused;
        }
        Step step = accept(request);
        openStreams.incrementAndGet();
        FakeChatStream stream = new FakeChatStream(this, step, request, modelOf(request));
        streams.add(stream);
        return stream;
    }

    /** Returns this provider: a fake never retries, whatever the policy. */
    @Override
    public ChatProvider withRetryPolicy(RetryPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** Closes the provider: later calls fail, pending calls and open streams are aborted. Idempotent. */
    @Override
    public void close() {
        if (closedSignal.complete(null)) {
            for (CompletableFuture<?> future : List.copyOf(pending)) {
                future.completeExceptionally(closedFailure());
            }
            for (FakeChatStream stream : List.copyOf(streams)) {
                stream.abort();
            }
        }
    }

    /** Every request accepted so far, in arrival order (refused ones are not recorded). */
    public List<ChatRequest> requests() {
        return List.copyOf(requests);
    }

    /** The number of accepted calls so far (the number of script steps consumed). */
    public int callCount() {
        return requests.size();
    }

    /** The streams returned by {@link #stream} that have not been closed yet. */
    public int openStreams() {
        return openStreams.get();
    }

    /** How many {@code chatAsync} futures were cancelled before they completed. */
    public int cancelledCalls() {
        return cancelledCalls.get();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closedSignal.isDone();
    }

    @Override
    public String toString() {
        return "FakeChatProvider[" + id + ", calls=" + callCount() + (isClosed() ? ", closed]" : "]");
    }

    // ---------------------------------------------------------------- internals used by the stream

    String defaultModelName() {
        return defaultModel;
    }

    Sleeper sleeper() {
        return sleeper;
    }

    CompletableFuture<Void> closedSignal() {
        return closedSignal;
    }

    String nextResponseId() {
        return id + "-" + responseIds.incrementAndGet();
    }

    void streamClosed(FakeChatStream stream) {
        if (streams.remove(stream)) {
            openStreams.decrementAndGet();
        }
    }

    LlmException cancelled(String why, Throwable cause) {
        return LlmException.builder(ErrorTaxonomy.CANCELLED).provider(id).message(why).cause(cause).build();
    }

    Attempt attempt(String model, ErrorTaxonomy error) {
        return new Attempt(id, model, error, error == null ? 200 : null, Duration.ZERO, null, null);
    }

    /** A failure of a call as {@link #chat} throws it: as it is, or wrapped when checked. */
    private static RuntimeException rethrown(Throwable failure) {
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(failure);
    }

    private static void checkRequest(ChatRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("request must not be null");
        }
    }

    private void ensureOpen() {
        if (closedSignal.isDone()) {
            throw closedFailure();
        }
    }

    private IllegalStateException closedFailure() {
        return new IllegalStateException("FakeChatProvider '" + id + "' is closed");
    }

    private LlmException refusal(ChatRequest request, boolean streamed) {
        String missing = capabilities.missingFor(request, streamed);
        if (missing == null) {
            return null;
        }
        return LlmException.builder(ErrorTaxonomy.UNSUPPORTED_CAPABILITY).provider(id)
                .message("provider '" + id + "' does not declare " + missing).build();
    }

    private Step accept(ChatRequest request) {
        requests.add(request);
        int index = cursor.getAndIncrement();
        if (index < script.size()) {
            return script.get(index);
        }
        if (!repeatLast) {
            throw new IllegalStateException("FakeChatProvider '" + id + "' has no scripted step for call "
                    + (index + 1) + " (the script has " + script.size() + ")");
        }
        return script.get(script.size() - 1);
    }

    private String modelOf(ChatRequest request) {
        return request.model() != null ? request.model() : defaultModel;
    }

    private ChatResponse responseFor(Step step, ChatRequest request, String model) {
        if (step.response != null) {
            return step.response;
        }
        return ChatResponse.builder().id(nextResponseId()).provider(id).model(model).content(step.content)
                .finishReason(FinishReason.STOP).usage(DEFAULT_USAGE).requestId("req-" + id)
                .attempts(List.of(attempt(model, null))).build();
    }

    private ChatResponse foldDeltas(List<String> deltas, ChatRequest request, String model) {
        return ChatResponse.builder().id(nextResponseId()).provider(id).model(model)
                .content(String.join("", deltas)).finishReason(FinishReason.STOP).usage(DEFAULT_USAGE)
                .requestId("req-" + id).attempts(List.of(attempt(model, null))).build();
    }

    private void hangUntilTimeout(CompletableFuture<ChatResponse> result, ChatRequest request) {
        Duration timeout = request.timeout();
        if (timeout != null) {
            CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS).execute(() ->
                    result.completeExceptionally(LlmException.builder(ErrorTaxonomy.TIMEOUT).provider(id)
                            .timeoutPhase(TimeoutPhase.TOTAL).message("the scripted call never answered").build()));
        }
    }

    /**
     * One scripted answer. Create steps with the static factories; {@link #delayedBy(Duration)}
     * adds a wait before the answer.
     *
     * <p>Thread-safety: immutable.
     */
    public static final class Step {
        enum Kind { REPLY, FAIL, STREAM, HANG }

        final Kind kind;
        final String content;
        final ChatResponse response;
        final ErrorTaxonomy failureCategory;
        final LlmException failure;
        final List<String> deltas;
        final boolean stall;
        final Duration delay;

        private Step(Kind kind, String content, ChatResponse response, ErrorTaxonomy failureCategory,
                     LlmException failure, List<String> deltas, boolean stall, Duration delay) {
            this.kind = kind;
            this.content = content;
            this.response = response;
            this.failureCategory = failureCategory;
            this.failure = failure;
            this.deltas = deltas;
            this.stall = stall;
            this.delay = delay;
        }

        /** Answers {@code content} (streamed as one delta), finish reason {@code STOP}. */
        public static Step reply(String content) {
            return new Step(Kind.REPLY, Objects.requireNonNull(content, "content"), null, null, null,
                    List.of(content), false, Duration.ZERO);
        }

        /** Answers exactly {@code response} (streamed as its text, tool calls and finish reason). */
        public static Step reply(ChatResponse response) {
            Objects.requireNonNull(response, "response");
            List<String> deltas = response.content() == null ? List.of() : List.of(response.content());
            return new Step(Kind.REPLY, response.content(), response, null, null, deltas, false, Duration.ZERO);
        }

        /** Fails with a fresh {@link LlmException} of {@code category} (a timeout reports {@code FIRST_TOKEN}). */
        public static Step fail(ErrorTaxonomy category) {
            return new Step(Kind.FAIL, null, null, Objects.requireNonNull(category, "category"), null, List.of(),
                    false, Duration.ZERO);
        }

        /** Fails with exactly {@code failure}. */
        public static Step fail(LlmException failure) {
            Objects.requireNonNull(failure, "failure");
            return new Step(Kind.FAIL, null, null, failure.category(), failure, List.of(), false, Duration.ZERO);
        }

        /** Streams {@code deltas} then finish reason {@code STOP}; {@code chat} answers their concatenation. */
        public static Step stream(List<String> deltas) {
            return new Step(Kind.STREAM, null, null, null, null, List.copyOf(deltas), false, Duration.ZERO);
        }

        /**
         * Streams {@code deltasBeforeFailure}, then fails with {@code category}: as a
         * {@link dev.multillm.core.StreamInterruptedException} carrying the partial text when any
         * delta was delivered, with {@code category} itself when none was. {@code chat} fails
         * with {@code category}.
         */
        public static Step streamThenFail(List<String> deltasBeforeFailure, ErrorTaxonomy category) {
            return new Step(Kind.STREAM, null, null, Objects.requireNonNull(category, "category"), null,
                    List.copyOf(deltasBeforeFailure), false, Duration.ZERO);
        }

        /**
         * Streams {@code deltas}, then blocks until the stream or the provider is closed;
         * {@code chat} never answers (until the request's own timeout, if it has one).
         */
        public static Step streamStallAfter(List<String> deltas) {
            return new Step(Kind.STREAM, null, null, null, null, List.copyOf(deltas), true, Duration.ZERO);
        }

        /** Never answers: blocks until cancelled, closed, or the request's own timeout ({@code TIMEOUT}, phase {@code TOTAL}). */
        public static Step hang() {
            return new Step(Kind.HANG, null, null, null, null, List.of(), false, Duration.ZERO);
        }

        /** This step, answering only after {@code delay} (waited on the provider's {@link Sleeper}). */
        public Step delayedBy(Duration delay) {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative, was " + delay);
            }
            return new Step(kind, content, response, failureCategory, failure, deltas, stall, delay);
        }

        LlmException failure(String provider) {
            if (failure != null) {
                return failure;
            }
            LlmException.Builder b = LlmException.builder(failureCategory).provider(provider)
                    .message("scripted " + failureCategory + " failure")
                    .attempts(List.of(new Attempt(provider, null, failureCategory, null, Duration.ZERO, null, null)));
            if (failureCategory == ErrorTaxonomy.TIMEOUT) {
                b.timeoutPhase(TimeoutPhase.FIRST_TOKEN);
            }
            return b.build();
        }

        @Override
        public String toString() {
            return "Step[" + kind + (failureCategory != null ? " " + failureCategory : "")
                    + (deltas.isEmpty() ? "" : " deltas=" + deltas.size()) + (stall ? " stall" : "")
                    + (delay.isZero() ? "" : " after " + delay) + "]";
        }
    }

    /**
     * Mutable builder for {@link FakeChatProvider}. The script methods append steps in call
     * order; {@link #delay(Duration)} applies to the next step appended.
     *
     * <p>Thread-safety: not thread-safe.
     */
    public static final class Builder {
        private String id = "fake";
        private String model = DEFAULT_MODEL;
        private Capabilities capabilities = Capabilities.ALL;
        private Sleeper sleeper = Sleeper.system();
        private final List<Step> script = new ArrayList<>();
        private boolean repeatLast = true;
        private Duration pendingDelay = Duration.ZERO;

        private Builder() {
        }

        /** The provider id (default {@code fake}). */
        public Builder id(String id) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("id must not be blank");
            }
            this.id = id;
            return this;
        }

        /** The model reported when a request names none (default {@code fake-model}). */
        public Builder model(String model) {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("model must not be blank");
            }
            this.model = model;
            return this;
        }

        /** The declared capabilities (default {@link Capabilities#ALL}). */
        public Builder capabilities(Capabilities capabilities) {
            this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
            return this;
        }

        /** Where delays are waited (default {@link Sleeper#system()}; a {@link RecordingSleeper} never waits). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Appends {@code step}. */
        public Builder then(Step step) {
            Objects.requireNonNull(step, "step");
            script.add(pendingDelay.isZero() ? step : step.delayedBy(pendingDelay));
            pendingDelay = Duration.ZERO;
            return this;
        }

        /** Delays the next step appended by {@code delay}. */
        public Builder delay(Duration delay) {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative, was " + delay);
            }
            this.pendingDelay = delay;
            return this;
        }

        /** Appends {@link Step#reply(String)}. */
        public Builder reply(String content) {
            return then(Step.reply(content));
        }

        /** Appends {@link Step#reply(ChatResponse)}. */
        public Builder reply(ChatResponse response) {
            return then(Step.reply(response));
        }

        /** Appends {@link Step#fail(ErrorTaxonomy)}. */
        public Builder fail(ErrorTaxonomy category) {
            return then(Step.fail(category));
        }

        /** Appends {@link Step#fail(LlmException)}. */
        public Builder fail(LlmException failure) {
            return then(Step.fail(failure));
        }

        /** Appends {@code times} failures of {@code category} (follow with the step that succeeds). */
        public Builder failTimes(int times, ErrorTaxonomy category) {
            if (times < 0) {
                throw new IllegalArgumentException("times must not be negative, was " + times);
            }
            for (int i = 0; i < times; i++) {
                fail(category);
            }
            return this;
        }

        /** Appends {@link Step#stream(List)}. */
        public Builder stream(List<String> deltas) {
            return then(Step.stream(deltas));
        }

        /** Appends {@link Step#streamThenFail(List, ErrorTaxonomy)}. */
        public Builder streamThenFail(List<String> deltasBeforeFailure, ErrorTaxonomy category) {
            return then(Step.streamThenFail(deltasBeforeFailure, category));
        }

        /** Appends {@link Step#streamStallAfter(List)}. */
        public Builder streamStallAfter(List<String> deltas) {
            return then(Step.streamStallAfter(deltas));
        }

        /** Appends {@link Step#streamStallAfter(List)} with {@code n} deltas {@code "d1 "}, {@code "d2 "}, .... */
        public Builder streamStallAfter(int n) {
            List<String> deltas = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                deltas.add("d" + i + " ");
            }
            return streamStallAfter(deltas);
        }

        /** Appends {@link Step#hang()}. */
        public Builder hang() {
            return then(Step.hang());
        }

        /** When the script is used up, fail with {@link IllegalStateException} instead of repeating the last step. */
        public Builder failWhenExhausted() {
            this.repeatLast = false;
            return this;
        }

        /** Builds the provider. */
        public FakeChatProvider build() {
            if (script.isEmpty()) {
                throw new IllegalStateException("the script is empty: add at least one step (e.g. reply(\"ok\"))");
            }
            if (!pendingDelay.isZero()) {
                throw new IllegalStateException("delay(" + pendingDelay + ") must be followed by a step");
            }
            return new FakeChatProvider(this);
        }
    }
}
