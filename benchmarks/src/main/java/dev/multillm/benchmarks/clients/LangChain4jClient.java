package dev.multillm.benchmarks.clients;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * LangChain4j's OpenAI module ({@code dev.langchain4j:langchain4j-open-ai}) with its defaults:
 * {@link OpenAiChatModel} for calls (blocking only) and {@link OpenAiStreamingChatModel} for
 * streams (callbacks).
 *
 * <p>Thread-safety: thread-safe, as the models are.
 */
public final class LangChain4jClient implements BenchClient {
    private static final ChatRequest REQUEST = ChatRequest.builder()
            .messages(SystemMessage.from(Prompt.SYSTEM), UserMessage.from(Prompt.USER))
            .build();

    private final OpenAiChatModel chat;
    private final OpenAiStreamingChatModel streaming;

    public LangChain4jClient(URI baseUrl) {
        this.chat = OpenAiChatModel.builder().baseUrl(baseUrl.toString()).apiKey(Prompt.API_KEY)
                .modelName(Prompt.OPENAI_MODEL).temperature(Prompt.TEMPERATURE)
                .maxCompletionTokens(Prompt.MAX_TOKENS).build();
        this.streaming = OpenAiStreamingChatModel.builder().baseUrl(baseUrl.toString()).apiKey(Prompt.API_KEY)
                .modelName(Prompt.OPENAI_MODEL).temperature(Prompt.TEMPERATURE)
                .maxCompletionTokens(Prompt.MAX_TOKENS).build();
    }

    @Override
    public String name() {
        return "langchain4j";
    }

    @Override
    public String call() {
        return chat.chat(REQUEST).aiMessage().text();
    }

    /** LangChain4j has no asynchronous non-streaming call. */
    @Override
    public CompletableFuture<String> callAsync() {
        return null;
    }

    @Override
    public boolean hasAsync() {
        return false;
    }

    private CompletableFuture<Integer> start(Consumer<String> sink) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        streaming.chat(REQUEST, new StreamingChatResponseHandler() {
            private int count;

            @Override
            public void onPartialResponse(String text) {
                if (text != null && !text.isEmpty()) {
                    count++;
                    sink.accept(text);
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(count);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        return done;
    }

    @Override
    public int stream(Consumer<String> sink) throws InterruptedException, ExecutionException {
        return start(sink).get();
    }

    @Override
    public OpenStream open() {
        CountDownLatch first = new CountDownLatch(1);
        CompletableFuture<Integer> done = start(text -> first.countDown());
        done.whenComplete((n, failure) -> first.countDown());
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
                done.cancel(true);
            }
        };
    }

    @Override
    public void close() {
        // Neither model holds anything to close in LangChain4j 1.x.
    }
}
