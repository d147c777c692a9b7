package dev.multillm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.FinishReason;
import dev.multillm.core.LlmException;
import dev.multillm.core.LlmTimeoutException;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.Sleeper;
import dev.multillm.core.StreamInterruptedException;
import dev.multillm.core.TimeoutPhase;
import dev.multillm.core.Tool;
import dev.multillm.core.ToolCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class FakeChatProviderTest {
    private static final Duration AWAIT = Duration.ofSeconds(10);
    private static final ChatRequest REQUEST = ChatRequest.of("m", "hi");

    private static List<String> contents(ChatStream stream) {
        List<String> texts = new ArrayList<>();
        for (ChatChunk chunk : stream) {
            if (chunk.content() != null) {
                texts.add(chunk.content());
            }
        }
        return texts;
    }

    @Test
    void failsTheScriptedTimesThenRepliesAndRepeatsTheLastStep() {
        FakeChatProvider fake = FakeChatProvider.builder().id("a").failTimes(2, ErrorTaxonomy.OVERLOADED)
                .reply("hello").build();

        assertThat(catchThrowableOfType(LlmException.class, () -> fake.chat(REQUEST)).category())
                .isEqualTo(ErrorTaxonomy.OVERLOADED);
        assertThat(catchThrowableOfType(LlmException.class, () -> fake.chat(REQUEST)).provider()).isEqualTo("a");
        assertThat(fake.chat(REQUEST).content()).isEqualTo("hello");
        assertThat(fake.chat(REQUEST).content()).isEqualTo("hello");
        assertThat(fake.callCount()).isEqualTo(4);
        assertThat(fake.requests()).containsOnly(REQUEST);
    }

    @Test
    void repliesCarryTheProviderModelUsageAndOneAttempt() {
        FakeChatProvider fake = FakeChatProvider.builder().id("a").reply("x").build();

        ChatResponse response = fake.chat(ChatRequest.builder().addUserMessage("no model").build());
        assertThat(response.provider()).isEqualTo("a");
        assertThat(response.model()).isEqualTo(FakeChatProvider.DEFAULT_MODEL);
        assertThat(response.usage()).isEqualTo(FakeChatProvider.DEFAULT_USAGE);
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.attempts()).hasSize(1);
    }

    @Test
    void canFailWhenTheScriptIsUsedUp() {
        FakeChatProvider fake = FakeChatProvider.builder().reply("once").failWhenExhausted().build();
        fake.chat(REQUEST);

        assertThatThrownBy(() -> fake.chat(REQUEST)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no scripted step for call 2");
    }

    @Test
    void answersExactlyAScriptedResponseAndFailsWithAScriptedException() {
        ChatResponse scripted = ChatResponse.builder().provider("x").content("exact").build();
        LlmException failure = LlmException.builder(ErrorTaxonomy.RATE_LIMITED).retryAfter(Duration.ofSeconds(3))
                .build();
        FakeChatProvider fake = FakeChatProvider.builder().fail(failure).reply(scripted).build();

        assertThatThrownBy(() -> fake.chat(REQUEST)).isSameAs(failure);
        assertThat(fake.chat(REQUEST)).isSameAs(scripted);
    }

    @Test
    void refusesAnUndeclaredCapabilityWithoutConsumingTheScript() {
        FakeChatProvider fake = FakeChatProvider.builder().capabilities(Capabilities.TEXT_ONLY).reply("x").build();
        ChatRequest withTools = REQUEST.toBuilder().addTool(Tool.function("t", null, null)).build();

        assertThat(catchThrowableOfType(LlmException.class, () -> fake.chat(withTools)).category())
                .isEqualTo(ErrorTaxonomy.UNSUPPORTED_CAPABILITY);
        assertThat(catchThrowableOfType(LlmException.class, () -> fake.stream(REQUEST)).category())
                .isEqualTo(ErrorTaxonomy.UNSUPPORTED_CAPABILITY);
        assertThat(fake.callCount()).isZero();
    }

    @Test
    void streamsTheDeltasThenAFinishReasonAndFoldsThem() {
        FakeChatProvider fake = FakeChatProvider.builder().stream(List.of("a", "b", "c")).build();

        try (ChatStream stream = fake.stream(REQUEST)) {
            assertThat(fake.openStreams()).isEqualTo(1);
            assertThat(contents(stream)).containsExactly("a", "b", "c");
            ChatResponse folded = stream.response();
            assertThat(folded.content()).isEqualTo("abc");
            assertThat(folded.finishReason()).isEqualTo(FinishReason.STOP);
        }
        assertThat(fake.openStreams()).isZero();
        assertThat(fake.chat(REQUEST).content()).isEqualTo("abc");
    }

    @Test
    void streamsAScriptedResponseWithItsToolCalls() {
        ChatResponse scripted = ChatResponse.builder().provider("x").toolCalls(List.of(new ToolCall("c1", "f", "{}")))
                .finishReason(FinishReason.TOOL_CALLS).build();
        FakeChatProvider fake = FakeChatProvider.builder().reply(scripted).build();

        try (ChatStream stream = fake.stream(REQUEST)) {
            List<ChatChunk> chunks = new ArrayList<>();
            stream.forEach(chunks::add);
            assertThat(chunks).anySatisfy(c -> assertThat(c.toolCalls()).isNotEmpty());
            assertThat(stream.response()).isSameAs(scripted);
        }
    }

    @Test
    void aStreamFailingBeforeOutputThrowsItsOwnCategoryOnTheFirstHasNext() {
        FakeChatProvider fake = FakeChatProvider.builder().streamThenFail(List.of(), ErrorTaxonomy.OVERLOADED).build();

        try (ChatStream stream = fake.stream(REQUEST)) {
            Iterator<ChatChunk> chunks = stream.iterator();
            assertThat(catchThrowableOfType(LlmException.class, chunks::hasNext).category())
                    .isEqualTo(ErrorTaxonomy.OVERLOADED);
        }
        assertThat(catchThrowableOfType(LlmException.class, () -> fake.chat(REQUEST)).category())
                .isEqualTo(ErrorTaxonomy.OVERLOADED);
    }

    @Test
    void aStreamFailingAfterOutputIsInterruptedWithThePartialText() {
        FakeChatProvider fake = FakeChatProvider.builder()
                .streamThenFail(List.of("par", "tial"), ErrorTaxonomy.SERVER_ERROR).build();

        try (ChatStream stream = fake.stream(REQUEST)) {
            StreamInterruptedException failure = catchThrowableOfType(StreamInterruptedException.class,
                    () -> contents(stream));
            assertThat(failure.partialContent()).isEqualTo("partial");
            assertThat(((LlmException) failure.getCause()).category()).isEqualTo(ErrorTaxonomy.SERVER_ERROR);
            assertThatThrownBy(stream::response).isSameAs(failure);
        }
    }

    @Test
    void aStalledStreamBlocksUntilItIsClosed() {
        FakeChatProvider fake = FakeChatProvider.builder().streamStallAfter(2).build();
        ChatStream stream = fake.stream(REQUEST);
        Iterator<ChatChunk> chunks = stream.iterator();
        assertThat(chunks.next().content()).isEqualTo("d1 ");
        assertThat(chunks.next().content()).isEqualTo("d2 ");

        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(chunks::hasNext);
        assertThat(blocked).isNotDone();
        stream.close();

        Await.until("the blocked hasNext() to return", blocked::isDone, AWAIT);
        assertThatThrownBy(blocked::join).hasCauseInstanceOf(LlmException.class);
        assertThat(fake.openStreams()).isZero();
    }

    @Test
    void delaysGoThroughTheSleeperAndNeverBlockChatAsync() throws Exception {
        RecordingSleeper sleeper = new RecordingSleeper(new FakeClock());
        FakeChatProvider instant = FakeChatProvider.builder().sleeper(sleeper).delay(Duration.ofSeconds(30))
                .reply("late").build();
        assertThat(instant.chat(REQUEST).content()).isEqualTo("late");
        assertThat(sleeper.delays()).containsExactly(Duration.ofSeconds(30));

        FakeChatProvider slow = FakeChatProvider.builder().sleeper(Sleeper.system()).delay(Duration.ofMinutes(5))
                .reply("never").build();
        CompletableFuture<ChatResponse> pending = slow.chatAsync(REQUEST);
        assertThat(pending).isNotDone();
        pending.cancel(true);
        assertThat(slow.cancelledCalls()).isEqualTo(1);
    }

    @Test
    void aHangingCallEndsAtTheRequestTimeout() {
        FakeChatProvider fake = FakeChatProvider.builder().hang().build();

        LlmTimeoutException failure = catchThrowableOfType(LlmTimeoutException.class,
                () -> fake.chat(REQUEST.toBuilder().timeout(Duration.ofMillis(50)).build()));
        assertThat(failure.phase()).isEqualTo(TimeoutPhase.TOTAL);
    }

    @Test
    void closingFailsLaterCallsAndAbortsPendingOnes() {
        FakeChatProvider fake = FakeChatProvider.builder().hang().build();
        CompletableFuture<ChatResponse> pending = fake.chatAsync(REQUEST);

        fake.close();
        fake.close();
        assertThat(fake.isClosed()).isTrue();
        assertThatThrownBy(pending::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> fake.chat(REQUEST)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> fake.stream(REQUEST)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> fake.chatAsync(REQUEST)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void neverRetriesWhateverThePolicy() {
        FakeChatProvider fake = FakeChatProvider.replying("x");

        assertThat(fake.withRetryPolicy(RetryPolicy.defaults())).isSameAs(fake);
    }

    @Test
    void rejectsANullRequestWithAMessageNamingIt() {
        FakeChatProvider fake = FakeChatProvider.replying("x");

        assertThatThrownBy(() -> fake.chat(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("request");
        assertThat(fake.callCount()).isZero();
    }

    @Test
    void isSafeUnderConcurrentCalls() throws Exception {
        FakeChatProvider fake = FakeChatProvider.builder().failTimes(10, ErrorTaxonomy.OVERLOADED).reply("ok").build();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return fake.chat(REQUEST).content();
                    } catch (LlmException e) {
                        return e.category().name();
                    }
                }, pool));
            }
            List<String> outcomes = calls.stream().map(CompletableFuture::join).toList();
            assertThat(outcomes).filteredOn("OVERLOADED"::equals).hasSize(10);
            assertThat(outcomes).filteredOn("ok"::equals).hasSize(54);
        } finally {
            pool.shutdownNow();
        }
        assertThat(fake.callCount()).isEqualTo(64);
    }

    @Test
    void anEmptyScriptIsABuildError() {
        assertThatThrownBy(() -> FakeChatProvider.builder().build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> FakeChatProvider.builder().delay(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalStateException.class);
    }
}
