package dev.multillm.core.internal.sse;

import java.nio.charset.StandardCharsets;

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
     * Called for each dispatched event, with its data as the UTF-8 bytes
     * {@code data[offset, offset + length)}; this is what the decoder calls. The bytes are the
     * decoder's or its caller's buffer: valid only during the call, and not to be modified. The
     * default decodes them as {@link SseEvent#data()} (malformed UTF-8 becomes U+FFFD) and calls
     * {@link #onEvent(SseEvent)}; a listener that can read the bytes overrides it and spares the
     * string and the event.
     *
     * @param event the event type, as {@link SseEvent#event()}
     * @param id    the last event id, as {@link SseEvent#id()}
     * @param retry the block's reconnection time, as {@link SseEvent#retry()}
     */
    default void onEventData(String event, byte[] data, int offset, int length, String id, Long retry) {
        onEvent(new SseEvent(event, length == 0 ? "" : new String(data, offset, length, StandardCharsets.UTF_8), id,
                retry));
    }

    /**
     * Called for each comment line (a line starting with {@code ':'}, such as a {@code ": ping"}
     * keep-alive), with the text after the colon and after one leading space, if any.
     */
    default void onComment(String comment) {
    }
}
