package dev.multillm.examples;

import dev.multillm.core.FinishReason;
import dev.multillm.core.ProviderConfig;
import dev.multillm.core.ToolCall;
import dev.multillm.core.Usage;
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
 * Lets the examples run without a key: when the key variable is not set, a fake OpenAI-compatible
 * upstream (the testkit's {@link FakeUpstream}) starts on the loopback interface and answers with
 * a script; when it is set, nothing starts and the example talks to the real service.
 *
 * <pre>{@code
 * try (LocalSimulator local = LocalSimulator.unlessSet("GROQ_API_KEY", LocalSimulator.text("Hi!"));
 *      ChatProvider groq = ChatProviders.create("groq", local.config(Map.of("model", "llama-3.3-70b-versatile")))) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safety: thread-safe (the fake upstream serves requests concurrently).
 */
public final class LocalSimulator implements AutoCloseable {
    private static final WireFixture WIRE = new OpenAiCompatibleFixture();
    /** The key the providers send to the simulator; it accepts anything. */
    private static final String DUMMY_KEY = "local-simulator-key";

    private final FakeUpstream upstream;

    private LocalSimulator(FakeUpstream upstream) {
        this.upstream = upstream;
    }

    /**
     * A simulator answering with {@code script} (one reply per request, the last one repeating),
     * unless the environment variable {@code keyVariable} is set.
     */
    public static LocalSimulator unlessSet(String keyVariable, Reply... script) {
        String key = System.getenv(keyVariable);
        if (key != null && !key.isBlank()) {
            return new LocalSimulator(null);
        }
        FakeUpstream upstream = FakeUpstream.start();
        upstream.enqueue(script);
        return new LocalSimulator(upstream);
    }

    /** Whether requests go to the simulator (no key was set). */
    public boolean active() {
        return upstream != null;
    }

    /**
     * Provider configuration: {@code settings}, plus the simulator's base URL and a dummy key when
     * the simulator is active. Environment fallbacks ({@code GROQ_API_KEY}, ...) work as usual.
     */
    public ProviderConfig config(Map<String, String> settings) {
        Map<String, String> values = new LinkedHashMap<>(settings);
        if (active()) {
            values.put("baseUrl", upstream.baseUrl().toString());
            values.put("apiKey", DUMMY_KEY);
        }
        return ProviderConfig.of(values);
    }

    /** The requests the simulator received (empty when inactive). */
    public int requestCount() {
        return active() ? upstream.requestCount() : 0;
    }

    @Override
    public void close() {
        if (upstream != null) {
            upstream.close();
        }
    }

    // ------------------------------------------------------------------------------ scripted replies

    /** A complete text answer. */
    public static Reply text(String content) {
        return WIRE.textReply(answer(content));
    }

    /** A text answer streamed word by word, a few milliseconds apart. */
    public static Reply streamed(String content) {
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < content.length(); i++) {
            if (content.charAt(i) == ' ') {
                words.add(content.substring(start, i));
                start = i;
            }
        }
        words.add(content.substring(start));
        return WIRE.textStream(answer(content), words).toReply().delayBetween(Duration.ofMillis(20));
    }

    /** An answer that asks for one tool call. */
    public static Reply toolCall(String id, String name, String argumentsJson) {
        return WIRE.toolCallReply(new WireFixture.ToolCallAnswer("chatcmpl-sim", "simulated-model",
                List.of(new ToolCall(id, name, argumentsJson)), Usage.of(40, 12), "req_sim_tool"));
    }

    /** An HTTP error with an OpenAI-style error body. */
    public static Reply error(int status, String code, String type, String message) {
        return WIRE.errorReply(WireFixture.ErrorAnswer.of(status, code, type, message));
    }

    private static WireFixture.TextAnswer answer(String content) {
        return new WireFixture.TextAnswer("chatcmpl-sim", "simulated-model", content, FinishReason.STOP,
                Usage.of(20, Math.max(1, content.length() / 4)), "req_sim_1");
    }
}
