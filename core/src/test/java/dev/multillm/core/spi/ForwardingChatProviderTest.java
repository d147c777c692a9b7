package dev.multillm.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ModelInfo;
import dev.multillm.core.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ForwardingChatProviderTest {

    /** Records the calls it receives and answers each with a fixed value. */
    static final class Recording implements ChatProvider {
        final List<String> calls = new ArrayList<>();
        final ChatResponse answer = ChatResponse.builder().provider("inner").model("m").content("hi").build();

        @Override
        public String id() {
            calls.add("id");
            return "inner";
        }

        @Override
        public Capabilities capabilities() {
            calls.add("capabilities");
            return Capabilities.TEXT_ONLY;
        }

        @Override
        public Capabilities capabilities(String model) {
            calls.add("capabilities " + model);
            return Capabilities.ALL;
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            calls.add("chat");
            return answer;
        }

        @Override
        public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
            calls.add("chatAsync");
            return CompletableFuture.completedFuture(answer);
        }

        @Override
        public ChatStream stream(ChatRequest request) {
            calls.add("stream");
            return null;
        }

        @Override
        public List<ModelInfo> models() {
            calls.add("models");
            return List.of(new ModelInfo("m", "inner", 0));
        }

        @Override
        public ChatProvider withRetryPolicy(RetryPolicy policy) {
            calls.add("withRetryPolicy");
            return new Recording();
        }

        @Override
        public void close() {
            calls.add("close");
        }

        @Override
        public String toString() {
            return "Recording";
        }
    }

    static final class Wrapper extends ForwardingChatProvider {
        Wrapper(ChatProvider delegate) {
            super(delegate);
        }

        @Override
        public Wrapper withRetryPolicy(RetryPolicy policy) {
            return new Wrapper(delegate().withRetryPolicy(policy));
        }
    }

    @Test
    void passesEveryCallToTheDelegate() {
        Recording inner = new Recording();
        Wrapper wrapper = new Wrapper(inner);
        ChatRequest request = ChatRequest.of("m", "hello");

        assertThat(wrapper.id()).isEqualTo("inner");
        assertThat(wrapper.capabilities()).isEqualTo(Capabilities.TEXT_ONLY);
        assertThat(wrapper.capabilities("m")).isEqualTo(Capabilities.ALL);
        assertThat(wrapper.chat(request)).isSameAs(inner.answer);
        assertThat(wrapper.chatAsync(request).join()).isSameAs(inner.answer);
        wrapper.stream(request);
        assertThat(wrapper.models()).extracting(ModelInfo::id).containsExactly("m");
        wrapper.close();

        assertThat(inner.calls).containsExactly("id", "capabilities", "capabilities m", "chat", "chatAsync",
                "stream", "models", "close");
    }

    @Test
    void aRetryViewKeepsTheSubclassAroundTheDelegatesView() {
        Recording inner = new Recording();

        Wrapper view = new Wrapper(inner).withRetryPolicy(RetryPolicy.none());

        assertThat(inner.calls).containsExactly("withRetryPolicy");
        assertThat(view.delegate()).isNotSameAs(inner).isInstanceOf(Recording.class);
    }

    @Test
    void namesItsClassAndDelegate() {
        assertThat(new Wrapper(new Recording())).hasToString("Wrapper[Recording]");
    }
}
