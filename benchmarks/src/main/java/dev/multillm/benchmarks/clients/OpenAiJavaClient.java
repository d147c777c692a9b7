package dev.multillm.benchmarks.clients;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The official OpenAI Java SDK ({@code com.openai:openai-java}, OkHttp), with its defaults:
 * blocking calls and streams on the caller's thread, {@code client.async()} for calls in flight
 * and for concurrent streams.
 *
 * <p>Thread-safety: thread-safe, as the SDK's client is.
 */
public final class OpenAiJavaClient implements BenchClient {
    private static final ChatCompletionCreateParams PARAMS = ChatCompletionCreateParams.builder()
            .model(Prompt.OPENAI_MODEL)
            .addSystemMessage(Prompt.SYSTEM)
            .addUserMessage(Prompt.USER)
            .temperature(Prompt.TEMPERATURE)
            .maxCompletionTokens(Prompt.MAX_TOKENS)
            .build();

    private final OpenAIClient client;

    public OpenAiJavaClient(URI baseUrl) {
        this.client = OpenAIOkHttpClient.builder().baseUrl(baseUrl.toString()).apiKey(Prompt.API_KEY).build();
    }

    @Override
    public String name() {
        return "openai-java";
    }

    @Override
    public String call() {
        return text(client.chat().completions().create(PARAMS));
    }

    private static String text(ChatCompletion completion) {
        return completion.choices().get(0).message().content().orElse(null);
    }

    @Override
    public CompletableFuture<String> callAsync() {
        return client.async().chat().completions().create(PARAMS).thenApply(OpenAiJavaClient::text);
    }

    private static int deliver(ChatCompletionChunk chunk, Consumer<String> sink) {
        int n = 0;
        for (ChatCompletionChunk.Choice choice : chunk.choices()) {
            Optional<String> content = choice.delta().content();
            if (content.isPresent() && !content.get().isEmpty()) {
                sink.accept(content.get());
                n++;
            }
        }
        return n;
    }

    @Override
    public int stream(Consumer<String> sink) {
        int[] n = new int[1];
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(PARAMS)) {
            stream.stream().forEach(chunk -> n[0] += deliver(chunk, sink));
        }
        return n[0];
    }

    @Override
    public OpenStream open() {
        CountDownLatch first = new CountDownLatch(1);
        AtomicInteger count = new AtomicInteger();
        AsyncStreamResponse<ChatCompletionChunk> stream = client.async().chat().completions().createStreaming(PARAMS);
        CompletableFuture<Integer> done = new CompletableFuture<>();
        stream.subscribe(new AsyncStreamResponse.Handler<ChatCompletionChunk>() {
            @Override
            public void onNext(ChatCompletionChunk chunk) {
                if (count.addAndGet(deliver(chunk, text -> { })) > 0) {
                    first.countDown();
                }
            }

            @Override
            public void onComplete(Optional<Throwable> error) {
                first.countDown();
                if (error.isPresent()) {
                    done.completeExceptionally(error.get());
                } else {
                    done.complete(count.get());
                }
            }
        });
        return new OpenStream() {
            @Override
            public void awaitFirst() throws InterruptedException {
                first.await();
            }

            @Override
            public int finish() throws InterruptedException, ExecutionException {
                return done.get();
            }

            @Override
            public void cancel() {
                stream.close();
            }
        };
    }

    @Override
    public void close() {
        client.close();
    }
}
