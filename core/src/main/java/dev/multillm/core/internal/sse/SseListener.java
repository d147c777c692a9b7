package dev.multillm.core.internal.sse;

/**
 * Receives what an {@link SseDecoder} decodes, in stream order.
 *
 * <p>Callbacks run on the thread that calls {@link SseDecoder#feed}; an exception thrown from a
 * callback propagates out of {@code feed}.
 *
 * <p>Thread-safety: called from one thread at a time (the decoder's); implementations need no
 * synchronisation of their own unless they share state with other threads.
 */
public interface SseListener {

    /** Called for each dispatched event (a block that ended with a blank line and had data). */
    void onEvent(SseEvent event);

    /**
     * Called for each comment line (a line starting with {@code ':'}, such as a {@code ": ping"}
     * keep-alive), with the text after the colon and after one leading space, if any.
     */
    default void onComment(String comment) {
    }
}
