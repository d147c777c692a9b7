package dev.multillm.fallback;

import static dev.multillm.fallback.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.Attempt;
import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.testkit.Await;
import dev.multillm.testkit.FakeChatProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Hedging: the chain's sleeper times the hedge delay, so with the recording sleeper the hedge
 * starts at once (the primary "produced nothing in time"), and with a manual sleeper never.
 */
class HedgingTest {
    private static final Duration HEDGE = Duration.ofMillis(250);
    private static final List<String> DELTAS = List.of("fast ", "answer");

    private final Fixtures fx = new Fixtures();

    private static Route hedged(FakeChatProvider provider) {
        return Route.builder(provider).hedgeAfter(HEDGE).build();
    }

    @Test
    void aSlowPrimaryStreamLosesToTheHedgeAndIsClosed() {
        FakeChatProvider slow = FakeChatProvider.builder().id("slow").streamStallAfter(0).build();
        FakeChatProvider fast = FakeChatProvider.builder().id("fast").stream(DELTAS).build();
        FallbackChatProvider chain = fx.chain().route(hedged(slow)).route(fast).build();

        List<String> seen = new ArrayList<>();
        ChatResponse response;
        try (ChatStream stream = chain.stream(request())) {
            for (ChatChunk chunk : stream) {
                if (chunk.hasOutput()) {
                    seen.add(chunk.content());
                }
            }
            response = stream.response();
        }

        assertThat(seen).containsExactlyElementsOf(DELTAS);
        assertThat(response.provider()).isEqualTo("fast");
        assertThat(fx.sleeper.delays()).containsExactly(HEDGE);
        Await.until("the loser's stream to be closed", () -> slow.openStreams() == 0, Duration.ofSeconds(5));
        assertThat(fast.openStreams()).isZero();
        assertThat(response.attempts()).extracting(Attempt::provider, Attempt::outcome, Attempt::note)
                .containsExactly(Tuple.tuple("slow", "CANCELLED", "hedge lost to fast"),
                        Tuple.tuple("fast", "OK", null));
    }

    @Test
    void aSlowPrimaryChatLosesToTheHedgeAndItsFutureIsCancelled() {
        FakeChatProvider slow = FakeChatProvider.builder().id("slow").hang().build();
        FakeChatProvider fast = FakeChatProvider.builder().id("fast").reply("fast answer").build();
        FallbackChatProvider chain = fx.chain().route(hedged(slow)).route(fast).build();

        ChatResponse response = chain.chat(request());

        assertThat(response.content()).isEqualTo("fast answer");
        assertThat(slow.cancelledCalls()).isEqualTo(1);
        assertThat(response.usage()).as("the winner's usage only").isEqualTo(FakeChatProvider.DEFAULT_USAGE);
        assertThat(response.attempts()).extracting(Attempt::provider, Attempt::outcome)
                .containsExactly(Tuple.tuple("slow", "CANCELLED"), Tuple.tuple("fast", "OK"));
    }

    @Test
    void aPrimaryThatAnswersBeforeTheHedgeDelayNeverStartsTheHedge() throws Exception {
        Fixtures.ManualSleeper neverDue = new Fixtures.ManualSleeper();
        FakeChatProvider primary = FakeChatProvider.builder().id("primary").reply("in time").build();
        FakeChatProvider spare = FakeChatProvider.builder().id("spare").reply("unused").build();
        FallbackChatProvider chain = FallbackChatProvider.builder().clock(fx.clock).sleeper(neverDue)
                .route(hedged(primary)).route(spare).build();

        assertThat(chain.chatAsync(request()).get(5, TimeUnit.SECONDS).content()).isEqualTo("in time");
        try (ChatStream stream = chain.stream(request())) {
            assertThat(stream.response().content()).isEqualTo("in time");
        }
        neverDue.release();

        assertThat(spare.callCount()).isZero();
    }

    @Test
    void whenTheHedgeFailsThePrimaryStillWins() throws Exception {
        Fixtures.ManualSleeper slowUpstream = new Fixtures.ManualSleeper();
        FakeChatProvider primary = FakeChatProvider.builder().id("primary").sleeper(slowUpstream)
                .delay(Duration.ofSeconds(1)).reply("primary after all").build();
        FakeChatProvider spare = FakeChatProvider.builder().id("spare").fail(ErrorTaxonomy.OVERLOADED).build();
        FallbackChatProvider chain = fx.chain().route(hedged(primary)).route(spare).build();

        CompletableFuture<ChatResponse> call = chain.chatAsync(request());
        assertThat(spare.callCount()).isEqualTo(1);
        assertThat(call).isNotDone();
        slowUpstream.release();

        ChatResponse response = call.get(5, TimeUnit.SECONDS);
        assertThat(response.provider()).isEqualTo("primary");
        assertThat(response.attempts()).extracting(Attempt::provider, Attempt::outcome)
                .containsExactly(Tuple.tuple("spare", "OVERLOADED"), Tuple.tuple("primary", "OK"));
    }

    @Test
    void aPrimaryStreamThatFailsBeforeOutputLeavesTheRaceToTheHedge() {
        FakeChatProvider primary = FakeChatProvider.builder().id("primary").fail(ErrorTaxonomy.SERVER_ERROR).build();
        FakeChatProvider spare = FakeChatProvider.builder().id("spare").stream(DELTAS).build();
        FallbackChatProvider chain = fx.chain().route(hedged(primary)).route(spare).build();

        try (ChatStream stream = chain.stream(request())) {
            assertThat(stream.response().content()).isEqualTo("fast answer");
        }
        assertThat(spare.callCount()).as("one try of the spare: hedge or failover, never both").isEqualTo(1);
        assertThat(primary.openStreams()).isZero();
    }

    @Test
    void cancellingAHedgedCallCancelsBothTries() {
        FakeChatProvider slow = FakeChatProvider.builder().id("slow").hang().build();
        FakeChatProvider slower = FakeChatProvider.builder().id("slower").hang().build();
        FallbackChatProvider chain = fx.chain().route(hedged(slow)).route(slower).build();

        CompletableFuture<ChatResponse> call = chain.chatAsync(request());
        assertThat(slower.callCount()).isEqualTo(1);
        call.cancel(true);

        assertThat(slow.cancelledCalls()).isEqualTo(1);
        assertThat(slower.cancelledCalls()).isEqualTo(1);
        assertThat(chain.health()).allSatisfy(h -> assertThat(h.breaker()).isEqualTo(BreakerState.CLOSED));
    }
}
