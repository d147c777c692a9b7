package dev.multillm.core.internal.call;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The hand-over from one streamed try to the thread that consumes it. */
class ChunkQueueTest {
    private final ChunkQueue queue = new ChunkQueue();

    @Test
    void handsOverEveryChunkInOrderBeforeTheEnding() throws Exception {
        ChatChunk a = ChatChunk.content("a");
        ChatChunk b = ChatChunk.content("b");
        queue.add(a);
        queue.add(b);
        queue.end(ChunkQueue.Done.INSTANCE);

        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.take()).isSameAs(a);
        assertThat(queue.poll()).isSameAs(b);
        assertThat(queue.take()).isSameAs(ChunkQueue.Done.INSTANCE);
        assertThat(queue.poll()).as("the ending stays").isSameAs(ChunkQueue.Done.INSTANCE);
    }

    @Test
    void keepsTheFirstEnding() throws Exception {
        ChunkQueue.Failed failed = new ChunkQueue.Failed(
                LlmException.builder(ErrorTaxonomy.TIMEOUT).provider("p").message("late").build());
        queue.end(failed);
        queue.end(ChunkQueue.Done.INSTANCE);
        assertThat(queue.take()).isSameAs(failed);
    }

    @Test
    void pollIsNullWhileNothingWaits() {
        assertThat(queue.poll()).isNull();
    }

    @Test
    void aWaitingConsumerWakesForTheNextChunk() throws Exception {
        CompletableFuture<Object> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        ChatChunk chunk = ChatChunk.content("late");
        queue.add(chunk);
        queue.publish();
        assertThat(taken.get(10, TimeUnit.SECONDS)).isSameAs(chunk);
    }

    @Test
    void aChunkAddedWhileTheConsumerDrainsIsTakenAfterTheOnesBeforeIt() throws Exception {
        ChatChunk a = ChatChunk.content("a");
        ChatChunk b = ChatChunk.content("b");
        ChatChunk c = ChatChunk.content("c");
        queue.add(a);
        queue.add(b);
        assertThat(queue.poll()).isSameAs(a); // the consumer took the batch {a, b} over
        queue.add(c);
        queue.end(ChunkQueue.Done.INSTANCE);
        assertThat(queue.size()).as("c waits on the producer's side").isEqualTo(1);
        assertThat(queue.poll()).isSameAs(b);
        assertThat(queue.poll()).isSameAs(c);
        assertThat(queue.poll()).isSameAs(ChunkQueue.Done.INSTANCE);
    }

    @Test
    void wakeEndsAWaitWithoutAnItem() throws Exception {
        CompletableFuture<Object> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        queue.wake();
        assertThat(taken.get(10, TimeUnit.SECONDS)).isSameAs(ChunkQueue.WOKEN);
    }
}
