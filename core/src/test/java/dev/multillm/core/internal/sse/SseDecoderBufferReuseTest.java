package dev.multillm.core.internal.sse;

import static dev.multillm.core.internal.sse.Recorder.message;
import static dev.multillm.core.internal.sse.Recorder.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multillm.core.internal.sse.Recorder.Comment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The decoder keeps no reference to a caller's bytes past {@code feed}, whatever the buffer kind,
 * even though a block's single data line is turned into its string without an intermediate copy:
 * HTTP clients reuse and overwrite their buffers once {@code feed} returns.
 */
class SseDecoderBufferReuseTest {

    /** Blocks whose data line is followed by other lines before the blank line that ends them. */
    static final String CORPUS = "data: first\n: a comment between\nid: 7\nx-unknown: zzz\n\n"
            + "data: one\nevent: custom\n\n"
            + "data: two\r\ndata: three\r\n: and a long comment " + "c".repeat(300) + "\r\n\r\n"
            + "data:\n\n"
            + "data: é🙂 " + "d".repeat(1_000) + "\nretry: 10\n\n"
            + "data: last\n\n";

    static final List<Object> EXPECTED = List.of(
            new Comment("a comment between"),
            new SseEvent("message", "first", "7", null),
            new SseEvent("custom", "one", "7", null),
            new Comment("and a long comment " + "c".repeat(300)),
            new SseEvent("message", "two\nthree", "7", null),
            new SseEvent("message", "", "7", null),
            new SseEvent("message", "é🙂 " + "d".repeat(1_000), "7", 10L),
            new SseEvent("message", "last", "7", null));

    /**
     * Feeds {@code bytes[0, cut)} and then the rest through one reused array (and buffers over
     * it), overwriting the array with garbage after every feed, as a pooling client would.
     */
    private static List<Object> decodeThroughOneReusedArray(byte[] bytes, SseDecoderSplitTest.BufferKind kind,
                                                            int... cuts) {
        Recorder recorder = new Recorder();
        SseDecoder decoder = new SseDecoder(recorder);
        byte[] reused = new byte[bytes.length];
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
        int from = 0;
        int[] ends = Arrays.copyOf(cuts, cuts.length + 1);
        ends[cuts.length] = bytes.length;
        for (int end : ends) {
            int length = end - from;
            ByteBuffer buffer;
            switch (kind) {
                case DIRECT -> {
                    direct.clear();
                    direct.put(bytes, from, length).flip();
                    buffer = direct;
                }
                case READ_ONLY -> {
                    System.arraycopy(bytes, from, reused, 0, length);
                    buffer = ByteBuffer.wrap(reused, 0, length).asReadOnlyBuffer();
                }
                case HEAP_SLICE_WITH_OFFSET -> {
                    int offset = Math.min(3, reused.length - length);
                    System.arraycopy(bytes, from, reused, offset, length);
                    buffer = ByteBuffer.wrap(reused, offset, length).slice();
                }
                default -> {
                    System.arraycopy(bytes, from, reused, 0, length);
                    buffer = ByteBuffer.wrap(reused, 0, length);
                }
            }
            decoder.feed(buffer);
            assertThat(buffer.hasRemaining()).isFalse();
            Arrays.fill(reused, (byte) '#');
            direct.clear();
            while (direct.hasRemaining()) {
                direct.put((byte) '#');
            }
            from = end;
        }
        decoder.end();
        return recorder.transcript;
    }

    @ParameterizedTest
    @EnumSource(SseDecoderSplitTest.BufferKind.class)
    void aReusedBufferYieldsTheSameEventsAtEverySplitPoint(SseDecoderSplitTest.BufferKind kind) {
        byte[] bytes = utf8(CORPUS);
        for (int i = 0; i <= bytes.length; i++) {
            assertThat(decodeThroughOneReusedArray(bytes, kind, i)).as("split at byte %d", i)
                    .containsExactlyElementsOf(EXPECTED);
        }
    }

    @ParameterizedTest
    @EnumSource(SseDecoderSplitTest.BufferKind.class)
    void aReusedBufferYieldsTheSameEventsFedOneByteAtATime(SseDecoderSplitTest.BufferKind kind) {
        byte[] bytes = utf8(CORPUS);
        int[] cuts = new int[bytes.length - 1];
        Arrays.setAll(cuts, i -> i + 1);

        assertThat(decodeThroughOneReusedArray(bytes, kind, cuts)).containsExactlyElementsOf(EXPECTED);
    }

