package dev.multillm.core.internal.sse;

import static dev.multillm.core.internal.sse.Recorder.events;
import static dev.multillm.core.internal.sse.Recorder.message;
import static dev.multillm.core.internal.sse.Recorder.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per rule of the WHATWG event stream interpretation algorithm. */
class SseDecoderTest {

    @Nested
    class LineEndings {

        @ParameterizedTest(name = "[{index}] {0}")
        @ValueSource(strings = {"\n", "\r", "\r\n"})
        void everyLineEndingEndsLinesAndBlocks(String eol) {
            String stream = "data: a" + eol + "data: b" + eol + eol + "data: c" + eol + eol;

            assertThat(events(stream)).containsExactly(message("a\nb"), message("c"));
        }

        @Test
        void mixedLineEndingsInOneStreamAreEachOneEnding() {
            String stream = "data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r";

            assertThat(events(stream)).containsExactly(message("a\nb\nc"), message("d"));
        }

        @Test
        void crAtEndOfOneBufferAndLfAtStartOfNextAreOneLineEnding() {
            // Were the LF a second line ending, "a" would be dispatched on its own.
            List<Object> transcript = Recorder.decode("data: a\r", "\ndata: b\r", "\n\r", "\n");

            assertThat(transcript).containsExactly(message("a\nb"));
        }

        @Test
        void crAtEndOfBufferFollowedByOtherTextStillEndsTheLine() {
            List<Object> transcript = Recorder.decode("data: a\r", "data: b\r", "\r");

            assertThat(transcript).containsExactly(message("a\nb"));
        }

        @Test
        void crLfSplitIsOneEndingEvenWhenTheLfBufferIsAlone() {
            List<Object> transcript = Recorder.decode("data: a\r", "\n", "data: b\r", "\n", "\r", "\n");

            assertThat(transcript).containsExactly(message("a\nb"));
        }

        @Test
        void crThenCrLfAreTwoLineEndings() {
            assertThat(events("data: a\r\r\n")).containsExactly(message("a"));
        }

        @Test
        void lfThenCrAreTwoLineEndings() {
            assertThat(events("data: a\n\r")).containsExactly(message("a"));
        }
    }

    @Nested
    class ByteOrderMark {

        @Test
        void leadingBomIsStripped() {
            assertThat(events("\uFEFFdata: x\n\n")).containsExactly(message("x"));
        }

        @Test
        void leadingBomSplitAcrossBuffersIsStripped() {
            byte[] bytes = utf8("\uFEFFdata: x\n\n");
            Recorder recorder = new Recorder();
            SseDecoder decoder = new SseDecoder(recorder);
            for (byte b : bytes) {
                decoder.feed(ByteBuffer.wrap(new byte[] {b}));
            }

            assertThat(recorder.transcript).containsExactly(message("x"));
        }

        @Test
        void onlyOneBomIsStripped() {
            // The second BOM becomes part of the field name "\uFEFFdata", an unknown field.
            assertThat(events("\uFEFF\uFEFFdata: x\n\n")).isEmpty();
        }

        @Test
        void bomAfterTheStartIsNotStripped() {
            assertThat(events("data: a\n\n\uFEFFdata: b\n\n")).containsExactly(message("a"));
        }

        @Test
        void bomInsideDataIsKept() {
            assertThat(events("data: \uFEFFx\n\n")).containsExactly(message("\uFEFFx"));
        }
    }

    @Nested
    class Fields {

