package dev.multillm.benchmarks.jmh;

import dev.multillm.benchmarks.Wire;
import dev.multillm.core.internal.sse.SseDecoder;
import dev.multillm.core.internal.sse.SseEvent;
import dev.multillm.core.internal.sse.SseListener;
import dev.multillm.core.internal.wire.ChunkDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link SseDecoder} over a 200-chunk chat-completions stream body ({@value #EVENTS} events), fed
 * in slices the size the JDK client delivers; one operation = the whole body, so MB/s = ops/s ×
 * {@link #BODY_BYTES} and B/op ÷ {@value #EVENTS} = bytes per event. {@code decode} hands each
 * event's data over as bytes (what the streaming call's listener takes); {@code decodeToEvents}
 * builds an {@link SseEvent} with a data string per event (what every listener got before);
 * {@code decodeAndParseChunks} is the whole in-memory hot path: bytes to decoded chunks.
 *
 * <p>Thread-safety: JMH state, one per thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SseDecoderBench {
    /** The body decoded by one operation. */
    public static final byte[] BODY = Wire.sseBody(200);
    /** Its size in bytes. */
    public static final int BODY_BYTES = BODY.length;
    /** Its events: the role chunk, 200 content chunks, the finish chunk and {@code [DONE]}. */
    public static final int EVENTS = 203;

    @Param({"16384"})
    public int slice;

    private List<ByteBuffer> slices;

    @Setup
    public void setUp() {
        slices = new ArrayList<>();
        for (int i = 0; i < BODY.length; i += slice) {
            slices.add(ByteBuffer.wrap(BODY, i, Math.min(slice, BODY.length - i)).slice());
        }
    }

    private void feed(SseListener listener) {
        SseDecoder decoder = new SseDecoder(listener);
        for (ByteBuffer buffer : slices) {
            decoder.feed(buffer.duplicate());
        }
        decoder.end();
    }

    @Benchmark
    public void decode(Blackhole bh) {
        feed(new SseListener() {
            @Override
            public void onEvent(SseEvent event) {
                throw new AssertionError("not called: onEventData is overridden");
            }

            @Override
            public void onEventData(String event, byte[] data, int offset, int length, String id, Long retry) {
                bh.consume(data[offset]);
                bh.consume(length);
            }
        });
    }

    @Benchmark
    public void decodeToEvents(Blackhole bh) {
        feed(bh::consume);
    }

    @Benchmark
    public void decodeAndParseChunks(Blackhole bh) {
        feed(new SseListener() {
            @Override
            public void onEvent(SseEvent event) {
                throw new AssertionError("not called: onEventData is overridden");
            }

            @Override
            public void onEventData(String event, byte[] data, int offset, int length, String id, Long retry) {
                if (data[offset] == '{') {
                    bh.consume(ChunkDecoder.decode(data, offset, length));
                }
            }
        });
    }
}
