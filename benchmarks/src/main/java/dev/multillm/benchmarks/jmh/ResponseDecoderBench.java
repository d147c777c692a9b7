package dev.multillm.benchmarks.jmh;

import dev.multillm.benchmarks.Wire;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.internal.wire.ResponseDecoder;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import java.io.StringReader;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The benchmark's non-streamed {@code chat.completion} body (the one the local server answers);
 * ops/s = bodies/s. {@link ResponseDecoder} on the body's text, decoded and built into a
 * {@link ChatResponse} as a unary call does, against a "before" baseline: the JSON-P (Parsson)
 * object tree of the body in its default configuration, which is what reading a body as a tree
 * costs before any field is read (the decoder used to build that tree, then read it).
 *
 * <p>Thread-safety: JMH state, one per thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ResponseDecoderBench {
    private static final JsonReaderFactory PARSSON = Json.createReaderFactory(Map.of());
    private final String body = Wire.unaryBodyJson();

    @Benchmark
    public ChatResponse responseDecoderFromText() {
        return ResponseDecoder.decode(body, "bench").build();
    }

    @Benchmark
    public JsonObject parssonTreeBaseline() {
        try (JsonReader reader = PARSSON.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }
}