        @ParameterizedTest(name = "[{index}] \"{0}\" -> \"{1}\"")
        @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "'data:x'        | 'x'",
            "'data: x'       | 'x'",
            "'data:  x'      | ' x'",
            "'data:   x'     | '  x'",
            "'data:\tx'      | '\tx'",
            "'data: x '      | 'x '",
            "'data:'         | ''",
            "'data: '        | ''",
            "'data:  '       | ' '",
            "'data'          | ''",
            "'data: a:b: c'  | 'a:b: c'",
            "'data::'        | ':'",
        })
        void onlyOneLeadingSpaceIsStrippedFromTheValue(String line, String expectedData) {
            assertThat(events(line + "\n\n")).containsExactly(message(expectedData));
        }

        @Test
        void fieldWithoutColonHasEmptyValue() {
            assertThat(events("data\ndata\n\n")).containsExactly(message("\n"));
            assertThat(events("event\ndata: x\n\n")).containsExactly(message("x"));
        }

        @Test
        void multiLineDataIsJoinedWithNewlines() {
            assertThat(events("data: a\ndata:\ndata: b\n\n")).containsExactly(message("a\n\nb"));
        }

        @Test
        void onlyTheLastTrailingNewlineIsRemoved() {
            assertThat(events("data: a\ndata\ndata\n\n")).containsExactly(message("a\n\n"));
        }

        @Test
        void emptyDataLineDispatchesAnEventWithEmptyData() {
            assertThat(events("data:\n\n")).containsExactly(message(""));
        }

        @Test
        void fieldNamesAreCaseSensitiveAndUnknownFieldsAreIgnored() {
            String stream = "Data: upper\nDATA: x\nfoo: bar\nx_groq: {}\ndata : spaced\n data: lead\ndata: kept\n\n";

            assertThat(events(stream)).containsExactly(message("kept"));
        }

        @Test
        void nulAndControlCharactersInDataAreKept() {
            assertThat(events("data: a\u0000b\u0001\n\n")).containsExactly(message("a\u0000b\u0001"));
        }
    }

    @Nested
    class Dispatch {

        @Test
        void blocksWithoutDataDispatchNothing() {
            assertThat(Recorder.decode("\n\n\n", "\r\n\r\n", "event: x\n\n", ": c\n\n"))
                    .containsExactly(new Recorder.Comment("c"));
        }

        @Test
        void eventTypeIsSetByEventFieldAndResetAfterEachDispatch() {
            String stream = "event: error\ndata: a\n\ndata: b\n\nevent: first\nevent: last\ndata: c\n\n";

            assertThat(events(stream)).containsExactly(
                    new SseEvent("error", "a", null, null),
                    message("b"),
                    new SseEvent("last", "c", null, null));
        }

        @Test
        void eventTypeIsResetByABlockWithoutData() {
            assertThat(events("event: ghost\n\ndata: b\n\n")).containsExactly(message("b"));
        }

        @Test
        void emptyEventFieldMeansMessage() {
            assertThat(events("event: x\nevent:\ndata: a\n\n")).containsExactly(message("a"));
        }

        @Test
        void eventTypeIsDecodedAsUtf8() {
            assertThat(events("event: ärger\ndata: a\n\n"))
                    .containsExactly(new SseEvent("ärger", "a", null, null));
        }
    }

    @Nested
    class Ids {

        @Test
        void idPersistsAcrossEventsUntilChanged() {
            assertThat(events("id: 7\ndata: a\n\ndata: b\n\nid: 8\ndata: c\n\n")).containsExactly(
                    new SseEvent("message", "a", "7", null),
                    new SseEvent("message", "b", "7", null),
                    new SseEvent("message", "c", "8", null));
        }

        @Test
        void idOnlyBlockDispatchesNothingButIsRemembered() {
            Recorder recorder = new Recorder();
            SseDecoder decoder = new SseDecoder(recorder);

            decoder.feed(ByteBuffer.wrap(utf8("id: 5\n\n")));

            assertThat(recorder.transcript).isEmpty();
            assertThat(decoder.lastEventId()).isEqualTo("5");

            decoder.feed(ByteBuffer.wrap(utf8("data: x\n\n")));

            assertThat(recorder.transcript).containsExactly(new SseEvent("message", "x", "5", null));
        }

        @Test
        void idContainingNulIsIgnored() {
            assertThat(events("id: 1\n\nid: a\u0000b\ndata: x\n\n"))
                    .containsExactly(new SseEvent("message", "x", "1", null));
        }

        @Test
        void emptyIdResetsTheLastEventIdToEmpty() {
            assertThat(events("id: 1\ndata: a\n\nid\ndata: b\n\n")).containsExactly(
                    new SseEvent("message", "a", "1", null),
                    new SseEvent("message", "b", "", null));
        }

        @Test
        void idIsCommittedOnlyAtTheBlankLine() {
            Recorder recorder = new Recorder();
            SseDecoder decoder = new SseDecoder(recorder);

            decoder.feed(ByteBuffer.wrap(utf8("id: 1\n\nid: 2\n")));

            assertThat(decoder.lastEventId()).isEqualTo("1");
            decoder.end();
            assertThat(decoder.lastEventId()).isEqualTo("1");
        }
    }

    @Nested
    class Retry {

        static Stream<Arguments> retryValues() {
            return Stream.of(
                    Arguments.of("retry: 1000", 1000L),
                    Arguments.of("retry:0", 0L),
                    Arguments.of("retry: 007", 7L),
                    Arguments.of("retry: 9223372036854775807", Long.MAX_VALUE),
                    Arguments.of("retry: 9223372036854775808", null),
                    Arguments.of("retry: 10a", null),
                    Arguments.of("retry: -5", null),
                    Arguments.of("retry: +5", null),
                    Arguments.of("retry: 1.5", null),
                    Arguments.of("retry: 1e3", null),
                    Arguments.of("retry:  100", null),
                    Arguments.of("retry: 100 ", null),
                    Arguments.of("retry:", null),
                    Arguments.of("retry", null),
                    Arguments.of("retry: \uFF11\uFF10", null));
        }

        @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
        @MethodSource("retryValues")
        void retryAcceptsOnlyAsciiDigits(String line, Long expected) {
            Recorder recorder = new Recorder();
            SseDecoder decoder = new SseDecoder(recorder);

            decoder.feed(ByteBuffer.wrap(utf8(line + "\ndata: x\n\n")));

            assertThat(recorder.transcript).containsExactly(new SseEvent("message", "x", null, expected));
            assertThat(decoder.reconnectionTime()).isEqualTo(expected);
        }

        @Test
        void invalidRetryKeepsTheEarlierValidOne() {
            Recorder recorder = new Recorder();
            SseDecoder decoder = new SseDecoder(recorder);

            decoder.feed(ByteBuffer.wrap(utf8("retry: 300\nretry: soon\ndata: x\n\n")));

            assertThat(recorder.transcript).containsExactly(new SseEvent("message", "x", null, 300L));
            assertThat(decoder.reconnectionTime()).isEqualTo(300L);
        }

        @Test
        void retryBelongsToItsBlockOnly() {
            assertThat(events("retry: 10\ndata: a\n\ndata: b\n\n")).containsExactly(
                    new SseEvent("message", "a", null, 10L),
                    message("b"));
        }

        @Test
        void retryOnlyBlockDispatchesNothingButSetsTheReconnectionTime() {
            Recorder recorder = new Recorder();
            SseDecoder decoder = new SseDecoder(recorder);

            decoder.feed(ByteBuffer.wrap(utf8("retry: 2500\n\ndata: a\n\n")));

            assertThat(recorder.transcript).containsExactly(message("a"));
            assertThat(decoder.reconnectionTime()).isEqualTo(2500L);
        }
    }

    @Nested
    class Comments {

        @ParameterizedTest(name = "[{index}] \"{0}\" -> \"{1}\"")
        @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "': ping'     | 'ping'",
            "':ping'      | 'ping'",
            "':  two'     | ' two'",
            "':'          | ''",
            "': '         | ''",
            "':: x'       | ': x'",
            "': wörld 🙂' | 'wörld 🙂'",
        })
        void commentIsReportedWithoutColonAndOneLeadingSpace(String line, String expected) {
            assertThat(Recorder.decode(line + "\n")).containsExactly(new Recorder.Comment(expected));
        }

        @Test
        void commentsDoNotInterruptABlock() {
            assertThat(Recorder.decode("data: a\n: ping\ndata: b\n\n")).containsExactly(
                    new Recorder.Comment("ping"),
                    message("a\nb"));
        }

        @Test
        void listenerWithoutCommentCallbackIgnoresComments() {
            List<SseEvent> received = new ArrayList<>();
            SseDecoder decoder = new SseDecoder(received::add);

            decoder.feed(ByteBuffer.wrap(utf8(": ping\n\ndata: a\n\n")));

            assertThat(received).containsExactly(message("a"));
        }
    }

    @Nested
    class Utf8 {

        @Test
        void multiByteSequenceSplitAtEveryByteDecodesWhole() {
            String text = "é—日🙂";
            byte[] bytes = utf8("data: " + text + "\n\n");
            for (int split = 1; split < bytes.length; split++) {
                Recorder recorder = new Recorder();
                SseDecoder decoder = new SseDecoder(recorder);
                decoder.feed(ByteBuffer.wrap(bytes, 0, split));
                decoder.feed(ByteBuffer.wrap(bytes, split, bytes.length - split));

                assertThat(recorder.transcript).as("split at %d", split).containsExactly(message(text));
            }
        }

        @Test
        void malformedBytesBecomeReplacementCharacters() {
            byte[] bytes = {'d', 'a', 't', 'a', ':', ' ', (byte) 0xFF, 'a', (byte) 0xE6, (byte) 0x97,
                '\n', 'd', 'a', 't', 'a', ':', (byte) 0xF0, (byte) 0x9F, (byte) 0x99, '\n', '\n'};
            Recorder recorder = new Recorder();
            new SseDecoder(recorder).feed(ByteBuffer.wrap(bytes));

            assertThat(recorder.transcript).containsExactly(message("\uFFFDa\uFFFD\n\uFFFD"));
        }
    }

    @Nested
    class EndOfInput {

        @Test
        void endDiscardsABlockWithoutItsBlankLine() {
            assertThat(Recorder.decode("data: a\n\ndata: b\n")).containsExactly(message("a"));
        }

        @Test
        void endDiscardsAnUnterminatedLastLine() {
            assertThat(Recorder.decode("data: a\n\ndata: b")).containsExactly(message("a"));
            assertThat(Recorder.decode("data: a\n")).isEmpty();
            assertThat(Recorder.decode("data: a")).isEmpty();
        }

        @Test
        void endAfterAFinalCrDispatchesNothingMore() {
            assertThat(Recorder.decode("data: a\r\r")).containsExactly(message("a"));
        }

        @Test
        void feedAfterEndIsRejectedAndEndIsIdempotent() {
            SseDecoder decoder = new SseDecoder(new Recorder());
            decoder.end();
            decoder.end();

            assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(utf8("data: x\n\n"))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("end()");
        }
    }

    @Nested
    class LineLimit {

        @Test
        void lineLongerThanTheLimitThrows() {
            SseDecoder decoder = new SseDecoder(new Recorder(), 16);

            assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(utf8("data: 0123456789ab\n\n"))))
                    .isInstanceOf(SseDecodingException.class)
                    .hasMessageContaining("maxLineBytes=16")
                    .hasMessageContaining("18 bytes");
        }

        @Test
        void lineOfExactlyTheLimitIsAccepted() {
            Recorder recorder = new Recorder();
            SseDecoder decoder = new SseDecoder(recorder, 16);

            decoder.feed(ByteBuffer.wrap(utf8("data: 0123456789\r\n\r\n")));

            assertThat(recorder.transcript).containsExactly(message("0123456789"));
        }

        @Test
        void limitIsEnforcedBeforeTheLineEndsAcrossBuffers() {
            SseDecoder decoder = new SseDecoder(new Recorder(), 16);
            decoder.feed(ByteBuffer.wrap(utf8("data: 01234")));
            decoder.feed(ByteBuffer.wrap(utf8("56789")));

            assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(utf8("a"))))
                    .isInstanceOf(SseDecodingException.class)
                    .hasMessageContaining("maxLineBytes=16");
            assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(utf8("\n\n"))))
                    .isInstanceOf(IllegalStateException.class);
        }

        @Test
        void limitCountsEachLineSeparately() {
            Recorder recorder = new Recorder();
            SseDecoder decoder = new SseDecoder(recorder, 8);

            decoder.feed(ByteBuffer.wrap(utf8("data: ab\ndata: cd\ndata: ef\n\n")));

            assertThat(recorder.transcript).containsExactly(message("ab\ncd\nef"));
        }

        @Test
        void defaultLimitAcceptsLongLines() {
            String big = "x".repeat(1_000_000);

            assertThat(events("data: " + big + "\n\n")).containsExactly(message(big));
            assertThat(SseDecoder.DEFAULT_MAX_LINE_BYTES).isEqualTo(8 * 1024 * 1024);
        }

        @Test
        void nonPositiveLimitIsRejected() {
            assertThatThrownBy(() -> new SseDecoder(new Recorder(), 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxLineBytes");
        }
    }

    @Nested
    class Buffers {

        @Test
        void feedConsumesAllRemainingBytesOfEveryBufferKind() {
            byte[] bytes = utf8("data: a\n\ndata: b");
            ByteBuffer heap = ByteBuffer.wrap(bytes);
            ByteBuffer readOnly = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
            ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
            for (ByteBuffer buffer : List.of(heap, readOnly, direct)) {
                SseDecoder decoder = new SseDecoder(new Recorder());
                decoder.feed(buffer);

                assertThat(buffer.remaining()).isZero();
            }
        }

        @Test
        void feedReadsOnlyBetweenPositionAndLimitOfASlice() {
            byte[] bytes = utf8("PREdata: a\n\nSUF");
            ByteBuffer slice = ByteBuffer.wrap(bytes, 3, bytes.length - 6).slice();
            Recorder recorder = new Recorder();

            new SseDecoder(recorder).feed(slice);

            assertThat(recorder.transcript).containsExactly(message("a"));
        }

        @Test
        void directBufferLargerThanTheInternalChunkIsDecodedWhole() {
            String big = "ü".repeat(20_000);
            byte[] bytes = utf8("data: " + big + "\r\n\r\ndata: end\n\n");
            ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
            Recorder recorder = new Recorder();

            new SseDecoder(recorder).feed(direct);

            assertThat(recorder.transcript).containsExactly(message(big), message("end"));
        }

        @ParameterizedTest
        @ValueSource(booleans = {false, true})
        void listenerExceptionLeavesThePositionAfterTheTriggeringLine(boolean direct) {
            byte[] bytes = utf8("data: a\n\ndata: b\n\n");
            List<SseEvent> received = new ArrayList<>();
            SseDecoder decoder = new SseDecoder(event -> {
                received.add(event);
                if (event.data().equals("a")) {
                    throw new IllegalStateException("consumer failed");
                }
            });
            ByteBuffer buffer = direct
                    ? ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()
                    : ByteBuffer.wrap(bytes);

            assertThatThrownBy(() -> decoder.feed(buffer)).hasMessage("consumer failed");
            assertThat(buffer.position()).isEqualTo("data: a\n\n".length());

            decoder.feed(buffer);

            assertThat(received).containsExactly(message("a"), message("b"));
        }
    }

    @Test
    void eventRecordRejectsMissingTypeOrData() {
        assertThatThrownBy(() -> new SseEvent(null, "x", null, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("event");
        assertThatThrownBy(() -> new SseEvent("message", null, null, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("data");
        assertThatThrownBy(() -> new SseEvent("message", "x", null, -1L))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
