package dev.multillm.benchmarks.jmh;

import dev.multillm.benchmarks.Wire;
import dev.multillm.core.internal.wire.ChunkDecoder;
import dev.multillm.core.internal.wire.DecodedChunk;
import jakarta.json.Json;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One streamed {@code chat.completion.chunk} payload; ops/s = chunks/s. {@link ChunkDecoder} on the
 * payload's bytes (the hot path: what the SSE decoder hands over) and on its text, against the
 * floor's hand-written extraction of {@code "content"}, and against a "before" baseline: one pass
 * of JSON-P's streaming parser (Parsson, which the decoder used before it read bytes), in its
 * default configuration, taking a string of every key and string value, which is what reading a
 * chunk with JSON-P costs before any decoding (the old decoder itself shared Parsson's buffers
 * from a pool, so it allocated somewhat less than this pass).
 *
 * <p>Thread-safety: JMH state, one per thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChunkDecoderBench {
    private static final int N = 16;
    private static final JsonParserFactory PARSSON = Json.createParserFactory(Map.of());
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
        byte[] b = bytes[next++ & (N - 1)];
        return ChunkDecoder.decode(b, 0, b.length);
    }

    @Benchmark
    public DecodedChunk chunkDecoderFromText() {
        return ChunkDecoder.decode(payloads[next++ & (N - 1)]);
    }

    @Benchmark
    public void parssonStreamingBaseline(Blackhole bh) {
        try (JsonParser parser = PARSSON.createParser(new StringReader(payloads[next++ & (N - 1)]))) {
            while (parser.hasNext()) {
                JsonParser.Event event = parser.next();
                if (event == JsonParser.Event.KEY_NAME || event == JsonParser.Event.VALUE_STRING) {
                    bh.consume(parser.getString());
                }
            }
        }
    }

    @Benchmark
    public String floorExtract() {
        byte[] b = bytes[next++ & (N - 1)];
        return Wire.content(b, 0, b.length);
    }
}