    @ParameterizedTest
    @EnumSource(SseDecoderSplitTest.BufferKind.class)
    void theRealisticCorpusThroughAReusedBufferAtEverySplitPoint(SseDecoderSplitTest.BufferKind kind) {
        byte[] bytes = utf8(SseDecoderSplitTest.CORPUS);
        for (int i = 0; i <= bytes.length; i += 7) {
            assertThat(decodeThroughOneReusedArray(bytes, kind, i)).as("split at byte %d", i)
                    .containsExactlyElementsOf(SseDecoderSplitTest.EXPECTED);
        }
    }

    @ParameterizedTest
    @EnumSource(SseDecoderSplitTest.BufferKind.class)
    void aLineLongerThanTheRetainedBufferThenShortOnes(SseDecoderSplitTest.BufferKind kind) {
        String big = "b".repeat(200_000);
        byte[] bytes = utf8("data: " + big + "\n\ndata: " + big + "\ndata: small\n\ndata: tail\n\n");
        List<Object> expected = List.of(message(big), message(big + "\nsmall"), message("tail"));
        int firstEnd = ("data: " + big + "\n").length();
        int[][] splits = {{}, {10}, {10, firstEnd}, {firstEnd}, {firstEnd + 1}, {10, firstEnd + 1},
            {firstEnd + 1, firstEnd + 100}, {firstEnd + 1, bytes.length - 20}, {bytes.length - 15, bytes.length - 3}};
        for (int[] cuts : splits) {
            assertThat(decodeThroughOneReusedArray(bytes, kind, cuts)).as("cuts %s", Arrays.toString(cuts))
                    .containsExactlyElementsOf(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(SseDecoderSplitTest.BufferKind.class)
    void aListenerThatThrowsOnACommentAfterADataLineLosesNothing(SseDecoderSplitTest.BufferKind kind) {
        List<Object> seen = new ArrayList<>();
        SseDecoder decoder = new SseDecoder(new SseListener() {
            @Override
            public void onEvent(SseEvent event) {
                seen.add(event);
            }

            @Override
            public void onComment(String comment) {
                seen.add(new Comment(comment));
                throw new IllegalStateException("comment refused");
            }
        });
        byte[] bytes = utf8("data: kept\n: boom\n\n");
        ByteBuffer buffer = SseDecoderSplitTest.BufferKind.valueOf(kind.name()).wrap(bytes, 0, bytes.length);
        byte[] backing = buffer.hasArray() ? buffer.array() : null;

        assertThatThrownBy(() -> decoder.feed(buffer)).hasMessage("comment refused");
        assertThat(buffer.remaining()).isEqualTo(1);
        if (backing != null) {
            Arrays.fill(backing, 0, buffer.position() + buffer.arrayOffset(), (byte) '#');
        }
        decoder.feed(buffer);

        assertThat(seen).containsExactly(new Comment("boom"), message("kept"));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aLittleEndianBufferIsScannedAlike(boolean direct) {
        byte[] bytes = utf8(SseDecoderSplitTest.CORPUS);
        for (int i = 0; i <= bytes.length; i++) {
            Recorder recorder = new Recorder();
            SseDecoder decoder = new SseDecoder(recorder);
            for (int[] range : new int[][] {{0, i}, {i, bytes.length}}) {
                byte[] part = Arrays.copyOfRange(bytes, range[0], range[1]);
                ByteBuffer buffer = direct
                        ? ByteBuffer.allocateDirect(part.length).put(part).flip()
                        : ByteBuffer.wrap(part).asReadOnlyBuffer();
                decoder.feed(buffer.order(java.nio.ByteOrder.LITTLE_ENDIAN));
            }
            decoder.end();

            assertThat(recorder.transcript).as("split at byte %d", i)
                    .containsExactlyElementsOf(SseDecoderSplitTest.EXPECTED);
        }
    }

    @Test
    void lineEndsAreFoundAtEveryPositionOfAnEightByteWord() {
        for (int at = 0; at < 24; at++) {
            for (String end : List.of("\n", "\r", "\r\n")) {
                String filler = "\u0001\u000b\u000c\u008a\u008d\u00ff=:".repeat(3).substring(0, at);
                String text = "data:" + filler + end + end;
                for (SseDecoderSplitTest.BufferKind kind : SseDecoderSplitTest.BufferKind.values()) {
                    byte[] bytes = utf8(text);
                    Recorder recorder = new Recorder();
                    SseDecoder decoder = new SseDecoder(recorder);
                    decoder.feed(kind.wrap(bytes, 0, bytes.length));

                    assertThat(recorder.transcript).as("%s at %d, %s", end.replace("\r", "CR").replace("\n", "LF"),
                            at, kind).containsExactly(message(filler));
                }
            }
        }
    }
}

