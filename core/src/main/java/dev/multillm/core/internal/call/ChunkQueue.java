package dev.multillm.core.internal.call;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.LlmException;
import java.util.ArrayDeque;

/**
 * What one streamed try hands to the thread that consumes it: its chunks in order, then how it
 * ended. One queue per try, so a try that was given up cannot reach its successor's consumer;
 * chunks go in as they are (no wrapper, no node per chunk), and the consumer is woken only when
 * it waits, once per batch of chunks. The consumer takes a whole batch at a time (the two sides
 * swap buffers), so producer and consumer meet on the lock once per batch, not once per chunk.
 *
 * <p>Thread-safety: filled by the HTTP client's and the timer's threads, drained by one consumer;
 * guarded by this object's monitor.
 */
final class ChunkQueue {

    /** How a try ended, handed over after every chunk it queued before. */
    sealed interface Ending permits Done, Failed {
    }

    /** The try completed. */
    record Done() implements Ending {
        static final Done INSTANCE = new Done();
    }

    /** The try failed. */
    record Failed(LlmException failure) implements Ending {
    }

    /** What {@link #take()} returns when {@link #wake()} interrupted its wait. */
    static final Object WOKEN = new Object();

    /** Where the try adds chunks; guarded by this. */
    private ArrayDeque<ChatChunk> filling = new ArrayDeque<>(8);
    /** What the consumer reads from, swapped with {@link #filling} when empty; consumer only. */
    private ArrayDeque<ChatChunk> draining = new ArrayDeque<>(8);
    private Ending ending;
    private boolean woken;
    private boolean waiting;

    /**
     * Queues the next chunk without waking the consumer: the try adds every chunk of one read,
     * then {@link #publish()}es them together (one wake-up per read, not per chunk).
     */
    synchronized void add(ChatChunk chunk) {
        filling.add(chunk);
    }

    /** Wakes the consumer if it waits for the chunks added so far. */
    synchronized void publish() {
        if (waiting && !filling.isEmpty()) {
            notifyAll();
        }
    }

    /** Records how the try ended, and wakes the consumer; the first ending counts. */
    synchronized void end(Ending how) {
        if (ending == null) {
            ending = how;
        }
        if (waiting) {
            notifyAll();
        }
    }

    /** Makes a waiting (or the next) {@link #take()} return {@link #WOKEN}: the consumer closed. */
    synchronized void wake() {
        woken = true;
        if (waiting) {
            notifyAll();
        }
    }

    /** The next chunk, else the ending once every chunk is taken, else null. Consumer only. */
    Object poll() {
        ChatChunk chunk = draining.poll();
        if (chunk != null) {
            return chunk;
        }
        synchronized (this) {
            swap();
            chunk = draining.poll();
            return chunk != null ? chunk : ending;
        }
    }

    /**
     * The next chunk, else the ending once every chunk is taken, waiting for either; or
     * {@link #WOKEN}. Consumer only.
     */
    Object take() throws InterruptedException {
        ChatChunk chunk = draining.poll();
        if (chunk != null) {
            return chunk;
        }
        synchronized (this) {
            while (true) {
                swap();
                chunk = draining.poll();
                if (chunk != null) {
                    return chunk;
                }
                if (ending != null) {
                    return ending;
                }
                if (woken) {
                    woken = false;
                    return WOKEN;
                }
                waiting = true;
                try {
                    wait();
                } finally {
                    waiting = false;
                }
            }
        }
    }

    /** Takes every chunk added so far over to the consumer's side (which is empty). */
    private void swap() {
        ArrayDeque<ChatChunk> added = filling;
        filling = draining;
        draining = added;
    }

    /** How many chunks were added and not yet taken over by the consumer, for back-pressure. */
    synchronized int size() {
        return filling.size();
    }
}
