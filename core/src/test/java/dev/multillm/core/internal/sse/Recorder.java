package dev.multillm.core.internal.sse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test listener that records events and comments in arrival order, plus feeding helpers.
 *
 * <p>Thread-safety: not thread-safe; one per test.
 */
final class Recorder implements SseListener {

    /** A recorded comment line. */
    record Comment(String text) {
    }

    final List<Object> transcript = new ArrayList<>();

    @Override
    public void onEvent(SseEvent event) {
        transcript.add(event);
    }

    @Override
    public void onComment(String comment) {
        transcript.add(new Comment(comment));
    }

    List<SseEvent> events() {
        return transcript.stream().filter(SseEvent.class::isInstance).map(SseEvent.class::cast).toList();
    }

    List<String> comments() {
        return transcript.stream().filter(Comment.class::isInstance).map(c -> ((Comment) c).text()).toList();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Feeds every chunk as its own heap buffer, then ends the stream; returns the transcript. */
    static List<Object> decode(String... chunks) {
        Recorder recorder = new Recorder();
        SseDecoder decoder = new SseDecoder(recorder);
        for (String chunk : chunks) {
            decoder.feed(ByteBuffer.wrap(utf8(chunk)));
        }
        decoder.end();
        return recorder.transcript;
    }

    /** Feeds the text as one buffer, then ends the stream; returns the events only. */
    static List<SseEvent> events(String text) {
        Recorder recorder = new Recorder();
        SseDecoder decoder = new SseDecoder(recorder);
        decoder.feed(ByteBuffer.wrap(utf8(text)));
        decoder.end();
        return recorder.events();
    }

    static SseEvent message(String data) {
        return new SseEvent("message", data, null, null);
    }
}
