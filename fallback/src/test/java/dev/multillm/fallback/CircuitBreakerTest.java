package dev.multillm.fallback;

import static dev.multillm.fallback.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.event.ChatEvent;
import dev.multillm.testkit.FakeChatProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private static final Duration OPEN_DELAY = Duration.ofSeconds(30);

    private final Fixtures fx = new Fixtures();

    private FallbackChatProvider oneRoute(FakeChatProvider provider, BreakerSettings breaker) {
        return fx.chain().retryPolicy(RetryPolicy.none())
                .route(Route.builder(provider).breaker(breaker).rateLimitCooldown(Duration.ZERO).build()).build();
    }

    private static BreakerSettings threshold(int failures) {
        return BreakerSettings.defaults().withFailureThreshold(failures).withOpenDelay(OPEN_DELAY);
    }

    private static void callIgnoringFailure(FallbackChatProvider chain) {
        try {
            chain.chat(request());
        } catch (LlmException expected) {
            // counted at the fake
        }
    }

    private void tripOpen(FallbackChatProvider chain, int failures) {
        for (int i = 0; i < failures; i++) {
            callIgnoringFailure(chain);
        }
        assertThat(chain.health().get(0).breaker()).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void aBurstOfRateLimitsNeverOpensTheBreaker() {
        FakeChatProvider limited = FakeChatProvider.builder().id("limited").fail(ErrorTaxonomy.RATE_LIMITED).build();
        FallbackChatProvider chain = oneRoute(limited, threshold(3));

        for (int i = 0; i < 20; i++) {
            callIgnoringFailure(chain);
        }

        assertThat(limited.callCount()).isEqualTo(20);
        assertThat(chain.health().get(0).breaker()).isEqualTo(BreakerState.CLOSED);
        assertThat(fx.listener.events(ChatEvent.BreakerStateChanged.class)).isEmpty();
    }

    @Test
    void aBurstOfOverloadsOpensTheBreakerAndTheOpenRouteIsNoLongerCalled() {
        FakeChatProvider overloaded = FakeChatProvider.builder().id("overloaded").fail(ErrorTaxonomy.OVERLOADED)
                .build();
        FallbackChatProvider chain = oneRoute(overloaded, threshold(3));

        for (int i = 0; i < 20; i++) {
            callIgnoringFailure(chain);
        }

        assertThat(overloaded.callCount()).isEqualTo(3);
        assertThat(chain.health().get(0).breaker()).isEqualTo(BreakerState.OPEN);
        assertThat(chain.health().get(0).openUntil()).isEqualTo(fx.clock.instant().plus(OPEN_DELAY));
        assertThat(fx.listener.events(ChatEvent.BreakerStateChanged.class)).singleElement()
                .satisfies(e -> {
                    assertThat(e.provider()).isEqualTo("overloaded");
                    assertThat(e.from()).isEqualTo("CLOSED");
                    assertThat(e.to()).isEqualTo("OPEN");
                });
    }

    @Test
    void onlyHealthFailuresCountTowardOpening() {
        FakeChatProvider mixed = FakeChatProvider.builder().id("mixed").fail(ErrorTaxonomy.SERVER_ERROR)
                .fail(ErrorTaxonomy.INVALID_REQUEST).fail(ErrorTaxonomy.SERVER_ERROR).fail(ErrorTaxonomy.AUTHENTICATION)
                .fail(ErrorTaxonomy.TIMEOUT).fail(ErrorTaxonomy.CONNECTION).reply("ok").build();
        FallbackChatProvider chain = oneRoute(mixed, BreakerSettings.defaults().withFailureRatio(4, 6));

        for (int i = 0; i < 5; i++) {
            callIgnoringFailure(chain);
        }
        assertThat(chain.health().get(0).breaker()).as("3 health failures so far").isEqualTo(BreakerState.CLOSED);
        callIgnoringFailure(chain);
        assertThat(chain.health().get(0).breaker()).as("the 4th health failure").isEqualTo(BreakerState.OPEN);
    }

    @Test
    void anOpenRouteIsSkippedWithANoteAndTheNextRouteAnswers() {
        FakeChatProvider primary = FakeChatProvider.builder().id("primary").fail(ErrorTaxonomy.SERVER_ERROR).build();
        FakeChatProvider secondary = FakeChatProvider.builder().id("secondary").reply("spare").build();
        FallbackChatProvider chain = fx.chain()
                .route(Route.builder(primary).breaker(threshold(2)).build()).route(secondary).build();
        chain.chat(request());
        chain.chat(request());
        assertThat(chain.health().get(0).breaker()).isEqualTo(BreakerState.OPEN);

        ChatResponse response = chain.chat(request());

        assertThat(primary.callCount()).isEqualTo(2);
        assertThat(response.provider()).isEqualTo("secondary");
        assertThat(response.attempts().get(0)).satisfies(a -> {
            assertThat(a.provider()).isEqualTo("primary");
            assertThat(a.error()).isEqualTo(ErrorTaxonomy.NO_PROVIDER_AVAILABLE);
            assertThat(a.note()).isEqualTo("skipped: circuit breaker open");
            assertThat(a.status()).isNull();
        });
        assertThat(fx.listener.events(ChatEvent.Failover.class)).last()
                .isEqualTo(new ChatEvent.Failover("primary", "secondary", ErrorTaxonomy.NO_PROVIDER_AVAILABLE));
    }

    @Test
    void afterItsOpenDelayOnTheChainsClockTheBreakerHalfOpensAndASuccessfulProbeClosesIt() {
        FakeChatProvider flaky = FakeChatProvider.builder().id("flaky").failTimes(2, ErrorTaxonomy.SERVER_ERROR)
                .reply("healed").build();
        FallbackChatProvider chain = oneRoute(flaky, threshold(2));
        tripOpen(chain, 2);

        LlmException whileOpen = catchThrowableOfType(LlmException.class, () -> chain.chat(request()));
        assertThat(whileOpen.category()).isEqualTo(ErrorTaxonomy.NO_PROVIDER_AVAILABLE);
        assertThat(whileOpen.retryAfter()).isEqualTo(OPEN_DELAY);
        fx.clock.advance(OPEN_DELAY);

        assertThat(chain.chat(request()).content()).isEqualTo("healed");
        assertThat(chain.health().get(0).breaker()).isEqualTo(BreakerState.CLOSED);
        assertThat(fx.listener.events(ChatEvent.BreakerStateChanged.class))
                .extracting(ChatEvent.BreakerStateChanged::to).containsExactly("OPEN", "HALF_OPEN", "CLOSED");
    }

    @Test
    void aFailedProbeOpensTheBreakerAgain() {
        FakeChatProvider broken = FakeChatProvider.builder().id("broken").fail(ErrorTaxonomy.SERVER_ERROR).build();
        FallbackChatProvider chain = oneRoute(broken, threshold(2));
        tripOpen(chain, 2);
        fx.clock.advance(OPEN_DELAY);

        callIgnoringFailure(chain);

        assertThat(broken.callCount()).isEqualTo(3);
        assertThat(chain.health().get(0).breaker()).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void aHundredConcurrentCallersInHalfOpenLetExactlyTheConfiguredProbesThrough() throws Exception {
        int probes = 3;
        Fixtures.ManualSleeper gate = new Fixtures.ManualSleeper();
        FakeChatProvider upstream = FakeChatProvider.builder().id("upstream").sleeper(gate)
                .failTimes(2, ErrorTaxonomy.OVERLOADED)
                .delay(Duration.ofSeconds(1)).reply("probe ok").build();
        FallbackChatProvider chain = oneRoute(upstream, threshold(2).withHalfOpen(probes, probes));
        tripOpen(chain, 2);
        fx.clock.advance(OPEN_DELAY);

        int callers = 100;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<CompletableFuture<ChatResponse>>> submitted = new ArrayList<>();
        try {
            for (int i = 0; i < callers; i++) {
                submitted.add(pool.submit(() -> {
                    start.await();
                    return chain.chatAsync(request());
                }));
            }
            start.countDown();
            List<CompletableFuture<ChatResponse>> calls = new ArrayList<>();
            for (Future<CompletableFuture<ChatResponse>> f : submitted) {
                calls.add(f.get(10, TimeUnit.SECONDS));
            }

            assertThat(upstream.callCount() - 2).as("probes that reached the upstream").isEqualTo(probes);
            long refused = calls.stream().filter(CompletableFuture::isCompletedExceptionally).count();
            assertThat(refused).isEqualTo(callers - probes);
            assertThat(chain.health().get(0).breaker()).isEqualTo(BreakerState.HALF_OPEN);

            gate.release();
            CompletableFuture.allOf(calls.stream().map(c -> c.handle((r, t) -> r))
                    .toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(calls.stream().filter(c -> !c.isCompletedExceptionally()).count()).isEqualTo(probes);
            assertThat(chain.health().get(0).breaker()).isEqualTo(BreakerState.CLOSED);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCancelledProbeGivesItsPermitBack() {
        FakeChatProvider upstream = FakeChatProvider.builder().id("upstream").failTimes(2, ErrorTaxonomy.OVERLOADED)
                .hang().reply("second probe").build();
        FallbackChatProvider chain = oneRoute(upstream, threshold(2));
        tripOpen(chain, 2);
        fx.clock.advance(OPEN_DELAY);

        CompletableFuture<ChatResponse> probe = chain.chatAsync(request());
        LlmException refused = catchThrowableOfType(LlmException.class, () -> chain.chat(request()));
        assertThat(refused.category()).as("the only probe permit is taken").isEqualTo(ErrorTaxonomy.NO_PROVIDER_AVAILABLE);
        assertThat(refused.attempts()).singleElement().satisfies(a -> assertThat(a.note())
                .isEqualTo("skipped: circuit breaker half-open, all 1 probe permit(s) in use"));

        probe.cancel(true);

        assertThat(upstream.cancelledCalls()).isEqualTo(1);
        assertThat(chain.health().get(0).breaker()).as("a cancel says nothing about health")
                .isEqualTo(BreakerState.HALF_OPEN);
        assertThat(chain.chat(request()).content()).isEqualTo("second probe");
        assertThat(chain.health().get(0).breaker()).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void aNonHealthFailureOfAProbeGivesItsPermitBackWithoutCountingEitherWay() {
        FakeChatProvider upstream = FakeChatProvider.builder().id("upstream").failTimes(2, ErrorTaxonomy.OVERLOADED)
                .fail(ErrorTaxonomy.INVALID_REQUEST).reply("ok").build();
        FallbackChatProvider chain = oneRoute(upstream, threshold(2));
        tripOpen(chain, 2);
        fx.clock.advance(OPEN_DELAY);

        assertThat(catchThrowableOfType(LlmException.class, () -> chain.chat(request())).category())
                .isEqualTo(ErrorTaxonomy.INVALID_REQUEST);
        assertThat(chain.health().get(0).breaker()).isEqualTo(BreakerState.HALF_OPEN);
        assertThat(chain.chat(request()).content()).isEqualTo("ok");
        assertThat(chain.health().get(0).breaker()).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void aStreamCountsAsASuccessOnlyWhenItCompletesAndClosingItEarlyGivesThePermitBack() {
        FakeChatProvider upstream = FakeChatProvider.builder().id("upstream").failTimes(2, ErrorTaxonomy.OVERLOADED)
                .streamStallAfter(List.of("partial ")).stream(List.of("whole")).build();
        FallbackChatProvider chain = oneRoute(upstream, threshold(2));
        tripOpen(chain, 2);
        fx.clock.advance(OPEN_DELAY);

        ChatStream probe = chain.stream(request());
        Iterator<ChatChunk> chunks = probe.iterator();
        assertThat(chunks.next().content()).isEqualTo("partial ");
        assertThat(chain.health().get(0).breaker()).as("headers and output are not a success")
                .isEqualTo(BreakerState.HALF_OPEN);
        LlmException refused = catchThrowableOfType(LlmException.class, () -> chain.chat(request()));
        assertThat(refused.category()).isEqualTo(ErrorTaxonomy.NO_PROVIDER_AVAILABLE);

        probe.close();
        assertThat(upstream.openStreams()).isZero();
        assertThat(chain.health().get(0).breaker()).isEqualTo(BreakerState.HALF_OPEN);

        try (ChatStream second = chain.stream(request())) {
            assertThat(second.response().content()).isEqualTo("whole");
        }
        assertThat(chain.health().get(0).breaker()).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void eachRouteHasItsOwnBreakerEvenOnTheSameProvider() {
        FakeChatProvider shared = FakeChatProvider.builder().id("shared").fail(ErrorTaxonomy.SERVER_ERROR).build();
        FallbackChatProvider chain = fx.chain().retryPolicy(Fixtures.attempts(2))
                .route(Route.builder(shared).model("big").breaker(threshold(1)).build())
                .route(Route.builder(shared).model("small").breaker(threshold(5)).build()).build();

        callIgnoringFailure(chain);

        assertThat(chain.health()).extracting(RouteHealth::route, RouteHealth::model, RouteHealth::breaker)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("shared/big", "big", BreakerState.OPEN),
                        org.assertj.core.groups.Tuple.tuple("shared/small", "small", BreakerState.CLOSED));
    }

    @Test
    void aDisabledBreakerNeverOpens() {
        FakeChatProvider broken = FakeChatProvider.builder().id("broken").fail(ErrorTaxonomy.SERVER_ERROR).build();
        FallbackChatProvider chain = oneRoute(broken, BreakerSettings.disabled());

        for (int i = 0; i < 12; i++) {
            callIgnoringFailure(chain);
        }
        assertThat(broken.callCount()).isEqualTo(12);
        assertThat(chain.health().get(0).breaker()).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void cancellingAChatAsyncThatIsWaitingToRetryStopsIt() {
        Fixtures.ManualSleeper manual = new Fixtures.ManualSleeper();
        FakeChatProvider flaky = FakeChatProvider.builder().id("flaky").fail(ErrorTaxonomy.SERVER_ERROR).reply("ok")
                .build();
        FallbackChatProvider chain = FallbackChatProvider.builder().clock(fx.clock).sleeper(manual)
                .route(flaky).build();

        CompletableFuture<ChatResponse> call = chain.chatAsync(request());
        assertThat(manual.delays()).hasSize(1);
        call.cancel(true);
        manual.release();

        assertThat(catchThrowableOfType(java.util.concurrent.CancellationException.class, call::join)).isNotNull();
        assertThat(flaky.callCount()).isEqualTo(1);
    }
}
