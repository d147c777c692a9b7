package dev.multillm.benchmarks.clients;

import dev.multillm.benchmarks.Wire;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * The floor: the plain {@link HttpClient} (HTTP/1.1) with a hand-written request body and the
 * least parsing that still yields the answer's text: {@code "content":"…"} found in the body, or
 * in each SSE {@code data:} line of a stream read by a {@link Flow.Subscriber} without demand
 * limits. Two variants: the client's default executor, and {@code executor(Runnable::run)}, which
 * runs response handling on the client's selector thread.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class JdkFloorClient implements BenchClient {
    private static final byte[] BODY = ("{\"model\":\"" + Prompt.OPENAI_MODEL + "\",\"messages\":["
            + "{\"role\":\"system\",\"content\":\"" + Prompt.SYSTEM + "\"},"
            + "{\"role\":\"user\",\"content\":\"" + Prompt.USER + "\"}],"
            + "\"temperature\":" + Prompt.TEMPERATURE + ",\"max_completion_tokens\":" + Prompt.MAX_TOKENS + "}")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] STREAM_BODY = ("{\"model\":\"" + Prompt.OPENAI_MODEL + "\",\"messages\":["
            + "{\"role\":\"system\",\"content\":\"" + Prompt.SYSTEM + "\"},"
            + "{\"role\":\"user\",\"content\":\"" + Prompt.USER + "\"}],"
            + "\"temperature\":" + Prompt.TEMPERATURE + ",\"max_completion_tokens\":" + Prompt.MAX_TOKENS
            + ",\"stream\":true}").getBytes(StandardCharsets.UTF_8);

    private final String name;
    private final HttpClient client;
    private final URI chat;
    private final String authorization;

    /**
     * @param direct true for {@code executor(Runnable::run)}, false for the default executor
     */
    public JdkFloorClient(String name, URI baseUrl, boolean direct) {
        this(name, baseUrl, direct, Prompt.API_KEY);
    }

    /** A floor client that sends {@code apiKey} (the proxy scenario uses the proxy's key). */
    public JdkFloorClient(String name, URI baseUrl, boolean direct, String apiKey) {
        this.name = name;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        if (direct) {
            builder.executor(Runnable::run);
        }
        this.client = builder.build();
        this.chat = URI.create(baseUrl + "/chat/completions");
        this.authorization = "Bearer " + apiKey;
    }

    private HttpRequest request(byte[] body, boolean stream) {
        return HttpRequest.newBuilder(chat)
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String call() throws IOException, InterruptedException {
        return content(client.send(request(BODY, false), HttpResponse.BodyHandlers.ofByteArray()));
    }

    @Override
    public CompletableFuture<String> callAsync() {
        return client.sendAsync(request(BODY, false), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(JdkFloorClient::content);
    }

    private static String content(HttpResponse<byte[]> response) {
        byte[] body = response.body();
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode());
        }
        return Wire.content(body, 0, body.length);
    }

    @Override
    public int stream(Consumer<String> sink) throws InterruptedException, ExecutionException {
        SseSubscriber subscriber = new SseSubscriber(sink);
        CompletableFuture<HttpResponse<Void>> sent = send(subscriber);
        try {
            return subscriber.done.get();
        } catch (InterruptedException | ExecutionException | RuntimeException e) {
            sent.cancel(true);
            throw e;
        }
    }

    private CompletableFuture<HttpResponse<Void>> send(SseSubscriber subscriber) {
        CompletableFuture<HttpResponse<Void>> sent = client.sendAsync(request(STREAM_BODY, true), info -> {
            if (info.statusCode() != 200) {
                subscriber.done.completeExceptionally(new IllegalStateException("HTTP " + info.statusCode()));
                return HttpResponse.BodySubscribers.replacing(null);
            }
            return HttpResponse.BodySubscribers.fromSubscriber(subscriber);
        });
        sent.whenComplete((r, failure) -> {
            if (failure != null) {
                subscriber.done.completeExceptionally(failure);
            }
        });
        return sent;
    }

    /**
     * Starts a stream without waiting: {@code sink} runs on the client's threads; the future
     * completes with the number of content deltas.
     */
    public CompletableFuture<Integer> streamAsync(Consumer<String> sink) {
        SseSubscriber subscriber = new SseSubscriber(sink);
        send(subscriber);
        return subscriber.done;
    }

    @Override
    public OpenStream open() {
        CountDownLatch first = new CountDownLatch(1);
        int[] seen = new int[1];
        SseSubscriber subscriber = new SseSubscriber(text -> {
            if (seen[0]++ == 0) {
                first.countDown();
            }
        });
        subscriber.done.whenComplete((n, failure) -> first.countDown());
        CompletableFuture<HttpResponse<Void>> sent = send(subscriber);
        return new OpenStream() {
            @Override
            public void awaitFirst() throws InterruptedException {
                first.await();
            }

            @Override
            public int finish() throws InterruptedException, ExecutionException {
                return subscriber.done.get();
            }

            @Override
            public void cancel() {
                sent.cancel(true);
                subscriber.cancel();
            }
        };
    }

    @Override
    public void close() {
        // java.net.http.HttpClient has no close() on Java 17: it stops once unreachable.
    }

    /** Splits the body into lines and hands each {@code data:} line's content to the sink. */
    static final class SseSubscriber implements Flow.Subscriber<List<ByteBuffer>> {
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        private final Consumer<String> sink;
        private byte[] line = new byte[512];
        private int lineLength;
        private int count;
        private volatile Flow.Subscription subscription;

        SseSubscriber(Consumer<String> sink) {
            this.sink = sink;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        void cancel() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (done.isDone()) {
                    return;
                }
                if (buffer.hasArray()) {
                    feed(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.arrayOffset() + buffer.limit());
                } else {
                    byte[] copy = new byte[buffer.remaining()];
                    buffer.get(copy);
                    feed(copy, 0, copy.length);
                }
            }
        }

        private void feed(byte[] b, int from, int to) {
            int start = from;
            for (int i = from; i < to; i++) {
                if (b[i] == '\n') {
                    if (lineLength == 0) {
                        line(b, start, i);
                    } else {
                        append(b, start, i);
                        line(line, 0, lineLength);
                        lineLength = 0;
                    }
                    start = i + 1;
                }
            }
            append(b, start, to);
        }

        private void append(byte[] b, int from, int to) {
            int n = to - from;
            if (n <= 0) {
                return;
            }
            if (lineLength + n > line.length) {
                line = Arrays.copyOf(line, Math.max(lineLength + n, line.length * 2));
            }
            System.arraycopy(b, from, line, lineLength, n);
            lineLength += n;
        }

        private void line(byte[] b, int from, int to) {
            if (to > from && b[to - 1] == '\r') {
                to--;
            }
            if (to - from < 6 || b[from] != 'd' || b[from + 4] != ':') {
                return; // blank lines, comments and other fields: nothing to do
            }
            int value = b[from + 5] == ' ' ? from + 6 : from + 5;
            if (to - value == 6 && b[value] == '[' && b[value + 1] == 'D') {
                done.complete(count); // the body's end follows at once: the connection goes back to the pool
                return;
            }
            String text = Wire.content(b, value, to);
            if (text != null) {
                count++;
                sink.accept(text);
            }
        }

        @Override
        public void onError(Throwable failure) {
            done.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            if (!done.isDone()) {
                done.completeExceptionally(new IOException("stream ended without [DONE]"));
            }
        }
    }
}
