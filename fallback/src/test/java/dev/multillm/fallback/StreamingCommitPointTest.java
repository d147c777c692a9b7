package dev.multillm.fallback;

import static dev.multillm.fallback.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.multillm.core.Attempt;
import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.FinishReason;
import dev.multillm.core.LlmException;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.StreamInterruptedException;
import dev.multillm.core.Timeouts;
import dev.multillm.core.Usage;
import dev.multillm.core.openai.OpenAiCompatibleChatProvider;
import dev.multillm.testkit.Await;
import dev.multillm.testkit.FakeChatProvider;
import dev.multillm.testkit.FakeUpstream;
import dev.multillm.testkit.OpenAiCompatibleFixture;
import dev.multillm.testkit.WireFixture.ErrorAnswer;
import dev.multillm.testkit.WireFixture.StreamEvents;
import dev.multillm.testkit.WireFixture.TextAnswer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StreamingCommitPointTest {
    private static final List<String> DELTAS = List.of("one ", "two ", "three ");

    private final Fixtures fx = new Fixtures();

    private static List<String> contents(ChatStream stream) {
        List<String> texts = new ArrayList<>();
        for (ChatChunk chunk : stream) {
            if (chunk.content() != null && !chunk.content().isEmpty()) {
                texts.add(chunk.content());
            }
        }
        return texts;
    }

    @Nested
    class AgainstAFakeUpstream {
        private final FakeUpstream upstream = FakeUpstream.start();
        private final OpenAiCompatibleFixture wire = new OpenAiCompatibleFixture();
        private final StreamEvents events = wire.textStream(new TextAnswer("chatcmpl-1", "upstream-model",
                String.join("", DELTAS), FinishReason.STOP, Usage.of(5, 3), "req-1"), DELTAS);

        private OpenAiCompatibleChatProvider http() {
            return OpenAiCompatibleChatProvider.builder().id("http").baseUrl(upstream.baseUrl())
                    .timeouts(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5),
                            Duration.ofSeconds(30)))
                    .clock(fx.clock).sleeper(fx.sleeper).build();
        }

        @AfterEach
        void stopUpstream() {
            upstream.close();
        }

        @Test
        void aRouteThatFailsBeforeItsFirstEventIsReplacedAndTheCallerSeesOneCleanStream() {
            upstream.enqueue(Reply503.of(wire));
            FakeChatProvider secondary = FakeChatProvider.builder().id("secondary").stream(DELTAS).build();
            try (FallbackChatProvider chain = fx.chain().route(http()).route(secondary).build();
                 ChatStream stream = chain.stream(request())) {

                assertThat(contents(stream)).containsExactlyElementsOf(DELTAS);
                ChatResponse response = stream.response();
                assertThat(response.content()).isEqualTo("one two three ");
                assertThat(response.provider()).isEqualTo("secondary");
                assertThat(response.attempts()).extracting(Attempt::provider, Attempt::outcome).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("http", "OVERLOADED"),
                        org.assertj.core.groups.Tuple.tuple("secondary", "OK"));
            }
            assertThat(upstream.requestCount()).isEqualTo(1);
            assertThat(secondary.openStreams()).isZero();
        }

        @Test
        void anErrorEventBeforeAnyOutputIsAlsoFailedOverInvisibly() {
            upstream.enqueue(dev.multillm.testkit.Reply.sseRaw(wire.streamErrorEvent(
                    ErrorAnswer.of(503, null, "server_error", "over capacity"))));
            FakeChatProvider secondary = FakeChatProvider.builder().id("secondary").stream(DELTAS).build();
            try (FallbackChatProvider chain = fx.chain().route(http()).route(secondary).build();
                 ChatStream stream = chain.stream(request())) {

                assertThat(contents(stream)).containsExactlyElementsOf(DELTAS);
            }
        }

        @Test
        void aRouteThatFailsAfterThreeDeltasEndsTheCallWithThoseDeltasAndNothingIsResent() {
            upstream.enqueue(events.toReply(events.outputEvents()).thenReset());
            FakeChatProvider secondary = FakeChatProvider.builder().id("secondary").stream(List.of("never")).build();
            List<String> seen = new ArrayList<>();
            StreamInterruptedException failure;
            try (FallbackChatProvider chain = fx.chain().route(http()).route(secondary).build();
                 ChatStream stream = chain.stream(request())) {
                failure = catchThrowableOfType(StreamInterruptedException.class, () -> {
                    for (ChatChunk chunk : stream) {
                        seen.add(chunk.content());
                    }
                });
            }

            assertThat(seen).containsExactlyElementsOf(DELTAS);
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.STREAM_INTERRUPTED);
            assertThat(failure.partialContent()).isEqualTo("one two three ");
            assertThat(failure.partialResponse().provider()).isEqualTo("http");
            assertThat(failure.attempts()).singleElement().satisfies(a -> {
                assertThat(a.provider()).isEqualTo("http");
                assertThat(a.error()).isEqualTo(ErrorTaxonomy.STREAM_INTERRUPTED);
                assertThat(a.note()).contains("after output");
            });
            assertThat(failure.partialResponse().attempts()).isEqualTo(failure.attempts());
            assertThat(upstream.requestCount()).as("requests reaching the upstream").isEqualTo(1);
            assertThat(secondary.callCount()).as("requests reaching the secondary").isZero();
        }

        @Test
        void anAlwaysFailingStreamReceivesExactlyTheConfiguredAttempts() {
            upstream.enqueue(Reply503.of(wire));
            try (FallbackChatProvider chain = fx.chain().retryPolicy(Fixtures.attempts(4))
                    .route(Route.builder(http()).breaker(BreakerSettings.disabled()).build()).build()) {

                LlmException failure = catchThrowableOfType(LlmException.class, () -> {
                    try (ChatStream stream = chain.stream(request())) {
                        stream.response();
                    }
                });
                assertThat(failure.category()).isEqualTo(ErrorTaxonomy.OVERLOADED);
            }
            assertThat(upstream.requestCount()).isEqualTo(4);
        }

        @Test
        void closingTheStreamEarlyClosesTheUpstreamConnection() {
            upstream.enqueue(events.toReply(events.outputEvents()).thenStall());
            try (FallbackChatProvider chain = fx.chain().route(http()).build()) {
                ChatStream stream = chain.stream(request());
                Iterator<ChatChunk> chunks = stream.iterator();
                assertThat(chunks.next().content()).isEqualTo("one ");
                stream.close();

                Await.until("the upstream connection to close", () -> upstream.openConnections() == 0,
                        Duration.ofSeconds(10));
                assertThat(chunks.hasNext()).isFalse();
            }
        }
    }

    /** The overloaded answer, as the OpenAI wire writes it. */
    private static final class Reply503 {
        static dev.multillm.testkit.Reply of(OpenAiCompatibleFixture wire) {
            return wire.errorReply(ErrorAnswer.of(503, null, "server_error", "overloaded"));
        }
    }

    @Nested
    class WithFakeProviders {

        @Test
        void chunksWithoutOutputFromAFailedTryNeverReachTheCaller() {
            FakeChatProvider primary = FakeChatProvider.builder().id("primary")
                    .streamThenFail(List.of(), ErrorTaxonomy.SERVER_ERROR).build();
            FakeChatProvider secondary = FakeChatProvider.builder().id("secondary").stream(DELTAS).build();
            FallbackChatProvider chain = fx.chain().route(primary).route(secondary).build();

            try (ChatStream stream = chain.stream(request())) {
                List<ChatChunk> chunks = new ArrayList<>();
                stream.forEach(chunks::add);
                assertThat(chunks).filteredOn(ChatChunk::hasOutput).extracting(ChatChunk::content)
                        .containsExactlyElementsOf(DELTAS);
                assertThat(chunks).filteredOn(c -> c.finishReason() != null).hasSize(1);
            }
        }

        @Test
        void anInterruptedInnerStreamIsReportedOnceWithTheRouteName() {
            FakeChatProvider primary = FakeChatProvider.builder().id("primary")
                    .streamThenFail(DELTAS, ErrorTaxonomy.SERVER_ERROR).build();
            FakeChatProvider secondary = FakeChatProvider.builder().id("secondary").stream(List.of("x")).build();
            FallbackChatProvider chain = fx.chain().route(Route.builder(primary).name("first").build())
                    .route(secondary).build();

            StreamInterruptedException failure;
            try (ChatStream stream = chain.stream(request())) {
                failure = catchThrowableOfType(StreamInterruptedException.class, stream::response);
            }
            assertThat(failure.provider()).isEqualTo("first");
            assertThat(failure.partialContent()).isEqualTo("one two three ");
            assertThat(failure.getCause()).isInstanceOf(LlmException.class);
            assertThat(((LlmException) failure.getCause()).category()).isEqualTo(ErrorTaxonomy.SERVER_ERROR);
            assertThat(secondary.callCount()).isZero();
            assertThat(primary.openStreams()).isZero();
        }

        @Test
        void routesThatDoNotStreamAreSkippedForStreams() {
            FakeChatProvider noStreaming = FakeChatProvider.builder().id("batch")
                    .capabilities(Capabilities.ALL.toBuilder().streaming(false).build()).reply("batch").build();
            FakeChatProvider streaming = FakeChatProvider.builder().id("streaming").stream(DELTAS).build();
            FallbackChatProvider chain = fx.chain().route(noStreaming).route(streaming).build();

            try (ChatStream stream = chain.stream(request())) {
                ChatResponse response = stream.response();
                assertThat(response.provider()).isEqualTo("streaming");
                assertThat(response.attempts().get(0).note()).isEqualTo("skipped: does not support streaming");
            }
            assertThat(noStreaming.callCount()).isZero();
            assertThat(chain.chat(request()).provider()).as("chat still uses the first route").isEqualTo("batch");
        }

        @Test
        void aStreamRetriesTheSameRouteAfterTheServersDelay() {
            FakeChatProvider flaky = FakeChatProvider.builder().id("flaky")
                    .fail(Fixtures.failure(ErrorTaxonomy.RATE_LIMITED, Duration.ofSeconds(2))).stream(DELTAS).build();
            FallbackChatProvider chain = fx.chain().retryPolicy(RetryPolicy.defaults()).route(flaky).build();

            try (ChatStream stream = chain.stream(request())) {
                assertThat(stream.response().content()).isEqualTo("one two three ");
            }
            assertThat(fx.sleeper.delays()).containsExactly(Duration.ofSeconds(2));
            assertThat(flaky.callCount()).isEqualTo(2);
        }

        @Test
        void closingBeforeReadingAbandonsTheTryAndResponseSaysCancelled() {
            FakeChatProvider slow = FakeChatProvider.builder().id("slow").streamStallAfter(0).build();
            FallbackChatProvider chain = fx.chain().route(slow).build();

            ChatStream stream = chain.stream(request());
            stream.close();
            stream.close();

            assertThat(slow.openStreams()).isZero();
            LlmException failure = catchThrowableOfType(LlmException.class, stream::response);
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.CANCELLED);
            assertThat(failure.attempts()).singleElement()
                    .satisfies(a -> assertThat(a.note()).isEqualTo("closed by the caller"));
        }
    }
}
