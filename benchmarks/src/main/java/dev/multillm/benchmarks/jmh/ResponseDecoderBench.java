package dev.multillm.benchmarks.jmh;

import dev.multillm.benchmarks.Wire;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.internal.wire.ResponseDecoder;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
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

/**
 * The benchmark's non-streamed {@code chat.completion} body (the one the local server answers);
 * ops/s = bodies/s. {@link ResponseDecoder} decoding it and building the {@link ChatResponse}, as
 * a unary call does: on the body's bytes (the hot path: what the HTTP client hands over) and on
 * its text; against a "before" baseline, the JSON-P (Parsson) object tree of the body in its
 * default configuration, which is what reading a body as a tree costs before any field is read
 * (the decoder used to build that tree, then read it, from a string made of the bytes).
 *
 * <p>Thread-safety: JMH state, one per thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ResponseDecoderBench {
    private static final JsonReaderFactory PARSSON = Json.createReaderFactory(Map.of());
    private final String body = Wire.unaryBodyJson();
    private final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

    @Benchmark
    public ChatResponse responseDecoder() {
        return ResponseDecoder.decode(bytes, 0, bytes.length, "bench").build();
    }

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
