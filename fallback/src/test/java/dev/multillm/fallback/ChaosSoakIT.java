package dev.multillm.fallback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.FinishReason;
import dev.multillm.core.LlmException;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.StreamInterruptedException;
import dev.multillm.core.Timeouts;
import dev.multillm.core.Usage;
import dev.multillm.core.event.ChatEvent;
import dev.multillm.core.openai.OpenAiCompatibleChatProvider;
import dev.multillm.testkit.FakeUpstream;
import dev.multillm.testkit.OpenAiCompatibleFixture;
import dev.multillm.testkit.RecordingListener;
import dev.multillm.testkit.Reply;
import dev.multillm.testkit.WireFixture.ErrorAnswer;
import dev.multillm.testkit.WireFixture.StreamEvents;
import dev.multillm.testkit.WireFixture.TextAnswer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Chaos soak: three fake upstreams answer at random with errors of every category, resets,
 * stalls, truncated streams, mid-stream failures and delays, while a few thousand mixed sync,
 * async (some cancelled) and streaming (some closed early) calls run through one chain.
 *
 * <p>Every call must end with a success or a classified {@link LlmException}, within its deadline
 * (plus slack for a loaded machine), without duplicated output; no thread or connection may be
 * left behind. The figures are printed.
 */
class ChaosSoakIT {
    private static final int CALLS = 2_000;
    private static final int CALLERS = 24;
    private static final Duration DEADLINE = Duration.ofSeconds(3);
    private static final Duration SLACK = Duration.ofSeconds(5);
    private static final long SEED = 20_261_125L;
    /** The first kinds of reply in {@link #script} are answers. */
    private static final int ANSWERS = 6;

    private final OpenAiCompatibleFixture wire = new OpenAiCompatibleFixture();

    private record Upstream(String name, FakeUpstream server, String answer, List<String> deltas) {
    }

