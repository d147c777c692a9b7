package dev.multillm.core.internal.sse;

import static dev.multillm.core.internal.sse.Recorder.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.internal.sse.Recorder.Comment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Requirement 6: every split point of a realistic chat-completion stream yields the same events,
 * whatever kind of buffer carries the bytes.
 */
class SseDecoderSplitTest {

    private static final String CHUNK_PREFIX =
            "{\"id\":\"chatcmpl-9x\",\"object\":\"chat.completion.chunk\",\"created\":1732500000,"
                    + "\"model\":\"llama-3.3-70b-versatile\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,";
    private static final String ROLE = CHUNK_PREFIX
            + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}";
    private static final String HELLO = CHUNK_PREFIX
            + "\"delta\":{\"content\":\"héllo wörld — 日本語 🙂\"},\"logprobs\":null,\"finish_reason\":null}]}";
    private static final String MORE = CHUNK_PREFIX
            + "\"delta\":{\"content\":\" ✓ naïve café\"},\"logprobs\":null,\"finish_reason\":null}]}";
    private static final String TOOL = CHUNK_PREFIX
            + "\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
            + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Zürich\\\"}\"}}]},"
            + "\"finish_reason\":null}]}";
    private static final String FINISH = CHUNK_PREFIX
            + "\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"x_groq\":{\"id\":\"req_01\",\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":9,"
            + "\"total_tokens\":21}}}";
    private static final String ERROR =
            "{\"error\":{\"message\":\"Über capacity — retry\",\"type\":\"server_error\",\"code\":\"capacity_exceeded\"}}";

    /** The corpus: BOM, LF, CRLF, CR-only and mixed endings, comments, every kind of block. */
    static final String CORPUS = "\uFEFF"
            + ": connected\n"
            + "retry: 3000\n\n"
            + "id: 1\n\n"
            + "data: " + ROLE + "\n\n"
            + ": ping\r\n\r\n"
            + "data: " + HELLO + "\r\n\r\n"
            + "data:" + MORE + "\r\r"
            + "id: 2\r\n"
            + "data: " + TOOL + "\n\r\n"
            + ":ping\r"
            + "x_unknown: ignored\n"
            + "event: error\n"
            + "data: " + ERROR + "\n\n"
            + "data: line one\r\n"
            + "data:  two (one space kept)\r"
            + "data\n"
            + "data: 🙂 last\n\n"
            + "event: ghost\nid\n\n"
            + "id: 3\nretry: 5000\nretry: never\ndata: " + FINISH + "\n\n"
            + "id: bad\u0000id\r\n\r\n"
            + "data: [DONE]\n\n"
            + "data: unterminated at EOF";

    static final List<Object> EXPECTED = List.of(
            new Comment("connected"),
            new SseEvent("message", ROLE, "1", null),
            new Comment("ping"),
            new SseEvent("message", HELLO, "1", null),
            new SseEvent("message", MORE, "1", null),
            new SseEvent("message", TOOL, "2", null),
            new Comment("ping"),
            new SseEvent("error", ERROR, "2", null),
            new SseEvent("message", "line one\n two (one space kept)\n\n🙂 last", "2", null),
            new SseEvent("message", FINISH, "3", 5000L),
            new SseEvent("message", "[DONE]", "3", null));

    /** A smaller corpus for three-way splits; still every line ending, a BOM and multi-byte text. */
    static final String SMALL = "\uFEFFid: 1\r: p\r\ndata: é🙂\r\rdata: 日\ndata\r\n\r\nevent: error\ndata: x\n\ndata: [DONE]\r\n\r\n";

    static final List<Object> SMALL_EXPECTED = List.of(
            new Comment("p"),
            new SseEvent("message", "é🙂", "1", null),
            new SseEvent("message", "日\n", "1", null),
            new SseEvent("error", "x", "1", null),
            new SseEvent("message", "[DONE]", "1", null));

    /** How the bytes reach the decoder: each kind takes a different path through {@code feed}. */
    enum BufferKind {
        HEAP(bytes -> ByteBuffer.wrap(bytes)),
        HEAP_SLICE_WITH_OFFSET(bytes -> {
            byte[] padded = new byte[bytes.length + 7];
            Arrays.fill(padded, (byte) '\n');
            System.arraycopy(bytes, 0, padded, 3, bytes.length);
            return ByteBuffer.wrap(padded, 3, bytes.length).slice();
        }),
        READ_ONLY(bytes -> ByteBuffer.wrap(bytes).asReadOnlyBuffer()),
        DIRECT(bytes -> ByteBuffer.allocateDirect(bytes.length).put(bytes).flip());

        private final Function<byte[], ByteBuffer> wrap;

        BufferKind(Function<byte[], ByteBuffer> wrap) {
            this.wrap = wrap;
        }

        ByteBuffer wrap(byte[] bytes, int from, int to) {
            return wrap.apply(Arrays.copyOfRange(bytes, from, to));
        }
    }

    private static List<Object> decodeSplit(byte[] bytes, BufferKind kind, int... cuts) {
        Recorder recorder = new Recorder();
        decodeSplit(recorder, bytes, kind, cuts);
        return recorder.transcript;
    }

    private static void decodeSplit(SseListener listener, byte[] bytes, BufferKind kind, int... cuts) {
        SseDecoder decoder = new SseDecoder(listener);
        int from = 0;
        for (int cut : cuts) {
            feedFully(decoder, kind.wrap(bytes, from, cut));
            from = cut;
        }
        feedFully(decoder, kind.wrap(bytes, from, bytes.length));
        decoder.end();
    }

    private static void feedFully(SseDecoder decoder, ByteBuffer buffer) {
        decoder.feed(buffer);
        assertThat(buffer.hasRemaining()).as("feed consumes all remaining bytes").isFalse();
    }

    @Test
    void corpusFedWholeYieldsTheExpectedEvents() {
        assertThat(decodeSplit(utf8(CORPUS), BufferKind.HEAP)).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void corpusExercisesEveryLineEndingAndMultiByteText() {
        assertThat(CORPUS).contains("\r\n", "\r\r", "\n\r\n", "\n\n", "🙂", "日本語").startsWith("\uFEFF");
        assertThat(utf8(CORPUS).length).isGreaterThan(CORPUS.length());
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void yieldsSameEventsAtEverySplitPoint(BufferKind kind) {
        byte[] bytes = utf8(CORPUS);
        for (int i = 0; i <= bytes.length; i++) {
            assertThat(decodeSplit(bytes, kind, i)).as("split at byte %d", i).containsExactlyElementsOf(EXPECTED);
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void yieldsSameEventsWhenFedOneByteAtATime(BufferKind kind) {
        byte[] bytes = utf8(CORPUS);
        int[] cuts = new int[bytes.length - 1];
        Arrays.setAll(cuts, i -> i + 1);

        assertThat(decodeSplit(bytes, kind, cuts)).containsExactlyElementsOf(EXPECTED);
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void handsTheSameEventDataAsBytesAtEverySplitPointWithoutBuildingEvents(BufferKind kind) {
        byte[] bytes = utf8(CORPUS);
        for (int i = 0; i <= bytes.length; i++) {
            DataBytesRecorder recorder = new DataBytesRecorder();
            decodeSplit(recorder, bytes, kind, i);

            assertThat(recorder.transcript).as("split at byte %d", i).containsExactlyElementsOf(EXPECTED);
        }
    }

    @ParameterizedTest
    @EnumSource(value = BufferKind.class, names = {"HEAP", "READ_ONLY"})
    void handsTheSameEventDataAsBytesWhenFedOneByteAtATime(BufferKind kind) {
        byte[] bytes = utf8(CORPUS);
        int[] cuts = new int[bytes.length - 1];
        Arrays.setAll(cuts, i -> i + 1);
        DataBytesRecorder recorder = new DataBytesRecorder();

        decodeSplit(recorder, bytes, kind, cuts);

        assertThat(recorder.transcript).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void smallCorpusFedWholeYieldsTheExpectedEvents() {
        assertThat(decodeSplit(utf8(SMALL), BufferKind.HEAP)).containsExactlyElementsOf(SMALL_EXPECTED);
    }

    @ParameterizedTest
    @EnumSource(value = BufferKind.class, names = {"HEAP", "DIRECT"})
    void yieldsSameEventsAtEveryThreeWaySplit(BufferKind kind) {
        byte[] bytes = utf8(SMALL);
        for (int i = 0; i <= bytes.length; i++) {
            for (int j = i; j <= bytes.length; j++) {
                assertThat(decodeSplit(bytes, kind, i, j))
                        .as("split at bytes %d and %d", i, j)
                        .containsExactlyElementsOf(SMALL_EXPECTED);
            }
        }
    }

    @Test
    void eventsAreTheSameWithoutTheCommentCallback() {
        List<SseEvent> received = new ArrayList<>();
        SseDecoder decoder = new SseDecoder(received::add);
        byte[] bytes = utf8(CORPUS);
        for (byte b : bytes) {
            decoder.feed(ByteBuffer.wrap(new byte[] {b}));
        }
        decoder.end();

        assertThat(received).containsExactlyElementsOf(
                EXPECTED.stream().filter(SseEvent.class::isInstance).map(SseEvent.class::cast).toList());
        assertThat(decoder.lastEventId()).isEqualTo("3");
        assertThat(decoder.reconnectionTime()).isEqualTo(5000L);
    }
}
