package dev.multillm.core.internal.sse;

import dev.multillm.core.internal.sse.Recorder.Comment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test listener that records events from {@link SseListener#onEventData} alone, copying the bytes
 * during the call, and comments, in arrival order; {@link SseListener#onEvent(SseEvent)} must not
 * be reached: the decoder hands over bytes and builds no event.
 *
 * <p>Thread-safety: not thread-safe; one per test.
 */
final class DataBytesRecorder implements SseListener {
    final List<Object> transcript = new ArrayList<>();

    @Override
    public void onEvent(SseEvent event) {
        throw new AssertionError("the decoder built an SseEvent for a listener that reads bytes: " + event);
    }

    @Override
    public void onEventData(String event, byte[] data, int offset, int length, String id, Long retry) {
        byte[] copy = Arrays.copyOfRange(data, offset, offset + length);
        transcript.add(new SseEvent(event, new String(copy, StandardCharsets.UTF_8), id, retry));
    }

    @Override
    public void onComment(String comment) {
        transcript.add(new Comment(comment));
    }
}
