package dev.multillm.testkit;

import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.spi.ForwardingChatProvider;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Deliberately broken providers: each is the reference provider with one behaviour broken, so
 * the self-tests can check the contract catches exactly that.
 */
final class BrokenProviders {
    private BrokenProviders() {
    }

    /** Passes every call to a delegate and lets a subclass rewrite the failures. */
    abstract static class FailureRewriting extends ForwardingChatProvider {
        FailureRewriting(ChatProvider delegate) {
            super(delegate);
        }

        abstract LlmException rewrite(LlmException failure);

        abstract ChatProvider wrap(ChatProvider other);

        private RuntimeException rewriteAny(Throwable failure) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof LlmException llm) {
                return rewrite(llm);
            }
            return cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            try {
                return delegate().chat(request);
            } catch (LlmException e) {
                throw rewrite(e);
            }
        }

        @Override
        public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
            CompletableFuture<ChatResponse> inner = delegate().chatAsync(request);
            CompletableFuture<ChatResponse> outer = new CompletableFuture<>() {
                @Override
                public boolean cancel(boolean mayInterrupt) {
                    inner.cancel(mayInterrupt);
                    return super.cancel(mayInterrupt);
                }
            };
            inner.whenComplete((r, t) -> {
                if (t != null) {
                    outer.completeExceptionally(rewriteAny(t));
                } else {
                    outer.complete(r);
                }
            });
            return outer;
        }

        @Override
        public ChatStream stream(ChatRequest request) {
            ChatStream inner;
            try {
                inner = delegate().stream(request);
            } catch (LlmException e) {
                throw rewrite(e);
            }
            return new ChatStream() {
                @Override
                public java.util.Iterator<dev.multillm.core.ChatChunk> iterator() {
                    java.util.Iterator<dev.multillm.core.ChatChunk> chunks = inner.iterator();
                    return new java.util.Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            try {
                                return chunks.hasNext();
                            } catch (LlmException e) {
                                throw rewrite(e);
                            }
                        }

                        @Override
                        public dev.multillm.core.ChatChunk next() {
                            try {
                                return chunks.next();
                            } catch (LlmException e) {
                                throw rewrite(e);
                            }
                        }
                    };
                }

                @Override
                public ChatResponse response() {
                    try {
                        return inner.response();
                    } catch (LlmException e) {
                        throw rewrite(e);
                    }
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        }

        @Override
        public ChatProvider withRetryPolicy(RetryPolicy policy) {
            return wrap(delegate().withRetryPolicy(policy));
        }

    }

    /** Reports every exhausted quota as a plain rate limit (the 429 mapping bug users keep hitting). */
    static final class QuotaAsRateLimit extends FailureRewriting {
        QuotaAsRateLimit(ChatProvider delegate) {
            super(delegate);
        }

        @Override
        LlmException rewrite(LlmException failure) {
            if (failure.category() != ErrorTaxonomy.QUOTA_EXHAUSTED) {
                return failure;
            }
            return LlmException.builder(ErrorTaxonomy.RATE_LIMITED).provider(failure.provider())
                    .status(failure.status()).errorCode(failure.errorCode()).errorType(failure.errorType())
                    .requestId(failure.requestId()).message(failure.upstreamMessage()).build();
        }

        @Override
        ChatProvider wrap(ChatProvider other) {
            return new QuotaAsRateLimit(other);
        }
    }

    /** Puts the request's Authorization header into every failure message. */
    static final class LeakingKey extends FailureRewriting {
        private final String key;

        LeakingKey(ChatProvider delegate, String key) {
            super(delegate);
            this.key = key;
        }

        @Override
        LlmException rewrite(LlmException failure) {
            return failure.toBuilder().message(failure.upstreamMessage() + " (sent with Authorization: Bearer "
                    + key + ")").build();
        }

        @Override
        ChatProvider wrap(ChatProvider other) {
            return new LeakingKey(other, key);
        }
    }

    /**
     * Declares less than it does: claims plain text only but sends every request anyway, instead
     * of refusing what it does not declare.
     */
    static final class UnderDeclaring extends FailureRewriting {
        UnderDeclaring(ChatProvider delegate) {
            super(delegate);
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.TEXT_ONLY;
        }

        @Override
        public Capabilities capabilities(String model) {
            return Capabilities.TEXT_ONLY;
        }

        @Override
        LlmException rewrite(LlmException failure) {
            return failure;
        }

        @Override
        ChatProvider wrap(ChatProvider other) {
            return new UnderDeclaring(other);
        }
    }

    /**
     * An HTTP client whose response bodies lose every {@code data: [DONE]} line: the provider
     * above it never sees the end marker, so it waits for EOF, like a client that ignores it.
     */
    static final class DoneSwallowingHttpClient extends HttpClient {
        private static final String DONE = "data: [DONE]";
        private final HttpClient delegate = HttpClient.newBuilder().version(Version.HTTP_1_1).build();

        @Override
        public Optional<CookieHandler> cookieHandler() {
            return delegate.cookieHandler();
        }

        @Override
        public Optional<Duration> connectTimeout() {
            return delegate.connectTimeout();
        }

        @Override
        public Redirect followRedirects() {
            return delegate.followRedirects();
        }

        @Override
        public Optional<ProxySelector> proxy() {
            return delegate.proxy();
        }

        @Override
        public SSLContext sslContext() {
            return delegate.sslContext();
        }

        @Override
        public SSLParameters sslParameters() {
            return delegate.sslParameters();
        }

        @Override
        public Optional<Authenticator> authenticator() {
            return delegate.authenticator();
        }

        @Override
        public Version version() {
            return delegate.version();
        }

        @Override
        public Optional<Executor> executor() {
            return delegate.executor();
        }

        @Override
        public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
                throws IOException, InterruptedException {
            return delegate.send(request, filtering(handler));
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                                                                HttpResponse.BodyHandler<T> handler) {
            return delegate.sendAsync(request, filtering(handler));
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                                                                HttpResponse.BodyHandler<T> handler,
                                                                HttpResponse.PushPromiseHandler<T> push) {
            return delegate.sendAsync(request, filtering(handler), push);
        }

        private static <T> HttpResponse.BodyHandler<T> filtering(HttpResponse.BodyHandler<T> handler) {
            return info -> new Filtering<>(handler.apply(info), BrokenProviders::withoutDone);
        }
    }

    static ByteBuffer withoutDone(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (!text.contains(DoneSwallowingHttpClient.DONE)) {
            return ByteBuffer.wrap(bytes);
        }
        return ByteBuffer.wrap(text.replace(DoneSwallowingHttpClient.DONE, ": swallowed")
                .getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A body subscriber that rewrites each buffer before passing it on. */
    private static final class Filtering<T> implements HttpResponse.BodySubscriber<T> {
        private final HttpResponse.BodySubscriber<T> downstream;
        private final UnaryOperator<ByteBuffer> filter;

        Filtering(HttpResponse.BodySubscriber<T> downstream, UnaryOperator<ByteBuffer> filter) {
            this.downstream = downstream;
            this.filter = filter;
        }

        @Override
        public CompletionStage<T> getBody() {
            return downstream.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            downstream.onSubscribe(subscription);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            downstream.onNext(item.stream().map(filter).toList());
        }

        @Override
        public void onError(Throwable throwable) {
            downstream.onError(throwable);
        }

        @Override
        public void onComplete() {
            downstream.onComplete();
        }
    }
}
