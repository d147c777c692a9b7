package dev.multillm.benchmarks.jmh;

import dev.multillm.benchmarks.Wire;
import dev.multillm.core.internal.wire.ChunkDecoder;
import dev.multillm.core.internal.wire.DecodedChunk;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * One streamed {@code chat.completion.chunk} payload: {@link ChunkDecoder} (JSON-P streaming
 * parser) against the floor's hand-written extraction of {@code "content"}; ops/s = chunks/s.
 *
 * <p>Thread-safety: JMH state, one per thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChunkDecoderBench {
    private static final int N = 16;
    private final String[] payloads = new String[N];
    private final byte[][] bytes = new byte[N][];
    private int next;

    public ChunkDecoderBench() {
        for (int i = 0; i < N; i++) {
            payloads[i] = Wire.contentChunkJson(i);
            bytes[i] = payloads[i].getBytes(StandardCharsets.UTF_8);
        }
    }

    @Benchmark
    public DecodedChunk chunkDecoder() {
        return ChunkDecoder.decode(payloads[next++ & (N - 1)]);
    }

    @Benchmark
    public String floorExtract() {
        byte[] b = bytes[next++ & (N - 1)];
        return Wire.content(b, 0, b.length);
    }
}
