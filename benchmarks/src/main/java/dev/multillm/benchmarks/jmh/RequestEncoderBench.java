package dev.multillm.benchmarks.jmh;

import dev.multillm.core.ChatRequest;
import dev.multillm.core.internal.wire.RequestEncoder;
import dev.multillm.core.internal.wire.WireOptions;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link RequestEncoder} writing the benchmark's request (system and user message, temperature,
 * output limit, streaming with usage), ops/s.
 *
 * <p>Thread-safety: JMH state, shared; the encoder is stateless.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RequestEncoderBench {
    private final ChatRequest request = ChatRequest.builder()
            .addSystemMessage("You are a concise assistant.")
            .addUserMessage("Explain circuit breakers in one sentence.")
            .temperature(0.7)
            .maxOutputTokens(256)
            .build();
    private final WireOptions options = new WireOptions("openai", WireOptions.CHAT_COMPLETIONS_FIELDS,
            WireOptions.MAX_COMPLETION_TOKENS, true);

    @Benchmark
    public byte[] encode() {
        return RequestEncoder.encode(request, "gpt-4o-mini", true, options);
    }
}
