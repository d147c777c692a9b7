package dev.multillm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.testkit.SentenceDisplayNames;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every example's {@code main} in its own JVM, as a user would, with no key in the
 * environment (so each talks to its local simulator on the loopback interface), and checks that it
 * exits normally and printed what it is about.
 */
@DisplayNameGeneration(SentenceDisplayNames.class)
class ExamplesSmokeTest {
    /** Variables removed from the child's environment so that no example reaches a real service. */
    private static final List<String> REAL_SERVICE_VARIABLES = List.of("GROQ_API_KEY", "OPENAI_API_KEY",
            "GROQ_BASE_URL", "OPENAI_BASE_URL", "OLLAMA_BASE_URL", "OLLAMA_API_KEY");

    static Stream<Arguments> examples() {
        return Stream.of(
                Arguments.of(QuickstartGroq.class, List.of("A circuit breaker stops calling", "tokens in/out: 20/")),
                Arguments.of(Streaming.class, List.of("Streaming sends the answer token by token",
                        "finish reason: STOP")),
                Arguments.of(FallbackChain.class, List.of("Fallback tries the next provider", "answered by: openai",
                        "attempt groq: OVERLOADED (503)", "attempt openai: OK (200)")),
                Arguments.of(ToolCalling.class, List.of("model calls get_weather {\"city\":\"Paris\"}",
                        "sunny in Paris")),
                Arguments.of(JsonMode.class, List.of("name: circuit breaker", "states: [\"closed\",\"open\",\"half-open\"]")),
                Arguments.of(CustomProvider.class, List.of("ollama: Ollama's OpenAI-compatible API",
                        "ollama says: Hello from a provider")),
                Arguments.of(GuiceWiring.class, List.of("bound providers: [", "groq: Guice gave me to you")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void runsToTheEndOfflineAndPrintsItsResult(Class<?> example, List<String> expected, @TempDir Path dir)
            throws IOException, InterruptedException {
        Path output = dir.resolve("output.txt");
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                example.getName())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File(nullDevice())));
        Map<String, String> env = builder.environment();
        REAL_SERVICE_VARIABLES.forEach(env::remove);

        Process process = builder.start();
        boolean finished = process.waitFor(60, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);

        assertThat(finished).as("%s ended by itself; it printed:%n%s", example.getSimpleName(), printed).isTrue();
        assertThat(process.exitValue()).as("exit status; it printed:%n%s", printed).isZero();
        assertThat(printed).contains(expected);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String nullDevice() {
        return File.separatorChar == '\\' ? "NUL" : "/dev/null";
    }
}
