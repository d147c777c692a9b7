package dev.multillm.fallback;

import static dev.multillm.fallback.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.multillm.core.Attempt;
import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.Tool;
import dev.multillm.testkit.FakeChatProvider;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FailoverTest {
    private final Fixtures fx = new Fixtures();

    private static FakeChatProvider failing(String id, ErrorTaxonomy category) {
        return FakeChatProvider.builder().id(id).fail(category).build();
    }

    private static FakeChatProvider replying(String id, String content) {
        return FakeChatProvider.builder().id(id).reply(content).build();
    }

    @Nested
    class ByCategory {

        @ParameterizedTest(name = "{0}")
        @EnumSource(value = ErrorTaxonomy.class, names = {"STREAM_INTERRUPTED", "NO_PROVIDER_AVAILABLE"},
                mode = EnumSource.Mode.EXCLUDE)
        void failsOverExactlyOnTheFallbackEligibleCategories(ErrorTaxonomy category) {
            // Declared windows, so that a context-length failure has a larger route to go to.
            FakeChatProvider primary = FakeChatProvider.builder().id("primary").fail(category)
                    .capabilities(Capabilities.ALL.toBuilder().maxContextTokens(8_000).build()).build();
            FakeChatProvider secondary = FakeChatProvider.builder().id("secondary").reply("from secondary")
                    .capabilities(Capabilities.ALL.toBuilder().maxContextTokens(128_000).build()).build();
            FallbackChatProvider chain = fx.chain().route(primary).route(secondary).build();

            if (category.fallbackEligible()) {
                assertThat(chain.chat(request()).content()).isEqualTo("from secondary");
                assertThat(secondary.callCount()).isEqualTo(1);
            } else {
                LlmException failure = catchThrowableOfType(LlmException.class, () -> chain.chat(request()));
                assertThat(failure.category()).isEqualTo(category);
                assertThat(secondary.callCount()).isZero();
            }
            assertThat(primary.callCount()).as("failover comes before any retry of the failed route").isEqualTo(1);
        }

        @Test
        void invalidRequestIsRethrownWithTheAttemptLogAndDoesNotFailOver() {
            FakeChatProvider secondary = replying("secondary", "never");
            FallbackChatProvider chain = fx.chain().route(failing("primary", ErrorTaxonomy.INVALID_REQUEST))
                    .route(secondary).build();

            LlmException failure = catchThrowableOfType(LlmException.class, () -> chain.chat(request()));

            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.INVALID_REQUEST);
            assertThat(failure.provider()).isEqualTo("primary");
            assertThat(failure.attempts()).singleElement().satisfies(a -> {
                assertThat(a.provider()).isEqualTo("primary");
                assertThat(a.error()).isEqualTo(ErrorTaxonomy.INVALID_REQUEST);
                assertThat(a.note()).contains("not fallback-eligible");
            });
            assertThat(secondary.callCount()).isZero();
        }

        @Test
        void contentFilteredFailsOverWhenConfigured() {
            FakeChatProvider secondary = replying("secondary", "filtered elsewhere");
            FallbackChatProvider chain = fx.chain().failoverOn(ErrorTaxonomy.CONTENT_FILTERED, true)
                    .route(failing("primary", ErrorTaxonomy.CONTENT_FILTERED)).route(secondary).build();

            assertThat(chain.chat(request()).content()).isEqualTo("filtered elsewhere");
            assertThat(secondary.callCount()).isEqualTo(1);
        }

        @Test
        void aDefaultFailoverCanBeTurnedOff() {
            FakeChatProvider secondary = replying("secondary", "never");
            FallbackChatProvider chain = fx.chain().failoverOn(ErrorTaxonomy.AUTHENTICATION, false)
                    .route(failing("primary", ErrorTaxonomy.AUTHENTICATION)).route(secondary).build();

            assertThatThrownBy(() -> chain.chat(request())).isInstanceOf(LlmException.class)
                    .extracting(e -> ((LlmException) e).category()).isEqualTo(ErrorTaxonomy.AUTHENTICATION);
            assertThat(secondary.callCount()).isZero();
        }

        @Test
        void aRetryableFailureThatMayNotFailOverIsRetriedOnTheSameRoute() {
            FakeChatProvider primary = FakeChatProvider.builder().id("primary").fail(ErrorTaxonomy.SERVER_ERROR)
                    .reply("second try").build();
            FakeChatProvider secondary = replying("secondary", "never");
            FallbackChatProvider chain = fx.chain().failoverOn(ErrorTaxonomy.SERVER_ERROR, false)
                    .route(primary).route(secondary).build();

            assertThat(chain.chat(request()).content()).isEqualTo("second try");
            assertThat(primary.callCount()).isEqualTo(2);
            assertThat(secondary.callCount()).isZero();
        }

        @Test
        void theTerminalCategoriesCannotBeMadeToFailOver() {
            assertThatThrownBy(() -> FallbackChatProvider.builder().failoverOn(ErrorTaxonomy.STREAM_INTERRUPTED, true))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("STREAM_INTERRUPTED");
        }
    }

    @Nested
    class WhenEveryRouteFails {

        @Test
        void failsWithNoProviderAvailableListingEachRouteAndAttachingEachCause() {
            FakeChatProvider primary = failing("primary", ErrorTaxonomy.OVERLOADED);
            FakeChatProvider secondary = failing("secondary", ErrorTaxonomy.AUTHENTICATION);
            FallbackChatProvider chain = fx.chain().retryPolicy(Fixtures.attempts(3))
                    .route(primary).route(secondary).build();

            LlmException failure = catchThrowableOfType(LlmException.class, () -> chain.chat(request()));

            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.NO_PROVIDER_AVAILABLE);
            assertThat(failure.getMessage()).contains("primary → OVERLOADED").contains("secondary → AUTHENTICATION");
            assertThat(Arrays.stream(failure.getSuppressed()).map(t -> ((LlmException) t).category()))
                    .containsExactly(ErrorTaxonomy.OVERLOADED, ErrorTaxonomy.AUTHENTICATION);
            assertThat(failure.attempts()).extracting(Attempt::provider, Attempt::outcome).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("primary", "OVERLOADED"),
                    org.assertj.core.groups.Tuple.tuple("secondary", "AUTHENTICATION"),
                    org.assertj.core.groups.Tuple.tuple("primary", "OVERLOADED"));
            assertThat(primary.callCount()).as("only the retryable route is tried again").isEqualTo(2);
            assertThat(secondary.callCount()).isEqualTo(1);
        }

        @Test
        void theAttemptBudgetCoversRetriesAndFailoversTogether() {
            FakeChatProvider primary = failing("primary", ErrorTaxonomy.SERVER_ERROR);
            FakeChatProvider secondary = failing("secondary", ErrorTaxonomy.SERVER_ERROR);
            FallbackChatProvider chain = fx.chain().retryPolicy(Fixtures.attempts(5))
                    .route(Route.builder(primary).breaker(BreakerSettings.disabled()).build())
                    .route(Route.builder(secondary).breaker(BreakerSettings.disabled()).build()).build();

            assertThatThrownBy(() -> chain.chat(request())).isInstanceOf(LlmException.class);
            assertThat(primary.callCount() + secondary.callCount()).isEqualTo(5);
            assertThat(primary.callCount()).isEqualTo(3);
        }

        @Test
        void aChainOfOneRouteReportsThatRoutesOwnFailure() {
            FallbackChatProvider chain = fx.chain().retryPolicy(Fixtures.attempts(1))
                    .route(failing("only", ErrorTaxonomy.OVERLOADED)).build();

            LlmException failure = catchThrowableOfType(LlmException.class, () -> chain.chat(request()));
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.OVERLOADED);
            assertThat(failure.provider()).isEqualTo("only");
            assertThat(failure.attempts()).hasSize(1);
        }

        @Test
        void byDefaultEveryRouteGetsATryEvenInALongChain() {
            List<FakeChatProvider> failing = List.of(failing("a", ErrorTaxonomy.AUTHENTICATION),
                    failing("b", ErrorTaxonomy.MODEL_NOT_FOUND), failing("c", ErrorTaxonomy.QUOTA_EXHAUSTED),
                    failing("d", ErrorTaxonomy.PERMISSION_DENIED));
            FallbackChatProvider.Builder builder = fx.chain();
            failing.forEach(builder::route);
            FallbackChatProvider chain = builder.route(replying("e", "finally")).build();

            assertThat(chain.chat(request()).content()).isEqualTo("finally");
            assertThat(chain.retryPolicy().maxAttempts()).isEqualTo(5);
        }
    }

    @Nested
    class ModelMapping {

        @Test
        void eachRouteIsAskedForItsOwnModelNeverThePrimarysModel() {
            FakeChatProvider a = failing("a", ErrorTaxonomy.OVERLOADED);
            FakeChatProvider b = replying("b", "ok");
            FallbackChatProvider chain = fx.chain().route(a, "model-a").route(b, "model-b").build();

            ChatResponse response = chain.chat(request());

            assertThat(a.requests()).extracting(ChatRequest::model).containsExactly("model-a");
            assertThat(b.requests()).extracting(ChatRequest::model).containsExactly("model-b");
            assertThat(response.model()).isEqualTo("model-b");
            assertThat(response.attempts()).extracting(Attempt::model).containsExactly("model-a", "model-b");
        }

        @Test
        void aRouteWithoutAModelPassesTheRequestsModelOn() {
            FakeChatProvider a = replying("a", "ok");
            FallbackChatProvider chain = fx.chain().route(a).build();

            chain.chat(request());
            assertThat(a.requests().get(0).model()).isEqualTo("requested-model");
        }

        @Test
        void eachTryIsSentWithTheTimeLeftAsItsTimeout() {
            FakeChatProvider a = failing("a", ErrorTaxonomy.OVERLOADED);
            FakeChatProvider b = replying("b", "ok");
            FallbackChatProvider chain = fx.chain().route(a).route(b).build();

            chain.chat(request().toBuilder().timeout(java.time.Duration.ofSeconds(30)).build());
            assertThat(a.requests().get(0).timeout()).isEqualTo(java.time.Duration.ofSeconds(30));
            assertThat(b.requests().get(0).timeout()).isLessThanOrEqualTo(java.time.Duration.ofSeconds(30));
        }

        @Test
        void routesSharingAProviderIdAreNamedAfterTheirModels() {
            FakeChatProvider one = replying("same", "x");
            FakeChatProvider two = replying("same", "y");
            FallbackChatProvider chain = fx.chain().route(one, "m1").route(two, "m2").build();

            assertThat(chain.routes()).extracting(Route::name).containsExactly("same/m1", "same/m2");
        }
    }

    @Nested
    class CapabilitySkipping {
        private final Capabilities noTools = Capabilities.ALL.toBuilder().tools(false).build();

        private ChatRequest toolRequest() {
            return request().toBuilder().addTool(Tool.function("lookup", "Looks up", null)).build();
        }

        @Test
        void aRouteLackingACapabilityTheRequestNeedsIsSkippedWithoutBeingCalled() {
            FakeChatProvider plain = FakeChatProvider.builder().id("plain").capabilities(noTools).reply("no").build();
            FakeChatProvider tools = replying("tools", "with tools");
            FallbackChatProvider chain = fx.chain().route(plain).route(tools).build();

            ChatResponse response = chain.chat(toolRequest());

            assertThat(response.content()).isEqualTo("with tools");
            assertThat(plain.callCount()).isZero();
            assertThat(response.attempts().get(0)).satisfies(a -> {
                assertThat(a.provider()).isEqualTo("plain");
                assertThat(a.error()).isEqualTo(ErrorTaxonomy.UNSUPPORTED_CAPABILITY);
                assertThat(a.note()).isEqualTo("skipped: does not support tools");
            });
        }

        @Test
        void aRequestNoRouteCanServeIsRefusedBeforeAnyCall() {
            FakeChatProvider plain = FakeChatProvider.builder().id("plain").capabilities(noTools).reply("no").build();
            FallbackChatProvider chain = fx.chain().route(plain).build();

            assertThatThrownBy(() -> chain.chat(toolRequest())).isInstanceOf(LlmException.class)
                    .hasMessageContaining("tools")
                    .extracting(e -> ((LlmException) e).category()).isEqualTo(ErrorTaxonomy.UNSUPPORTED_CAPABILITY);
            assertThat(plain.callCount()).isZero();
        }
    }

    @Nested
    class ContextLength {
        private FakeChatProvider withWindow(String id, int window, FakeChatProvider.Builder script) {
            return script.id(id).capabilities(Capabilities.ALL.toBuilder().maxContextTokens(window).build()).build();
        }

        @Test
        void skipsToARouteThatDeclaresALargerContextWindow() {
            FakeChatProvider small = withWindow("small", 8_000,
                    FakeChatProvider.builder().fail(ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED));
            FakeChatProvider smaller = withWindow("smaller", 4_000, FakeChatProvider.builder().reply("no"));
            FakeChatProvider unknown = withWindow("unknown", 0, FakeChatProvider.builder().reply("no"));
            FakeChatProvider large = withWindow("large", 128_000, FakeChatProvider.builder().reply("fits"));
            FallbackChatProvider chain = fx.chain().route(small).route(smaller).route(unknown).route(large).build();

            ChatResponse response = chain.chat(request());

            assertThat(response.content()).isEqualTo("fits");
            assertThat(smaller.callCount()).isZero();
            assertThat(unknown.callCount()).isZero();
            assertThat(response.attempts()).extracting(Attempt::provider, Attempt::outcome).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("small", "CONTEXT_LENGTH_EXCEEDED"),
                    org.assertj.core.groups.Tuple.tuple("smaller", "CONTEXT_LENGTH_EXCEEDED"),
                    org.assertj.core.groups.Tuple.tuple("unknown", "CONTEXT_LENGTH_EXCEEDED"),
                    org.assertj.core.groups.Tuple.tuple("large", "OK"));
            assertThat(response.attempts().get(1).note()).startsWith("skipped: context window 4000 tokens");
        }

        @Test
        void triesRoutesOfUnknownWindowOnlyWhenConfigured() {
            FakeChatProvider small = withWindow("small", 8_000,
                    FakeChatProvider.builder().fail(ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED));
            FakeChatProvider unknown = withWindow("unknown", 0, FakeChatProvider.builder().reply("maybe"));
            FallbackChatProvider chain = fx.chain().failoverToUnknownContextWindows(true)
                    .route(small).route(unknown).build();

            assertThat(chain.chat(request()).content()).isEqualTo("maybe");
        }

        @Test
        void withoutALargerRouteTheCallFailsWithoutTryingTheOthers() {
            FakeChatProvider small = withWindow("small", 8_000,
                    FakeChatProvider.builder().fail(ErrorTaxonomy.CONTEXT_LENGTH_EXCEEDED));
            FakeChatProvider unknown = withWindow("unknown", 0, FakeChatProvider.builder().reply("no"));
            FallbackChatProvider chain = fx.chain().route(small).route(unknown).build();

            LlmException failure = catchThrowableOfType(LlmException.class, () -> chain.chat(request()));
            assertThat(failure.category()).isEqualTo(ErrorTaxonomy.NO_PROVIDER_AVAILABLE);
            assertThat(failure.getSuppressed()).hasSize(1);
            assertThat(unknown.callCount()).isZero();
        }
    }

    @Nested
    class Usage {

        @Test
        void theAnswerCarriesOnlyTheAnsweringTrysUsageNeverASumOrAGuess() {
            FakeChatProvider failed = failing("failed", ErrorTaxonomy.SERVER_ERROR);
            FakeChatProvider answering = replying("answering", "ok");
            FallbackChatProvider chain = fx.chain().route(failed).route(answering).build();

            ChatResponse response = chain.chat(request());

            assertThat(response.usage()).isEqualTo(FakeChatProvider.DEFAULT_USAGE);
            assertThat(response.provider()).isEqualTo("answering");
        }

        @Test
        void unreportedUsageStaysUnreported() {
            ChatResponse bare = ChatResponse.builder().provider("answering").content("ok").build();
            FakeChatProvider answering = FakeChatProvider.builder().id("answering").reply(bare).build();
            FallbackChatProvider chain = fx.chain().route(failing("failed", ErrorTaxonomy.SERVER_ERROR))
                    .route(answering).build();

            assertThat(chain.chat(request()).usage().reported()).isFalse();
        }
    }
}
