package dev.multillm.benchmarks.clients;

import dev.multillm.core.ApiKey;
import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.fallback.BreakerSettings;
import dev.multillm.fallback.FallbackChatProvider;
import dev.multillm.fallback.Route;
import dev.multillm.groq.GroqChatProvider;
import dev.multillm.openai.OpenAiChatProvider;
import java.net.URI;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * multillm behind {@link BenchClient}: any {@link ChatProvider} (the OpenAI and Groq providers,
 * a fallback chain), called through the public API only.
 *
 * <p>Thread-safety: thread-safe, as the provider is.
 */
public final class MultillmClient implements BenchClient {
    private static final ChatRequest REQUEST = ChatRequest.builder()
            .addSystemMessage(Prompt.SYSTEM)
            .addUserMessage(Prompt.USER)
            .temperature(Prompt.TEMPERATURE)
            .maxOutputTokens(Prompt.MAX_TOKENS)
            .build();

    private final String name;
    private final ChatProvider provider;

    /** Wraps {@code provider}, which this client closes. */
    public MultillmClient(String name, ChatProvider provider) {
        this.name = name;
        this.provider = provider;
    }

    /** multillm's OpenAI provider pointed at {@code baseUrl}. */
    public static OpenAiChatProvider openAi(URI baseUrl) {
        return OpenAiChatProvider.builder().baseUrl(baseUrl).apiKey(ApiKey.of(Prompt.API_KEY))
                .defaultModel(Prompt.OPENAI_MODEL).build();
    }

    /** multillm's Groq provider pointed at {@code baseUrl}. */
    public static GroqChatProvider groq(URI baseUrl) {
        return GroqChatProvider.builder().baseUrl(baseUrl).apiKey(ApiKey.of("gsk_bench_not_a_real_key"))
                .defaultModel(Prompt.GROQ_MODEL).build();
    }

    /** A two-route chain: the OpenAI provider at {@code first}, then the Groq provider at {@code second}. */
    public static FallbackChatProvider chain(URI first, URI second, BreakerSettings firstBreaker) {
        return FallbackChatProvider.builder()
                .route(Route.builder(openAi(first)).model(Prompt.OPENAI_MODEL).breaker(firstBreaker).build())
                .route(Route.of(groq(second), Prompt.GROQ_MODEL))
                .closeProvidersOnClose(true)
                .build();
    }

    /** The provider under test. */
    public ChatProvider provider() {
        return provider;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String call() {
        return provider.chat(REQUEST).content();
    }

    @Override
    public CompletableFuture<String> callAsync() {
        return provider.chatAsync(REQUEST).thenApply(ChatResponse::content);
    }

    @Override
    public int stream(Consumer<String> sink) {
        int n = 0;
        try (ChatStream stream = provider.stream(REQUEST)) {
            for (ChatChunk chunk : stream) {
                String text = chunk.content();
                if (text != null && !text.isEmpty()) {
                    sink.accept(text);
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    public OpenStream open() {
        ChatStream stream = provider.stream(REQUEST);
        Iterator<ChatChunk> chunks = stream.iterator();
        return new OpenStream() {
            private int count;

            private boolean nextContent() {
                while (chunks.hasNext()) {
                    String text = chunks.next().content();
                    if (text != null && !text.isEmpty()) {
                        count++;
                        return true;
                    }
                }
                return false;
            }

            @Override
            public void awaitFirst() {
                nextContent();
            }

            @Override
            public int finish() {
                try (stream) {
                    while (nextContent()) {
                        // counting
                    }
                }
                return count;
            }

            @Override
            public void cancel() {
                stream.close();
            }
        };
    }

    @Override
    public void close() {
        provider.close();
    }
}
