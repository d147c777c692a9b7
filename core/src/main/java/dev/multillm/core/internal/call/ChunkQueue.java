package dev.multillm.core.internal.call;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.LlmException;
import java.util.ArrayDeque;

/**
 * What one streamed try hands to the thread that consumes it: its chunks in order, then how it
 * ended. One queue per try, so a try that was given up cannot reach its successor's consumer;
 * chunks go in as they are (no wrapper, no node per chunk), and the consumer is woken only when
 * it waits.
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

    private final ArrayDeque<ChatChunk> chunks = new ArrayDeque<>(8);
    private Ending ending;
    private boolean woken;
    private boolean waiting;

    /** Queues the next chunk. */
    synchronized void add(ChatChunk chunk) {
        chunks.add(chunk);
        if (waiting) {
            notifyAll();
        }
    }

    /** Records how the try ended; the first ending counts. */
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

    /** The next chunk, else the ending once every chunk is taken, else null. */
    synchronized Object poll() {
        ChatChunk chunk = chunks.poll();
        return chunk != null ? chunk : ending;
    }

    /**
     * The next chunk, else the ending once every chunk is taken, waiting for either; or
     * {@link #WOKEN}.
     */
    synchronized Object take() throws InterruptedException {
        while (true) {
            ChatChunk chunk = chunks.poll();
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

    /** How many chunks wait, for back-pressure. */
    synchronized int size() {
        return chunks.size();
    }
}