    @Test
    void everyCallEndsClassifiedInTimeWithoutDuplicatedOutputOrLeaks() throws Exception {
        Random random = new Random(SEED);
        List<Upstream> upstreams = List.of(upstream("alpha", "alpha says hello to you"),
                upstream("beta", "beta answers the question"), upstream("gamma", "gamma replies in four parts"));
        RecordingListener listener = new RecordingListener();
        FallbackChatProvider chain = chain(upstreams, listener);
        Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        AtomicLong slowest = new AtomicLong();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            long scripting = System.nanoTime();
            for (Upstream u : upstreams) {
                u.server().enqueue(script(u, random, 1_200).toArray(Reply[]::new));
            }
            System.out.printf("chaos soak: scripted the upstreams in %d ms%n",
                    (System.nanoTime() - scripting) / 1_000_000);
            // Warm up lazily created threads (HTTP clients, timers) before the baseline.
            warmUp(chain);
            int baseline = liveThreads();
            long started = System.nanoTime();

            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                long callSeed = random.nextLong();
                done.add(callers.submit(() -> runOne(chain, new Random(callSeed), upstreams, successes, failures,
                        slowest, problems)));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            long transitions = listener.events(ChatEvent.BreakerStateChanged.class).size();
            System.out.printf("chaos soak: %d calls in %d ms, %d callers%n", CALLS, took.toMillis(), CALLERS);
            System.out.printf("  successes by route: %s%n", new TreeMap<>(successes));
            System.out.printf("  failures by category: %s%n", new TreeMap<>(failures));
            System.out.printf("  breaker transitions: %d %s%n", transitions,
                    breakerTransitions(listener));
            System.out.printf("  cooldowns: %d, failovers: %d, retries: %d, slowest call: %d ms%n",
                    listener.events(ChatEvent.CooldownStarted.class).size(),
                    listener.events(ChatEvent.Failover.class).size(),
                    listener.events(ChatEvent.RetryScheduled.class).size(), slowest.get() / 1_000_000);
            for (Upstream u : upstreams) {
                System.out.printf("  %s: %d requests, %d connections open%n", u.name(), u.server().requestCount(),
                        u.server().openConnections());
            }

            assertThat(problems).as("calls that broke a rule").isEmpty();
            int ended = successes.values().stream().mapToInt(AtomicInteger::get).sum()
                    + failures.values().stream().mapToInt(AtomicInteger::get).sum();
            assertThat(ended).isEqualTo(CALLS);
            assertThat(successes).as("some calls succeed despite the chaos").isNotEmpty();
            for (Upstream u : upstreams) {
                // Only the HTTP client's idle keep-alive pool may stay: stalled and cancelled exchanges are closed.
                dev.multillm.testkit.Await.until(u.name() + " connections to settle",
                        () -> u.server().openConnections() <= 2 * CALLERS, Duration.ofSeconds(10));
            }
            dev.multillm.testkit.Await.until("threads to settle near " + baseline,
                    () -> liveThreads() <= baseline + 2 * CALLERS, Duration.ofSeconds(10));
        } finally {
            callers.shutdownNow();
            chain.close();
            for (Upstream u : upstreams) {
                u.server().close();
            }
        }
    }

    private Upstream upstream(String name, String answer) {
        List<String> deltas = new ArrayList<>();
        for (String word : answer.split("(?<= )")) {
            deltas.add(word);
        }
        return new Upstream(name, FakeUpstream.start(), answer, List.copyOf(deltas));
    }

    private FallbackChatProvider chain(List<Upstream> upstreams, RecordingListener listener) {
        // Stalls cost a first-token or idle timeout; long enough that a loaded machine does not time out answers.
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(1), Duration.ofMillis(800), Duration.ofMillis(800),
                Duration.ofSeconds(5));
        FallbackChatProvider.Builder builder = FallbackChatProvider.builder().id("chaos")
                .retryPolicy(new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(50), 2.0,
                        Duration.ofSeconds(1)))
                .totalTimeout(DEADLINE).listener(listener);
        for (int i = 0; i < upstreams.size(); i++) {
            Upstream u = upstreams.get(i);
            OpenAiCompatibleChatProvider provider = OpenAiCompatibleChatProvider.builder().id(u.name())
                    .baseUrl(u.server().baseUrl()).timeouts(timeouts).build();
            builder.route(Route.builder(provider).model(u.name() + "-model")
                    .breaker(BreakerSettings.defaults().withFailureRatio(15, 20).withOpenDelay(Duration.ofMillis(50))
                            .withHalfOpen(8, 2))
                    .hedgeAfter(i == 0 ? Duration.ofMillis(150) : null)
                    .rateLimitCooldown(Duration.ofMillis(50)).build());
        }
        return builder.build();
    }

    /** A random script: mostly answers, and every kind of failure. */
    private List<Reply> script(Upstream u, Random random, int length) {
        TextAnswer answer = new TextAnswer("chatcmpl-" + u.name(), u.name() + "-model", u.answer(), FinishReason.STOP,
                Usage.of(7, 5), "req-" + u.name());
        StreamEvents events = wire.textStream(answer, u.deltas());
        List<Supplier<Reply>> kinds = List.of(
                () -> wire.textReply(answer),
                () -> wire.textReply(answer),
                () -> events.toReply(),
                () -> events.toReply(),
                () -> events.toReply().delayBetween(Duration.ofMillis(5)),
                () -> wire.textReply(answer).afterDelay(Duration.ofMillis(40)),
                () -> error(400, null, "invalid_request_error"),
                () -> error(400, "context_length_exceeded", "invalid_request_error"),
                () -> error(400, "content_policy_violation", "invalid_request_error"),
                () -> error(401, "invalid_api_key", "invalid_request_error"),
                () -> error(403, null, "permission_error"),
                () -> error(404, "model_not_found", "invalid_request_error"),
                () -> error(413, null, "invalid_request_error"),
                () -> wire.errorReply(ErrorAnswer.of(429, "rate_limit_exceeded", "requests", "slow down")
                        .withHeader("retry-after-ms", "40")),
                () -> error(429, "insufficient_quota", "insufficient_quota"),
                () -> error(500, null, "server_error"),
                () -> error(502, null, null),
                () -> error(503, null, "server_error"),
                () -> error(529, "overloaded_error", "overloaded_error"),
                () -> Reply.reset(),
                () -> Reply.garbage(),
                () -> Reply.noResponse(),
                () -> Reply.json(200, "{\"choices\": [ {"),
                () -> events.toReply(events.outputEvents()),
                () -> events.toReply(events.outputEvents().subList(0, 2)).thenStall(),
                () -> events.toReply(events.outputEvents().subList(0, 1)).thenReset(),
                () -> Reply.sseRaw(wire.streamErrorEvent(ErrorAnswer.of(503, null, "server_error", "busy"))),
                () -> Reply.stallAfter(0));
        // Seven replies in ten answer (6 ways: half of them a stream, which fails a non-streamed call and the
        // other way round), three in ten fail in one of the other ways, evenly.
        List<Reply> script = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(10) < 7 ? random.nextInt(ANSWERS)
                    : ANSWERS + random.nextInt(kinds.size() - ANSWERS);
            script.add(kinds.get(pick).get());
        }
        script.add(wire.textReply(answer)); // repeats once the script is used up: an upstream that answers
        return script;
    }

    private Reply error(int status, String code, String type) {
        return wire.errorReply(ErrorAnswer.of(status, code, type, "chaos " + status));
    }

    private void warmUp(FallbackChatProvider chain) {
        for (int i = 0; i < 6; i++) {
            try {
                chain.chat(request());
            } catch (LlmException ignored) {
                // whatever the script says
            }
        }
    }

    private static ChatRequest request() {
        return ChatRequest.builder().addUserMessage("Tell me something.").build();
    }

    private void runOne(FallbackChatProvider chain, Random random, List<Upstream> upstreams,
                        Map<String, AtomicInteger> successes, Map<String, AtomicInteger> failures, AtomicLong slowest,
                        List<String> problems) {
        long start = System.nanoTime();
        int kind = random.nextInt(10);
        try {
            if (kind < 4) {
                ChatResponse response = chain.chat(request());
                checkAnswer(response.content(), upstreams, "chat", problems);
                count(successes, response.provider());
            } else if (kind < 7) {
                CompletableFuture<ChatResponse> future = chain.chatAsync(request());
                boolean cancel = random.nextInt(5) == 0;
                ChatResponse response;
                try {
                    response = cancel ? future.get(random.nextInt(50), TimeUnit.MILLISECONDS)
                            : future.get(DEADLINE.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (!cancel) {
                        problems.add("chatAsync did not end within its deadline plus slack");
                        future.cancel(true);
                        return;
                    }
                    future.cancel(true);
                    count(failures, "CANCELLED (by the test)");
                    return;
                }
                checkAnswer(response.content(), upstreams, "chatAsync", problems);
                count(successes, response.provider());
            } else {
                boolean closeEarly = random.nextInt(5) == 0;
                StringBuilder seen = new StringBuilder();
                try (ChatStream stream = chain.stream(request())) {
                    Iterator<ChatChunk> chunks = stream.iterator();
                    try {
                        while (chunks.hasNext()) {
                            ChatChunk chunk = chunks.next();
                            if (chunk.content() != null) {
                                seen.append(chunk.content());
                            }
                            if (closeEarly && chunk.hasOutput()) {
                                closeEarly(stream);
                            }
                        }
                    } catch (StreamInterruptedException interrupted) {
                        if (!interrupted.partialContent().contentEquals(seen)) {
                            problems.add("partial content '" + interrupted.partialContent() + "' is not what was seen '"
                                    + seen + "'");
                        }
                        checkPrefix(seen.toString(), upstreams, problems);
                        throw interrupted;
                    }
                    if (closeEarly && seen.length() > 0) {
                        checkPrefix(seen.toString(), upstreams, problems);
                        count(failures, "CLOSED EARLY (by the test)");
                        return;
                    }
                    ChatResponse response = stream.response();
                    if (!response.content().contentEquals(seen)) {
                        problems.add("streamed '" + seen + "' but folded '" + response.content() + "'");
                    }
                    checkAnswer(seen.toString(), upstreams, "stream", problems);
                    count(successes, response.provider());
                }
            }
        } catch (LlmException e) {
            count(failures, e.category().name());
        } catch (CancellationException e) {
            problems.add("unexpected cancellation: " + e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LlmException llm) {
                count(failures, llm.category().name());
            } else {
                problems.add("unclassified failure: " + e.getCause());
            }
        } catch (Throwable t) {
            problems.add("unclassified failure: " + t);
        } finally {
            long took = System.nanoTime() - start;
            slowest.accumulateAndGet(took, Math::max);
        }
    }

    /** The caller walking away in the middle of a stream. */
    private static void closeEarly(ChatStream stream) {
        stream.close();
    }

    private static void checkAnswer(String content, List<Upstream> upstreams, String how, List<String> problems) {
        if (upstreams.stream().noneMatch(u -> u.answer().equals(content))) {
            problems.add(how + " answered '" + content + "', not exactly one upstream's answer");
        }
    }

    private static void checkPrefix(String seen, List<Upstream> upstreams, List<String> problems) {
        if (upstreams.stream().noneMatch(u -> u.answer().startsWith(seen))) {
            problems.add("streamed output '" + seen + "' is not a prefix of one answer (duplicated or mixed)");
        }
    }

    private static void count(Map<String, AtomicInteger> counts, String key) {
        counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    private static Map<String, Long> breakerTransitions(RecordingListener listener) {
        Map<String, Long> byTarget = new TreeMap<>();
        for (ChatEvent.BreakerStateChanged e : listener.events(ChatEvent.BreakerStateChanged.class)) {
            byTarget.merge(e.provider() + "→" + e.to(), 1L, Long::sum);
        }
        return byTarget;
    }

    private static int liveThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> !t.getName().startsWith(FakeUpstream.THREAD_PREFIX)).count();
    }
}
