package dev.multillm.fallback;

import static dev.multillm.fallback.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.ModelInfo;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.event.ChatEvent;
import dev.multillm.core.spi.ForwardingChatProvider;
import dev.multillm.testkit.FakeChatProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EventsAndLifecycleTest {
    private final Fixtures fx = new Fixtures();

    @Nested
    class Events {

        @Test
        void reportsAttemptsRetriesFailoversAndCooldownsInOrder() {
            FakeChatProvider limited = FakeChatProvider.builder().id("limited")
                    .fail(Fixtures.failure(ErrorTaxonomy.RATE_LIMITED, Duration.ofSeconds(5))).build();
            FakeChatProvider flaky = FakeChatProvider.builder().id("flaky").fail(ErrorTaxonomy.SERVER_ERROR)
                    .reply("ok").build();
            FallbackChatProvider chain = fx.chain().retryPolicy(Fixtures.attempts(4)).route(limited).route(flaky)
                    .build();

            chain.chat(request());

            List<ChatEvent> events = fx.listener.events();
            assertThat(events).extracting(e -> e.getClass().getSimpleName() + ":" + e.provider()).containsExactly(
                    "AttemptStarted:limited",
                    "CooldownStarted:limited",
                    "AttemptFinished:limited",
                    "Failover:limited",
                    "AttemptStarted:flaky",
                    "AttemptFinished:flaky",
                    "RetryScheduled:limited",
                    "Failover:flaky",
                    "AttemptStarted:limited",
                    "CooldownStarted:limited",
                    "AttemptFinished:limited",
                    "RetryScheduled:flaky",
                    "Failover:limited",
                    "AttemptStarted:flaky",
                    "AttemptFinished:flaky");
            assertThat(fx.listener.events(ChatEvent.CooldownStarted.class).get(0).duration())
                    .isEqualTo(Duration.ofSeconds(5));
            assertThat(fx.listener.events(ChatEvent.RetryScheduled.class)).first().satisfies(r -> {
                assertThat(r.delay()).isEqualTo(Duration.ofSeconds(5));
                assertThat(r.reason()).isEqualTo(ErrorTaxonomy.RATE_LIMITED);
                assertThat(r.serverDirected()).isTrue();
                assertThat(r.nextAttempt()).isEqualTo(3);
            });
            assertThat(fx.listener.events(ChatEvent.AttemptStarted.class))
                    .extracting(ChatEvent.AttemptStarted::attempt).containsExactly(1, 2, 3, 4);
        }

        @Test
        void aFailingListenerNeverBreaksACall() {
            FakeChatProvider ok = FakeChatProvider.builder().id("ok").reply("fine").build();
            FallbackChatProvider chain = FallbackChatProvider.builder().route(ok).listener(event -> {
                if (event instanceof ChatEvent.AttemptStarted) {
                    throw new IllegalStateException("listener bug (expected in this test)");
                }
            }).build();

            java.util.logging.Logger events = java.util.logging.Logger.getLogger("dev.multillm.core.event");
            java.util.logging.Level before = events.getLevel();
            events.setLevel(java.util.logging.Level.OFF); // the listener's failure is logged: keep the build quiet
            try {
                assertThat(chain.chat(request()).content()).isEqualTo("fine");
            } finally {
                events.setLevel(before);
            }
        }

        @Test
        void theHealthSnapshotIsImmutableAndInRouteOrder() {
            FallbackChatProvider chain = fx.chain().route(FakeChatProvider.builder().id("a").reply("x").build(), "m")
                    .route(FakeChatProvider.builder().id("b").reply("y").build()).build();

            List<RouteHealth> health = chain.health();
            assertThat(health).containsExactly(new RouteHealth("a", "m", BreakerState.CLOSED, null, null),
                    new RouteHealth("b", null, BreakerState.CLOSED, null, null));
            assertThat(health.get(0).available()).isTrue();
            assertThatThrownBy(() -> health.add(null)).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Nested
    class Composition {

        @Test
        void capabilitiesAreTheUnionOfTheRoutes() {
            FakeChatProvider text = FakeChatProvider.builder().id("text").reply("x")
                    .capabilities(Capabilities.builder().maxContextTokens(8_000).build()).build();
            FakeChatProvider tools = FakeChatProvider.builder().id("tools").reply("y")
                    .capabilities(Capabilities.builder().streaming(true).tools(true).maxContextTokens(32_000).build())
                    .build();
            FallbackChatProvider chain = fx.chain().route(text).route(tools).build();

            Capabilities union = chain.capabilities();
            assertThat(union.streaming()).isTrue();
            assertThat(union.tools()).isTrue();
            assertThat(union.vision()).isFalse();
            assertThat(union.maxContextTokens()).isEqualTo(32_000);
            assertThat(chain.capabilities("any-model")).isEqualTo(union);
        }

        @Test
        void aStreamIsRefusedUpFrontWhenNoRouteStreams() {
            FakeChatProvider batch = FakeChatProvider.builder().id("batch").reply("x")
                    .capabilities(Capabilities.TEXT_ONLY).build();
            FallbackChatProvider chain = fx.chain().route(batch).build();

            assertThatThrownBy(() -> chain.stream(request())).isInstanceOf(LlmException.class)
                    .extracting(e -> ((LlmException) e).category()).isEqualTo(ErrorTaxonomy.UNSUPPORTED_CAPABILITY);
        }

        @Test
        void modelsAreTheRoutesModelsInRouteOrder() {
            ChatProvider listing = new ListingProvider("one", List.of(new ModelInfo("m1", "one", 0)));
            ChatProvider other = new ListingProvider("two", List.of(new ModelInfo("m2", "two", 0),
                    new ModelInfo("m3", "two", 0)));
            FakeChatProvider cannotList = FakeChatProvider.builder().id("fake").reply("x").build();
            FallbackChatProvider chain = fx.chain().route(listing).route(cannotList).route(other)
                    .route(Route.builder(listing).name("again").build()).build();

            assertThat(chain.models()).extracting(ModelInfo::id).containsExactly("m1", "m2", "m3");
        }

        @Test
        void aChainCanBeARouteOfAnotherChain() {
            FakeChatProvider broken = FakeChatProvider.builder().id("broken").fail(ErrorTaxonomy.AUTHENTICATION)
                    .build();
            FallbackChatProvider inner = fx.chain().id("inner").route(broken)
                    .route(FakeChatProvider.builder().id("dead").fail(ErrorTaxonomy.SERVER_ERROR).build()).build();
            FakeChatProvider outerSpare = FakeChatProvider.builder().id("spare").reply("outer spare").build();
            FallbackChatProvider outer = fx.chain().id("outer").route(inner).route(outerSpare).build();

            ChatResponse response = outer.chat(request());

            assertThat(response.content()).isEqualTo("outer spare");
            assertThat(broken.callCount()).as("the inner chain gets one try per outer try").isEqualTo(1);
        }

        @Test
        void withRetryPolicyIsAViewWithAnotherBudgetSharingTheRoutes() {
            FakeChatProvider broken = FakeChatProvider.builder().id("broken").fail(ErrorTaxonomy.SERVER_ERROR).build();
            FallbackChatProvider chain = fx.chain().retryPolicy(Fixtures.attempts(3))
                    .route(Route.builder(broken).breaker(BreakerSettings.defaults().withFailureThreshold(4)).build())
                    .build();
            ChatProvider once = chain.withRetryPolicy(RetryPolicy.none());

            assertThatThrownBy(() -> once.chat(request())).isInstanceOf(LlmException.class);
            assertThat(broken.callCount()).isEqualTo(1);
            assertThatThrownBy(() -> chain.chat(request())).isInstanceOf(LlmException.class);
            assertThat(broken.callCount()).as("the 4th failure, counted across the view and the chain").isEqualTo(4);
            assertThat(chain.health().get(0).breaker()).isEqualTo(BreakerState.OPEN);

            once.close();
            assertThat(broken.isClosed()).isFalse();
        }
    }

    @Nested
    class Lifecycle {

        @Test
        void closeClosesTheRoutesProvidersOnceAndIsIdempotent() {
            FakeChatProvider a = FakeChatProvider.builder().id("a").reply("x").build();
            FakeChatProvider b = FakeChatProvider.builder().id("b").reply("y").build();
            FallbackChatProvider chain = fx.chain().route(a, "m1").route(a, "m2").route(b).build();

            chain.close();
            assertThatCode(chain::close).doesNotThrowAnyException();

            assertThat(a.isClosed()).isTrue();
            assertThat(b.isClosed()).isTrue();
        }

        @Test
        void providersItDoesNotOwnStayOpen() {
            FakeChatProvider shared = FakeChatProvider.builder().id("shared").reply("x").build();
            FallbackChatProvider chain = fx.chain().closeProvidersOnClose(false).route(shared).build();

            chain.close();
            assertThat(shared.isClosed()).isFalse();
        }

        @Test
        void callsAfterCloseFailWithoutReachingAnyRoute() {
            FakeChatProvider a = FakeChatProvider.builder().id("a").reply("x").build();
            FallbackChatProvider chain = fx.chain().closeProvidersOnClose(false).route(a).build();
            chain.close();

            assertThatThrownBy(() -> chain.chat(request())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
            assertThatThrownBy(() -> chain.stream(request())).isInstanceOf(IllegalStateException.class);
            assertThat(a.callCount()).isZero();
        }

        @Test
        void badInputIsRejectedNamingTheField() {
            FallbackChatProvider chain = fx.chain().route(FakeChatProvider.replying("x")).build();

            assertThatThrownBy(() -> chain.chat(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("request");
            assertThatThrownBy(() -> FallbackChatProvider.builder().build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("route");
            assertThatThrownBy(() -> Route.builder(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("provider");
            assertThatThrownBy(() -> FallbackChatProvider.builder()
                    .route(Route.builder(FakeChatProvider.replying("x")).name("dup").build())
                    .route(Route.builder(FakeChatProvider.replying("y")).name("dup").build()).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'dup'");
            assertThatThrownBy(() -> BreakerSettings.defaults().withHalfOpen(2, 3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("successThreshold");
        }

        @Test
        void routeProvidersAreCalledWithoutRetriesOfTheirOwn() {
            RecordsPolicy provider = new RecordsPolicy();
            FallbackChatProvider chain = fx.chain().route(provider).build();

            assertThat(chain.routes().get(0).provider()).isSameAs(provider);
            assertThat(provider.policies).containsExactly(RetryPolicy.none());
        }
    }

    /** A provider that lists models and answers nothing else. */
    private static final class ListingProvider implements ChatProvider {
        private final String id;
        private final List<ModelInfo> models;

        ListingProvider(String id, List<ModelInfo> models) {
            this.id = id;
            this.models = models;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.ALL;
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ChatStream stream(ChatRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ModelInfo> models() {
            return models;
        }

        @Override
        public void close() {
        }
    }

    /** A provider that records the retry policies it was asked to use. */
    private static final class RecordsPolicy extends ForwardingChatProvider {
        final List<RetryPolicy> policies = new java.util.concurrent.CopyOnWriteArrayList<>();

        RecordsPolicy() {
            super(FakeChatProvider.replying("x"));
        }

        @Override
        public String id() {
            return "records";
        }

        @Override
        public ChatProvider withRetryPolicy(RetryPolicy policy) {
            policies.add(policy);
            return this;
        }
    }
}
