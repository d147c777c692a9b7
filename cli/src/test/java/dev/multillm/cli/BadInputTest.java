package dev.multillm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.testkit.FakeUpstream;
import dev.multillm.testkit.SentenceDisplayNames;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad usage and bad input: exit status 2, one line on standard error naming the problem, nothing sent. */
@DisplayNameGeneration(SentenceDisplayNames.class)
class BadInputTest {
    private static final String GROQ = "groq,baseUrl={url}";
    private FakeUpstream upstream;

    @BeforeEach
    void startUpstream() {
        upstream = FakeUpstream.start();
        upstream.enqueue(Cli.textReply("m", "must never be asked"));
    }

    @AfterEach
    void stopUpstream() {
        upstream.close();
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of("an unknown flag", "Unknown option: '--bogus'", args("chat", "-p", GROQ, "--bogus", "hi")),
                Arguments.of("a flag without its value", "Missing required parameter for option '--provider'",
                        args("chat", "hi", "-p")),
                Arguments.of("a number that is not one", "'--max-tokens'", args("chat", "-p", GROQ, "--max-tokens",
                        "many", "hi")),
                Arguments.of("zero max tokens", "--max-tokens must be at least 1", args("chat", "-p", GROQ,
                        "--max-tokens", "0", "hi")),
                Arguments.of("a temperature out of range", "--temperature must be between 0 and 2",
                        args("chat", "-p", GROQ, "--temperature", "3", "hi")),
                Arguments.of("a SPEC without id", "the provider id is missing", args("chat", "-p", ",model=x", "hi")),
                Arguments.of("a SPEC setting without '='", "'model' is not key=value", args("chat", "-p", "groq,model",
                        "hi")),
                Arguments.of("a SPEC with an unknown key", "unknown key 'colour' (keys: baseUrl, model, apiKeyEnv",
                        args("chat", "-p", GROQ + ",colour=blue", "hi")),
                Arguments.of("a SPEC with an empty value", "'model' has no value", args("chat", "-p", GROQ + ",model=",
                        "hi")),
                Arguments.of("a SPEC with an empty setting", "empty setting after ','", args("chat", "-p", "groq,,",
                        "hi")),
                Arguments.of("a SPEC with a key twice", "'model' is given twice", args("chat", "-p",
                        GROQ + ",model=a,model=b", "hi")),
                Arguments.of("a SPEC whose maxRetries is not a number", "maxRetries must be a whole number, was 'lots'",
                        args("chat", "-p", GROQ + ",maxRetries=lots", "hi")),
                Arguments.of("a SPEC with a bad duration", "connectTimeout must be a duration like 500ms, 30s or 2m,"
                        + " was 'soon'", args("chat", "-p", GROQ + ",connectTimeout=soon", "hi")),
                Arguments.of("a SPEC with a bad base URL", "baseUrl must start with http:// or https://",
                        args("chat", "-p", "groq,baseUrl=ftp://example", "hi")),
                Arguments.of("an unknown provider id", "unknown provider id 'nosuch'; available: groq",
                        args("chat", "-p", "nosuch", "hi")),
                Arguments.of("an unknown id after a good route", "unknown provider id 'nosuch'",
                        args("chat", "-p", GROQ, "-p", "nosuch,model=x", "hi")),
                Arguments.of("a blank prompt", "empty prompt", args("chat", "-p", GROQ, "   ")),
                Arguments.of("no prompt and empty standard input", "empty prompt", args("chat", "-p", GROQ)),
                Arguments.of("a bad --timeout", "--timeout must be a duration like 500ms, 30s or 2m, was '5x'",
                        args("chat", "-p", GROQ, "--timeout", "5x", "hi")),
                Arguments.of("a zero --timeout", "--timeout must be positive", args("chat", "-p", GROQ, "--timeout",
                        "0s", "hi")),
                Arguments.of("--demo with -p", "--demo runs its own", args("chat", "--demo", "-p", GROQ, "hi")),
                Arguments.of("no command", "missing command", args()),
                Arguments.of("an unknown command", "unknown command 'chatt' (commands: chat, providers, models, serve)", args("chatt", "hi")),
                Arguments.of("models without -p", "Missing required option: '--provider=SPEC'", args("models")));
    }

    private static String[] args(String... args) {
        return args;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void rejectsBadInputOnOneLineWithStatusTwoAndSendsNothing(String what, String message, String[] args) {
        String[] withUrl = Arrays.stream(args).map(a -> a.replace("{url}", upstream.baseUrl().toString()))
                .toArray(String[]::new);

        Cli.Run run = Cli.run(withUrl);

        assertRejected(run, message);
    }

    @Test
    void neverRepeatsAKeyGivenOnTheCommandLine() {
        Cli.Run run = Cli.run("chat", "-p", "groq,apiKey=" + Cli.GROQ_KEY, "hi");

        assertRejected(run, "unknown key 'apiKey'");
        assertThat(run.err()).contains("apiKey=***").contains("use apiKeyEnv=VARIABLE");
    }

    @Test
    void saysWhichVariableIsMissingWhenAProviderHasNoKey() {
        Cli.Run run = Cli.runWith(Map.of(), "", "chat", "-p", "groq,baseUrl=" + upstream.baseUrl(), "hi");

        assertRejected(run, "GROQ_API_KEY");
    }

    @Test
    void asksForAProviderWhenNoneIsGivenAndNoKeyIsSet() {
        Cli.Run run = Cli.runWith(Map.of(), "", "chat", "hi");

        assertRejected(run, "no provider: pass -p ID[,key=value]...");
        assertThat(run.err()).contains("--demo");
    }

    private void assertRejected(Cli.Run run, String message) {
        assertThat(run.status()).as("exit status; stderr: %s", run.err()).isEqualTo(2);
        assertThat(run.errLines()).as("one line on stderr").hasSize(1);
        assertThat(run.err()).startsWith("multillm: ").contains(message);
        assertThat(run.out()).isEmpty();
        assertThat(upstream.requestCount()).as("requests that reached the upstream").isZero();
    }
}
