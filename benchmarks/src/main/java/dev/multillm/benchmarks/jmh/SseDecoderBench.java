package dev.multillm.benchmarks.jmh;

import dev.multillm.benchmarks.Wire;
import dev.multillm.core.internal.sse.SseDecoder;
import dev.multillm.core.internal.sse.SseEvent;
import dev.multillm.core.internal.sse.SseListener;
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
 * {@link SseDecoder} over a 200-chunk chat-completions stream body, fed in slices the size the
 * JDK client delivers (one operation = the whole body; MB/s = ops/s × {@link #BODY_BYTES}).
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

    @Benchmark
    public void decode(Blackhole bh) {
        SseDecoder decoder = new SseDecoder(new SseListener() {
            @Override
            public void onEvent(SseEvent event) {
                bh.consume(event);
            }
        });
        for (ByteBuffer buffer : slices) {
            decoder.feed(buffer.duplicate());
        }
        decoder.end();
    }
}
