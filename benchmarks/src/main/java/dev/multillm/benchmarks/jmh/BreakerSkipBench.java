package dev.multillm.benchmarks.jmh;

import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.FinishReason;
import dev.multillm.core.LlmException;
import dev.multillm.fallback.BreakerSettings;
import dev.multillm.fallback.FallbackChatProvider;
import dev.multillm.fallback.Route;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a chain costs without any I/O: an in-memory provider called directly, through a one-route
 * chain, and through a chain whose first route's breaker is open (skipped). The skip's cost is
 * {@code openFirstRoute - oneRouteChain}.
 *
 * <p>Thread-safety: JMH state, shared; the chains are thread-safe.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BreakerSkipBench {
    private static final ChatRequest REQUEST = ChatRequest.of(null, "Explain circuit breakers in one sentence.");

    private ChatProvider instant;
    private FallbackChatProvider single;
    private FallbackChatProvider open;

    @Setup
    public void setUp() {
        instant = new InstantProvider();
        single = FallbackChatProvider.builder().route(Route.of(instant, "m")).build();
        open = FallbackChatProvider.builder()
                .route(Route.builder(new FailingProvider()).model("m")
                        .breaker(BreakerSettings.defaults().withFailureThreshold(1).withOpenDelay(Duration.ofHours(1)))
                        .build())
                .route(Route.of(instant, "m"))
                .build();
        open.chat(REQUEST); // fails over once: the first route's breaker opens
    }

    @TearDown
    public void tearDown() {
        single.close();
        open.close();
    }

    @Benchmark
    public ChatResponse provider() {
        return instant.chat(REQUEST);
    }

    @Benchmark
    public ChatResponse oneRouteChain() {
        return single.chat(REQUEST);
    }

    @Benchmark
    public ChatResponse openFirstRoute() {
        return open.chat(REQUEST);
    }

    /** Answers at once from memory. */
    static final class InstantProvider implements ChatProvider {
        private static final ChatResponse ANSWER = ChatResponse.builder().provider("instant").model("m")
                .content("ok").finishReason(FinishReason.STOP).build();

        @Override
        public String id() {
            return "instant";
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.ALL;
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            return ANSWER;
        }

        @Override
        public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
            return CompletableFuture.completedFuture(ANSWER);
        }

        @Override
        public ChatStream stream(ChatRequest request) {
            throw LlmException.builder(ErrorTaxonomy.UNSUPPORTED_CAPABILITY).provider("instant").build();
        }

        @Override
        public void close() {
        }
    }

    /** Always overloaded: a health failure, so the breaker counts it. */
    static final class FailingProvider implements ChatProvider {
        private static LlmException failure() {
            return LlmException.builder(ErrorTaxonomy.OVERLOADED).provider("failing").status(503).build();
        }

        @Override
        public String id() {
            return "failing";
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.ALL;
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            throw failure();
        }

        @Override
        public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
            return CompletableFuture.failedFuture(failure());
        }

        @Override
        public ChatStream stream(ChatRequest request) {
            throw failure();
        }

        @Override
        public void close() {
        }
    }
}
