package dev.multillm.fallback;

import static dev.multillm.fallback.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.multillm.core.Attempt;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.LlmTimeoutException;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.TimeoutPhase;
import dev.multillm.core.Timeouts;
import dev.multillm.core.openai.OpenAiCompatibleChatProvider;
import dev.multillm.testkit.FakeChatProvider;
import dev.multillm.testkit.FakeUpstream;
import dev.multillm.testkit.OpenAiCompatibleFixture;
import dev.multillm.testkit.Reply;
import dev.multillm.testkit.WireFixture.ErrorAnswer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryBudgetAndDeadlineTest {
    private final Fixtures fx = new Fixtures();

    @Nested
    class OneRetryOwner {
        private final FakeUpstream upstream = FakeUpstream.start();
        private final OpenAiCompatibleFixture wire = new OpenAiCompatibleFixture();

        /** A real HTTP provider that, used alone, retries twice (three requests) on its own. */
        private OpenAiCompatibleChatProvider http(String id) {
            return OpenAiCompatibleChatProvider.builder().id(id).baseUrl(upstream.baseUrl())
                    .retryPolicy(RetryPolicy.defaults())
                    .timeouts(Timeouts.defaults().withFirstToken(Duration.ofSeconds(5)))
                    .clock(fx.clock).sleeper(fx.sleeper).build();
        }

        private Reply rateLimited(String retryAfter) {
            ErrorAnswer answer = ErrorAnswer.of(429, "rate_limit_exceeded", "requests", "Rate limit reached");
            return wire.errorReply(retryAfter == null ? answer : answer.withHeader("retry-after", retryAfter));
        }

        @AfterEach
        void stopUpstream() {
            upstream.close();
        }

        @ParameterizedTest(name = "budget of {0}")
        @ValueSource(ints = {1, 2, 4, 6})
        void anAlwaysRateLimitedUpstreamReceivesExactlyTheConfiguredAttempts(int attempts) {
            upstream.enqueue(rateLimited("1"));
            try (FallbackChatProvider chain = fx.chain().retryPolicy(Fixtures.attempts(attempts))
                    .route(http("groq-like")).build()) {

                LlmException failure = catchThrowableOfType(LlmException.class, () -> chain.chat(request()));

                assertThat(failure.category()).isEqualTo(ErrorTaxonomy.RATE_LIMITED);
                assertThat(failure.attempts()).hasSize(attempts);
            }
            assertThat(upstream.requestCount()).as("requests, not a product of layers").isEqualTo(attempts);
        }

        @Test
        void theServersRetryAfterIsWaitedOnTheChainsSleeper() {
            upstream.enqueue(rateLimited("2"), wire.textReply(new dev.multillm.testkit.WireFixture.TextAnswer(
                    "chatcmpl-1", "m", "recovered", dev.multillm.core.FinishReason.STOP,
                    dev.multillm.core.Usage.of(1, 1), "req")));
            try (FallbackChatProvider chain = fx.chain().route(http("only")).build()) {

                ChatResponse response = chain.chat(request());

                assertThat(response.content()).isEqualTo("recovered");
                assertThat(fx.sleeper.delays()).containsExactly(Duration.ofSeconds(2));
                assertThat(response.attempts().get(0).retryDelay()).isEqualTo(Duration.ofSeconds(2));
                assertThat(response.attempts().get(0).note()).isEqualTo("retry-after");
            }
        }

        @Test
        void aRetryAfterOfADayFailsOverAtOnceWithoutSleeping() {
            upstream.enqueue(rateLimited("86400"));
            FakeChatProvider secondary = FakeChatProvider.builder().id("secondary").reply("served").build();
            try (FallbackChatProvider chain = fx.chain().route(http("primary")).route(secondary).build()) {

                ChatResponse response = chain.chat(request());

                assertThat(response.content()).isEqualTo("served");
                assertThat(upstream.requestCount()).isEqualTo(1);
                assertThat(fx.sleeper.delays()).as("no wait anywhere near a day").allSatisfy(
                        d -> assertThat(d).isLessThan(Duration.ofMinutes(1)));
                assertThat(response.attempts().get(0).note()).isEqualTo("failover to secondary");
            }
        }

        @Test
        void aRetryAfterLongerThanTheTimeLeftEndsACallOfOneRouteAtOnce() {
            upstream.enqueue(rateLimited("30"));
            try (FallbackChatProvider chain = fx.chain().route(http("only")).build()) {

                LlmException failure = catchThrowableOfType(LlmException.class, () -> chain.chat(request().toBuilder().timeout(Duration.ofSeconds(10)).build()));

                assertThat(failure.category()).isEqualTo(ErrorTaxonomy.RATE_LIMITED);
                assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(30));
                assertThat(failure.attempts()).singleElement().extracting(Attempt::note).asString()
                        .contains("more than the time left");
            }
            assertThat(upstream.requestCount()).isEqualTo(1);
            assertThat(fx.sleeper.delays()).isEmpty();
        }
    }

    @Nested
    class Cooldown {

        @Test
        void aRateLimitPutsTheRouteInCooldownForItsRetryAfterAndItIsSkippedUntilThen() {
            FakeChatProvider limited = FakeChatProvider.builder().id("limited")
                    .fail(Fixtures.failure(ErrorTaxonomy.RATE_LIMITED, Duration.ofSeconds(30))).reply("back").build();
            FakeChatProvider spare = FakeChatProvider.builder().id("spare").reply("spare").build();
            FallbackChatProvider chain = fx.chain().route(limited).route(spare).build();

            assertThat(chain.chat(request()).provider()).isEqualTo("spare");
            ChatResponse whileCooling = chain.chat(request());
            assertThat(whileCooling.provider()).isEqualTo("spare");
            assertThat(whileCooling.attempts().get(0)).satisfies(a -> {
                assertThat(a.provider()).isEqualTo("limited");
                assertThat(a.error()).isEqualTo(ErrorTaxonomy.RATE_LIMITED);
                assertThat(a.note()).startsWith("skipped: cooling down until");
            });
            assertThat(limited.callCount()).isEqualTo(1);
            assertThat(chain.health().get(0).cooldownUntil()).isEqualTo(fx.clock.instant().plusSeconds(30));

            fx.clock.advance(Duration.ofSeconds(31));
            assertThat(chain.chat(request()).provider()).isEqualTo("limited");
            assertThat(chain.health().get(0).cooldownUntil()).isNull();
        }

        @Test
        void aCallOfOneRouteWaitsOutTheCooldownWhenItFitsTheDeadline() {
            FakeChatProvider limited = FakeChatProvider.builder().id("limited")
                    .fail(Fixtures.failure(ErrorTaxonomy.RATE_LIMITED, Duration.ofSeconds(3))).reply("back").build();
            FallbackChatProvider chain = fx.chain().route(limited).build();

            assertThat(chain.chat(request()).content()).isEqualTo("back");
            assertThat(fx.sleeper.delays()).containsExactly(Duration.ofSeconds(3));
        }
    }

    @Nested
    class Deadline {

        @Test
        void aTotalTimeoutOfATryEndsTheWholeCall() {
            FakeChatProvider slow = FakeChatProvider.builder().id("slow").fail(LlmException.builder(
                    ErrorTaxonomy.TIMEOUT).provider("slow").timeoutPhase(TimeoutPhase.TOTAL).build()).build();
            FakeChatProvider spare = FakeChatProvider.builder().id("spare").reply("late").build();
            FallbackChatProvider chain = fx.chain().route(slow).route(spare).build();

            LlmException failure = catchThrowableOfType(LlmException.class, () -> chain.chat(request()));

            assertThat(failure).isInstanceOf(LlmTimeoutException.class);
            assertThat(((LlmTimeoutException) failure).phase()).isEqualTo(TimeoutPhase.TOTAL);
            assertThat(spare.callCount()).as("no try once the call's time is up").isZero();
        }

        @Test
        void aDeadlineThatPassesWhileRetryingIsReportedAsATotalTimeoutWithTheEarlierFailureAttached() {
            Fixtures.ManualSleeper never = new Fixtures.ManualSleeper();
            FakeChatProvider flaky = FakeChatProvider.builder().id("flaky").fail(ErrorTaxonomy.SERVER_ERROR)
                    .then(FakeChatProvider.Step.reply("too late").delayedBy(Duration.ofHours(1))).sleeper(never)
                    .build();
            FallbackChatProvider chain = FallbackChatProvider.builder().route(flaky).random(() -> 0.0)
                    .totalTimeout(Duration.ofMillis(200)).build();

            LlmException failure = catchThrowableOfType(LlmException.class, () -> chain.chat(request()));

            assertThat(failure).isInstanceOf(LlmTimeoutException.class);
            assertThat(failure.provider()).isEqualTo("flaky");
            assertThat(failure.getSuppressed()).singleElement()
                    .satisfies(e -> assertThat(((LlmException) e).category()).isEqualTo(ErrorTaxonomy.SERVER_ERROR));
            assertThat(failure.attempts()).extracting(Attempt::outcome).containsExactly("SERVER_ERROR", "CANCELLED");
        }

        @Test
        void aChatAsyncThatOutlivesItsDeadlineFailsWithATotalTimeoutAndCancelsTheTry() throws Exception {
            Fixtures.ManualSleeper never = new Fixtures.ManualSleeper();
            FakeChatProvider hanging = FakeChatProvider.builder().id("hanging").sleeper(never)
                    .delay(Duration.ofHours(1)).reply("too late").build();
            FallbackChatProvider chain = FallbackChatProvider.builder().route(hanging)
                    .totalTimeout(Duration.ofMillis(200)).build();

            var future = chain.chatAsync(request());
            LlmException failure = catchThrowableOfType(java.util.concurrent.CompletionException.class, future::join)
                    .getCause() instanceof LlmException llm ? llm : null;

            assertThat(failure).isInstanceOf(LlmTimeoutException.class);
            assertThat(failure.attempts()).singleElement().satisfies(a -> {
                assertThat(a.error()).isEqualTo(ErrorTaxonomy.CANCELLED);
                assertThat(a.note()).isEqualTo("the deadline passed");
            });
            assertThat(hanging.cancelledCalls()).isEqualTo(1);
        }
    }
}
