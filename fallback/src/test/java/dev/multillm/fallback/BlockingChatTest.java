package dev.multillm.fallback;

import static dev.multillm.fallback.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.multillm.core.Attempt;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.FinishReason;
import dev.multillm.core.LlmException;
import dev.multillm.core.LlmTimeoutException;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.TimeoutPhase;
import dev.multillm.core.Timeouts;
import dev.multillm.core.Usage;
import dev.multillm.core.event.ChatEvent;
import dev.multillm.core.openai.OpenAiCompatibleChatProvider;
import dev.multillm.core.spi.ForwardingChatProvider;
import dev.multillm.testkit.Await;
import dev.multillm.testkit.FakeChatProvider;
import dev.multillm.testkit.FakeUpstream;
import dev.multillm.testkit.OpenAiCompatibleFixture;
import dev.multillm.testkit.WireFixture.TextAnswer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code chat()} through a chain in which no route hedges runs every try on the caller's thread,
 * with the routes' blocking {@code chat}, and keeps the asynchronous path's semantics: deadline,
 * cancellation, breaker permits, attempt log and events.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BlockingChatTest {
    private final Fixtures fx = new Fixtures();

    @Nested
    class OnTheCallersThread {

        @Test
        void everyTryIsTheRoutesBlockingChatOnTheCallersThread() {
            RecordingRoute flaky = new RecordingRoute(FakeChatProvider.builder().id("flaky")
                    .fail(ErrorTaxonomy.SERVER_ERROR).reply("third try").build());
            RecordingRoute overloaded = new RecordingRoute(FakeChatProvider.builder().id("overloaded")
                    .fail(ErrorTaxonomy.OVERLOADED).build());
            FallbackChatProvider chain = fx.chain().retryPolicy(Fixtures.attempts(3))
                    .route(flaky).route(overloaded).build();

            ChatResponse response = chain.chat(request());

            assertThat(response.content()).isEqualTo("third try");
            assertThat(response.attempts()).extracting(Attempt::provider, Attempt::outcome).containsExactly(
                    Tuple.tuple("flaky", "SERVER_ERROR"), Tuple.tuple("overloaded", "OVERLOADED"),
                    Tuple.tuple("flaky", "OK"));
            assertThat(fx.sleeper.delays()).as("the wait before the retry").hasSize(1);
            assertThat(flaky.chatThreads).as("a first try and a retry after a wait, on the caller's thread")
                    .hasSize(2).containsOnly(Thread.currentThread());
            assertThat(overloaded.chatThreads).as("the failover, on the caller's thread")
                    .containsExactly(Thread.currentThread());
            assertThat(flaky.asyncCalls.get() + overloaded.asyncCalls.get()).as("chatAsync calls").isZero();
        }

        @Test
        void aChainOverARealHttpProviderStartsNoThreadPerCall() {
            OpenAiCompatibleFixture wire = new OpenAiCompatibleFixture();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            int calls = 40;
            try (FakeUpstream upstream = FakeUpstream.start()) {
                upstream.enqueue(wire.textReply(new TextAnswer("chatcmpl-1", "m", "hello", FinishReason.STOP,
                        Usage.of(1, 1), "req")));
                OpenAiCompatibleChatProvider http = OpenAiCompatibleChatProvider.builder().id("http")
                        .baseUrl(upstream.baseUrl()).retryPolicy(RetryPolicy.defaults())
                        .timeouts(Timeouts.defaults().withFirstToken(Duration.ofSeconds(5))).build();
                try (FallbackChatProvider chain = fx.chain().route(http).build()) {
                    for (int i = 0; i < 3; i++) {
                        chain.chat(request()); // the client's selector, the pooled connection, the timer
                    }
                    long before = threads.getTotalStartedThreadCount();
                    for (int i = 0; i < calls; i++) {
                        assertThat(chain.chat(request()).content()).isEqualTo("hello");
                    }
                    long started = threads.getTotalStartedThreadCount() - before;

                    assertThat(started).as("threads started during %d calls", calls).isLessThan(calls / 4);
                }
            }
        }

        @Test
        void aHedgingChainStillDrivesItsRoutesAsynchronously() {
            RecordingRoute primary = new RecordingRoute(FakeChatProvider.builder().id("primary").reply("hedged")
                    .build());
            FallbackChatProvider chain = fx.chain()
                    .route(Route.builder(primary).hedgeAfter(Duration.ofSeconds(1)).build())
                    .route(FakeChatProvider.builder().id("spare").reply("unused").build()).build();

            assertThat(chain.chat(request()).content()).isEqualTo("hedged");
            assertThat(primary.asyncCalls.get()).isEqualTo(1);
            assertThat(primary.chatThreads).isEmpty();
        }
    }

    @Nested
    class Deadline {

        @Test
        void aRouteThatIgnoresItsTimeoutIsCutOffAtTheDeadlineAndTheInterruptDoesNotLeak() {
            IgnoresItsTimeout hanging = new IgnoresItsTimeout();
            FallbackChatProvider chain = FallbackChatProvider.builder().route(hanging)
                    .totalTimeout(Duration.ofMillis(200)).build();

            LlmException failure = catchThrowableOfType(LlmException.class, () -> chain.chat(request()));
            boolean interruptLeaked = Thread.interrupted();

            assertThat(failure).isInstanceOf(LlmTimeoutException.class);
            assertThat(((LlmTimeoutException) failure).phase()).isEqualTo(TimeoutPhase.TOTAL);
            assertThat(failure.attempts()).singleElement().satisfies(a -> {
                assertThat(a.error()).isEqualTo(ErrorTaxonomy.CANCELLED);
                assertThat(a.note()).isEqualTo("the deadline passed");
            });
            assertThat(hanging.interrupted.get()).as("the try was interrupted").isEqualTo(1);
            assertThat(interruptLeaked).as("the calling thread's interrupt status afterwards").isFalse();
        }

        @Test
        void aDeadlinePassingWhileWaitingToRetryEndsTheCallAtOnce() {
            Fixtures.ManualSleeper never = new Fixtures.ManualSleeper();
            FakeChatProvider flaky = FakeChatProvider.builder().id("flaky")
                    .fail(Fixtures.failure(ErrorTaxonomy.SERVER_ERROR, Duration.ofMillis(100))).reply("late").build();
            FallbackChatProvider chain = FallbackChatProvider.builder().clock(fx.clock).sleeper(never)
                    .route(flaky).totalTimeout(Duration.ofMillis(200)).build();

            LlmException failure = catchThrowableOfType(LlmException.class, () -> chain.chat(request()));
            boolean interruptLeaked = Thread.interrupted();

            assertThat(failure).isInstanceOf(LlmTimeoutException.class);
            assertThat(((LlmTimeoutException) failure).phase()).isEqualTo(TimeoutPhase.TOTAL);
            assertThat(never.delays()).containsExactly(Duration.ofMillis(100));
            assertThat(flaky.callCount()).isEqualTo(1);
            assertThat(interruptLeaked).isFalse();
        }
    }

    @Nested
    class CallerInterrupt {
        private static final Duration OPEN_DELAY = Duration.ofSeconds(30);

        @Test
        void interruptingTheCallerAbortsTheProbeGivesItsPermitBackAndKeepsTheInterrupt() throws Exception {
            FakeChatProvider upstream = FakeChatProvider.builder().id("upstream")
                    .failTimes(2, ErrorTaxonomy.OVERLOADED).hang().reply("second probe").build();
            FallbackChatProvider chain = fx.chain().retryPolicy(RetryPolicy.none())
                    .route(Route.builder(upstream).breaker(BreakerSettings.defaults().withFailureThreshold(2)
                            .withOpenDelay(OPEN_DELAY)).build()).build();
            for (int i = 0; i < 2; i++) {
                catchThrowableOfType(LlmException.class, () -> chain.chat(request()));
            }
            fx.clock.advance(OPEN_DELAY);

            Caller probe = Caller.start(() -> chain.chat(request()));
            Await.until("the probe to reach the upstream", () -> upstream.callCount() == 3, Duration.ofSeconds(5));
            probe.thread.interrupt();
            probe.thread.join(TimeUnit.SECONDS.toMillis(5));

            assertThat(probe.failure).isNotNull();
            assertThat(probe.failure.category()).isEqualTo(ErrorTaxonomy.CANCELLED);
            assertThat(probe.interruptedAfter).as("the caller's interrupt status is kept").isTrue();
            assertThat(probe.failure.attempts()).last().satisfies(a -> {
                assertThat(a.error()).isEqualTo(ErrorTaxonomy.CANCELLED);
                assertThat(a.note()).isEqualTo("cancelled by the caller");
            });
            assertThat(upstream.cancelledCalls()).as("the try was aborted").isEqualTo(1);
            assertThat(chain.health().get(0).breaker()).as("a cancel says nothing about health")
                    .isEqualTo(BreakerState.HALF_OPEN);
            assertThat(chain.chat(request()).content()).as("the next probe is admitted").isEqualTo("second probe");
            assertThat(chain.health().get(0).breaker()).isEqualTo(BreakerState.CLOSED);
        }

        @Test
        void interruptingTheCallerWhileItWaitsToRetrySendsNothingMore() throws Exception {
            Fixtures.ManualSleeper manual = new Fixtures.ManualSleeper();
            FakeChatProvider flaky = FakeChatProvider.builder().id("flaky").fail(ErrorTaxonomy.SERVER_ERROR)
                    .reply("ok").build();
            FallbackChatProvider chain = FallbackChatProvider.builder().clock(fx.clock).sleeper(manual)
                    .random(() -> 0.5).route(flaky).build();

            Caller caller = Caller.start(() -> chain.chat(request()));
            Await.until("the wait before the retry", () -> manual.delays().size() == 1, Duration.ofSeconds(5));
            caller.thread.interrupt();
            caller.thread.join(TimeUnit.SECONDS.toMillis(5));
            manual.release();

            assertThat(caller.failure).isNotNull();
            assertThat(caller.failure.category()).isEqualTo(ErrorTaxonomy.CANCELLED);
            assertThat(caller.failure.attempts()).extracting(Attempt::outcome).containsExactly("SERVER_ERROR");
            assertThat(caller.interruptedAfter).isTrue();
            assertThat(flaky.callCount()).isEqualTo(1);
        }
    }

    @Nested
    class SameAsTheAsynchronousPath {
        private final Fixtures async = new Fixtures();

        @Test
        void theAttemptLogAndTheEventsAreThoseOfChatAsync() {
            Function<Fixtures, FallbackChatProvider> chain = f -> f.chain().retryPolicy(Fixtures.attempts(4))
                    .route(FakeChatProvider.builder().id("limited")
                            .fail(Fixtures.failure(ErrorTaxonomy.RATE_LIMITED, Duration.ofSeconds(5))).build())
                    .route(FakeChatProvider.builder().id("flaky").fail(ErrorTaxonomy.SERVER_ERROR).reply("ok")
                            .build())
                    .build();

            ChatResponse blocking = chain.apply(fx).chat(request());
            ChatResponse viaFuture = chain.apply(async).chatAsync(request()).join();

            assertThat(withoutLatency(blocking.attempts())).isEqualTo(withoutLatency(viaFuture.attempts()));
            assertThat(withoutLatency(fx.listener.events())).isEqualTo(withoutLatency(async.listener.events()));
            assertThat(fx.sleeper.delays()).isEqualTo(async.sleeper.delays());
        }

        @Test
        void aRouteThatThrowsFromChatIsClassifiedLikeAFailedFuture() {
            IllegalStateException bug = new IllegalStateException("a bug in the route");
            Function<Fixtures, FallbackChatProvider> chain = f -> f.chain()
                    .route(new BrokenRoute("buggy", bug))
                    .route(FakeChatProvider.builder().id("spare").reply("spare").build()).build();

            ChatResponse blocking = chain.apply(fx).chat(request());
            ChatResponse viaFuture = chain.apply(async).chatAsync(request()).join();

            assertThat(blocking.content()).isEqualTo("spare");
            assertThat(blocking.attempts()).extracting(Attempt::provider, Attempt::outcome).containsExactly(
                    Tuple.tuple("buggy", "UNKNOWN"), Tuple.tuple("spare", "OK"));
            assertThat(withoutLatency(blocking.attempts())).isEqualTo(withoutLatency(viaFuture.attempts()));
        }

        @Test
        void aRouteThatAnswersNothingFailsItsTryAsUnknownOnBothPaths() throws Exception {
            Function<Fixtures, FallbackChatProvider> chain = f -> f.chain().route(new BrokenRoute("empty", null))
                    .route(FakeChatProvider.builder().id("spare").reply("spare").build()).build();

            ChatResponse blocking = chain.apply(fx).chat(request());
            ChatResponse viaFuture = chain.apply(async).chatAsync(request()).get(5, TimeUnit.SECONDS);

            assertThat(blocking.attempts()).extracting(Attempt::provider, Attempt::outcome).containsExactly(
                    Tuple.tuple("empty", "UNKNOWN"), Tuple.tuple("spare", "OK"));
            assertThat(withoutLatency(blocking.attempts())).isEqualTo(withoutLatency(viaFuture.attempts()));
        }

        @Test
        void whenEveryRouteFailsTheErrorIsTheOneChatAsyncFailsWith() {
            Function<Fixtures, FallbackChatProvider> chain = f -> f.chain().retryPolicy(Fixtures.attempts(3))
                    .route(FakeChatProvider.builder().id("primary").fail(ErrorTaxonomy.OVERLOADED).build())
                    .route(FakeChatProvider.builder().id("secondary").fail(ErrorTaxonomy.AUTHENTICATION).build())
                    .build();

            LlmException blocking = catchThrowableOfType(LlmException.class, () -> chain.apply(fx).chat(request()));
            LlmException viaFuture = (LlmException) catchThrowableOfType(CompletionException.class,
                    () -> chain.apply(async).chatAsync(request()).join()).getCause();

            assertThat(blocking.category()).isEqualTo(ErrorTaxonomy.NO_PROVIDER_AVAILABLE);
            assertThat(blocking.getMessage()).isEqualTo(viaFuture.getMessage());
            assertThat(withoutLatency(blocking.attempts())).isEqualTo(withoutLatency(viaFuture.attempts()));
            assertThat(blocking.getSuppressed()).extracting(t -> ((LlmException) t).category())
                    .containsExactly(ErrorTaxonomy.OVERLOADED, ErrorTaxonomy.AUTHENTICATION);
        }

        private static List<Object> withoutLatency(List<?> items) {
            return items.stream().map(item -> {
                if (item instanceof Attempt a) {
                    return (Object) zeroed(a);
                }
                if (item instanceof ChatEvent.AttemptFinished f) {
                    return new ChatEvent.AttemptFinished(f.provider(), zeroed(f.result()));
                }
                return item;
            }).toList();
        }

        private static Attempt zeroed(Attempt a) {
            return new Attempt(a.provider(), a.model(), a.error(), a.status(), Duration.ZERO, a.retryDelay(),
                    a.note());
        }
    }

    /** A call run on a thread of its own, so the test can interrupt it. */
    private static final class Caller {
        final Thread thread;
        volatile LlmException failure;
        volatile boolean interruptedAfter;

        private Caller(Runnable call) {
            this.thread = new Thread(() -> {
                try {
                    call.run();
                } catch (LlmException e) {
                    failure = e;
                }
                interruptedAfter = Thread.currentThread().isInterrupted();
            }, "blocking-chat-test-caller");
        }

        static Caller start(Runnable call) {
            Caller caller = new Caller(call);
            caller.thread.start();
            return caller;
        }
    }

    /** A route that records the thread of every blocking call and counts asynchronous ones. */
    private static final class RecordingRoute extends ForwardingChatProvider {
        final List<Thread> chatThreads = new CopyOnWriteArrayList<>();
        final AtomicInteger asyncCalls = new AtomicInteger();

        RecordingRoute(FakeChatProvider script) {
            super(script);
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            chatThreads.add(Thread.currentThread());
            return super.chat(request);
        }

        @Override
        public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
            asyncCalls.incrementAndGet();
            return super.chatAsync(request);
        }

        @Override
        public ChatProvider withRetryPolicy(RetryPolicy policy) {
            return this;
        }
    }

    /**
     * A route whose blocking chat never answers, whatever timeout it is sent with; like every
     * blocking provider, it gives up when its thread is interrupted.
     */
    private static final class IgnoresItsTimeout extends ForwardingChatProvider {
        final AtomicInteger interrupted = new AtomicInteger();

        IgnoresItsTimeout() {
            super(FakeChatProvider.builder().id("hanging").reply("never").build());
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            try {
                new CountDownLatch(1).await();
                throw new AssertionError("a latch nobody counts down was released");
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                Thread.currentThread().interrupt();
                throw LlmException.builder(ErrorTaxonomy.CANCELLED).provider(id()).message("interrupted").cause(e)
                        .build();
            }
        }

        @Override
        public ChatProvider withRetryPolicy(RetryPolicy policy) {
            return this;
        }
    }

    /**
     * A route that breaks the provider contract the same way on both paths: its chat throws, and
     * its chatAsync fails with, {@code failure}; with none, it answers null.
     */
    private static final class BrokenRoute extends ForwardingChatProvider {
        private final RuntimeException failure;

        BrokenRoute(String id, RuntimeException failure) {
            super(FakeChatProvider.builder().id(id).reply("never").build());
            this.failure = failure;
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            if (failure != null) {
                throw failure;
            }
            return null;
        }

        @Override
        public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
            return failure != null ? CompletableFuture.failedFuture(failure) : CompletableFuture.completedFuture(null);
        }

        @Override
        public ChatProvider withRetryPolicy(RetryPolicy policy) {
            return this;
        }
    }
}
