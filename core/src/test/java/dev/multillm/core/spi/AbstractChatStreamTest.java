package dev.multillm.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class AbstractChatStreamTest {

    /** Replays fixed chunks; counts how often advance() ran. */
    static final class Replay extends AbstractChatStream {
        final ArrayDeque<ChatChunk> pending;
        final List<ChatChunk> taken = new ArrayList<>();
        boolean closed;

        Replay(String... texts) {
            pending = new ArrayDeque<>();
            for (String text : texts) {
                pending.add(new ChatChunk(0, text, null, null, List.of(), null, null, "m"));
            }
        }

        @Override
        protected boolean advance() {
            return !closed && !pending.isEmpty();
        }

        @Override
        protected ChatChunk take() {
            ChatChunk chunk = pending.poll();
            taken.add(chunk);
            return chunk;
        }

        @Override
        public ChatResponse response() {
            drain();
            return ChatResponse.builder().provider("replay").model("m").build();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void iteratesTheChunksAdvanceMakesReady() {
        Replay stream = new Replay("a", "b");
        List<String> seen = new ArrayList<>();

        for (ChatChunk chunk : stream) {
            seen.add(chunk.content());
        }

        assertThat(seen).containsExactly("a", "b");
    }

    @Test
    void hasNextDoesNotConsumeAChunk() {
        Iterator<ChatChunk> chunks = new Replay("a").iterator();

        assertThat(chunks.hasNext()).isTrue();
        assertThat(chunks.hasNext()).isTrue();
        assertThat(chunks.next().content()).isEqualTo("a");
        assertThat(chunks.hasNext()).isFalse();
    }

    @Test
    void nextAfterTheEndFails() {
        Iterator<ChatChunk> chunks = new Replay().iterator();

        assertThatThrownBy(chunks::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void canBeIteratedOnce() {
        Replay stream = new Replay("a");
        stream.iterator();

        assertThatThrownBy(stream::iterator).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("once");
    }

    @Test
    void drainTakesWhatWasNotRead() {
        Replay stream = new Replay("a", "b", "c");
        stream.iterator().next();

        stream.response();

        assertThat(stream.taken).extracting(ChatChunk::content).containsExactly("a", "b", "c");
    }

    @Test
    void anInterruptedReaderClosesTheStreamAndKeepsItsInterrupt() {
        Replay stream = new Replay("a");

        LlmException failure = stream.interrupted("replay", "for the stream", new InterruptedException()).build();

        try {
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(stream.closed).isTrue();
        assertThat(failure.category()).isEqualTo(ErrorTaxonomy.CANCELLED);
        assertThat(failure.provider()).isEqualTo("replay");
        assertThat(failure.getMessage()).contains("interrupted while waiting for the stream");
    }
}
