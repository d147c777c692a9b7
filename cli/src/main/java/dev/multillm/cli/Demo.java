package dev.multillm.cli;

import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatProviders;
import dev.multillm.core.FinishReason;
import dev.multillm.core.ProviderConfig;
import dev.multillm.core.RateLimitSnapshot;
import dev.multillm.core.Usage;
import dev.multillm.core.event.ChatListener;
import dev.multillm.testkit.FakeUpstream;
import dev.multillm.testkit.OpenAiCompatibleFixture;
import dev.multillm.testkit.Reply;
import dev.multillm.testkit.WireFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code chat --demo}: the real engine against two simulated upstreams on the loopback interface,
 * so the first command a user runs needs no key and no network.
 *
 * <p>The route named {@code groq} is the real Groq provider pointed at a fake upstream that answers
 * the way Groq does when it is over capacity (503 with an OpenAI-style error body); the route named
 * {@code openai} is the real OpenAI provider pointed at a fake upstream that streams a plausible
 * answer word by word. Both sit in a fallback chain, so what the user sees (a failover on standard
 * error, tokens arriving on standard output) is what a real outage looks like.
 *
 * <p>Thread-safety: stateless; each {@link #start} opens its own upstreams.
 */
final class Demo {
    /** The key the simulated providers are given: the fake upstreams accept anything. */
    private static final String DUMMY_KEY = "demo-key-not-a-real-key";
    private static final Duration WORD_DELAY = Duration.ofMillis(45);
    private static final String GROQ_MODEL = "llama-3.3-70b-versatile";
    private static final String OPENAI_MODEL = "gpt-4o-mini";
    private static final String OVERLOADED_BODY =
            "{\"error\":{\"message\":\"Service Unavailable\",\"type\":\"internal_server_error\"}}";

    private Demo() {
    }

    /**
     * Starts the simulated upstreams and the chain over them.
     *
     * @param prompt    the user's prompt, which the simulated answer is chosen for
     * @param streaming whether the call will stream (the simulated answer is then sent word by word)
     * @param model     the model the user asked for with {@code -m}, or null for the usual ones
     * @param listener  hears the chain's retries and failovers
     */
    static Session start(String prompt, boolean streaming, String model, ChatListener listener) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            FakeUpstream groqUpstream = FakeUpstream.start();
            opened.add(groqUpstream);
            FakeUpstream openaiUpstream = FakeUpstream.start();
            opened.add(openaiUpstream);

            groqUpstream.enqueue(Reply.json(503, OVERLOADED_BODY)
                    .header("x-request-id", "req_demo_groq_overloaded")
                    .header("retry-after", "0"));
            openaiUpstream.enqueue(answer(prompt, streaming, model != null ? model : OPENAI_MODEL));

            ChatProvider groq = create("groq", groqUpstream, model != null ? model : GROQ_MODEL);
            opened.add(groq);
            ChatProvider openai = create("openai", openaiUpstream, model != null ? model : OPENAI_MODEL);
            opened.add(openai);
            ChatProvider chain = Chains.build(List.of(new Chains.NamedRoute("groq", groq),
                    new Chains.NamedRoute("openai", openai)), listener, 0);
            opened.add(chain);
            return new Session(chain, opened);
        } catch (RuntimeException e) {
            new Session(null, opened).close();
            throw e;
        }
    }

    private static ChatProvider create(String id, FakeUpstream upstream, String model) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("baseUrl", upstream.baseUrl().toString());
        config.put("apiKey", DUMMY_KEY);
        config.put("model", model);
        config.put("maxRetries", "0");
        return ChatProviders.create(id, ProviderConfig.of(config).withEnvironment(name -> null));
    }

    /** The simulated OpenAI answer: a stream of words with small delays, or one JSON completion. */
    private static Reply answer(String prompt, boolean streaming, String model) {
        WireFixture wire = new OpenAiCompatibleFixture();
        String text = DemoAnswers.answer(prompt);
        WireFixture.TextAnswer answer = new WireFixture.TextAnswer("chatcmpl-demo", model, text, FinishReason.STOP,
                Usage.of(DemoAnswers.tokens(prompt) + 8, DemoAnswers.tokens(text)), "req_demo_openai_ok");
        Reply reply = streaming
                ? wire.textStream(answer, DemoAnswers.words(text)).toReply().delayBetween(WORD_DELAY)
                : wire.textReply(answer);
        RateLimitSnapshot limits = new RateLimitSnapshot(10_000L, 9_999L, Duration.ofMillis(6),
                200_000L, 199_950L, Duration.ofMillis(15));
        for (Map.Entry<String, String> header : wire.rateLimitHeaders(limits)) {
            reply = reply.header(header.getKey(), header.getValue());
        }
        return reply;
    }
}
