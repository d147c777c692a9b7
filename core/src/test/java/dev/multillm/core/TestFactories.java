package dev.multillm.core;

import dev.multillm.core.spi.ChatProviderFactory;
import java.util.concurrent.CompletableFuture;

/** Factories found by ServiceLoader in core's tests. */
public final class TestFactories {
    private TestFactories() {
    }

    /** Answers every request with the configured greeting. */
    public static final class Echo implements ChatProviderFactory {
        @Override
        public String id() {
            return "echo-test";
        }

        @Override
        public ChatProvider create(ProviderConfig config) {
            String greeting = config.get("greeting").orElse("hello");
            return new ChatProvider() {
                @Override
                public String id() {
                    return "echo-test";
                }

                @Override
                public Capabilities capabilities() {
                    return Capabilities.TEXT_ONLY;
                }

                @Override
                public ChatResponse chat(ChatRequest request) {
                    return ChatResponse.builder().provider(id()).model(request.model()).content(greeting)
                            .finishReason(FinishReason.STOP).build();
                }

                @Override
                public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
                    return CompletableFuture.completedFuture(chat(request));
                }

                @Override
                public ChatStream stream(ChatRequest request) {
                    throw LlmException.builder(ErrorTaxonomy.UNSUPPORTED_CAPABILITY).provider(id()).build();
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /** Claims the same id as {@link Echo}. */
    public static final class EchoImpostor implements ChatProviderFactory {
        @Override
        public String id() {
            return "echo-test";
        }

        @Override
        public ChatProvider create(ProviderConfig config) {
            throw new UnsupportedOperationException("never created in tests");
        }
    }

    /** A second id, to check listing. */
    public static final class Other implements ChatProviderFactory {
        @Override
        public String id() {
            return "other-test";
        }

        @Override
        public ChatProvider create(ProviderConfig config) {
            return new Echo().create(config);
        }
    }
}
