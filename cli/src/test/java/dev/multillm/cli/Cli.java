package dev.multillm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.FinishReason;
import dev.multillm.core.Usage;
import dev.multillm.testkit.OpenAiCompatibleFixture;
import dev.multillm.testkit.Reply;
import dev.multillm.testkit.WireFixture;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the real entry point ({@link Main#run}) in-process with in-memory streams and a made-up
 * environment, and renders the upstream answers the tests script.
 *
 * <p>Thread-safety: stateless.
 */
final class Cli {
    /** Canary keys: they must never appear in anything the command prints. */
    static final String GROQ_KEY = "gsk_CANARY_cli_0123456789abcdef";
    static final String OPENAI_KEY = "sk-CANARY-cli-0123456789abcdef";
    static final Map<String, String> ENV = Map.of("GROQ_API_KEY", GROQ_KEY, "OPENAI_API_KEY", OPENAI_KEY);
    static final WireFixture WIRE = new OpenAiCompatibleFixture();

    private Cli() {
    }

    /**
     * What one run printed.
     *
     * <p>Thread-safety: immutable record.
     */
    record Run(int status, String out, String err) {
        /** Standard output's lines. */
        List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        /** Standard error's lines. */
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }

        /** Standard output as one JSON object. */
        JsonObject json() {
            assertThat(lines()).as("stdout: one JSON object on one line; stderr: %s", err).hasSize(1);
            return parse(lines().get(0));
        }

        /** Every line of standard output as a JSON object. */
        List<JsonObject> jsonLines() {
            List<JsonObject> objects = new ArrayList<>();
            for (String line : lines()) {
                objects.add(parse(line));
            }
            return objects;
        }
    }

    /** Runs {@code multillm args...} with {@link #ENV} and empty standard input. */
    static Run run(String... args) {
        return runWith(ENV, "", args);
    }

    /** Runs {@code multillm args...} with the given environment and standard input. */
    static Run runWith(Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env);
        Run run = new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        for (String key : List.of(GROQ_KEY, OPENAI_KEY, "CANARY")) {
            assertThat(run.out()).as("stdout never shows a key").doesNotContain(key);
            assertThat(run.err()).as("stderr never shows a key").doesNotContain(key);
        }
        return run;
    }

    static JsonObject parse(String line) {
        try (JsonReader reader = Json.createReader(new StringReader(line))) {
            return reader.readObject();
        }
    }

    /** The field names of {@code object}, in the order they were written. */
    static List<String> keys(JsonObject object) {
        return new ArrayList<>(object.keySet());
    }

    /** A text answer as the upstream sends it. */
    static WireFixture.TextAnswer answer(String model, String content) {
        return new WireFixture.TextAnswer("chatcmpl-1", model, content, FinishReason.STOP, Usage.of(12, 3, 7, 0),
                "req_test_1");
    }

    /** A complete, non-streamed text answer. */
    static Reply textReply(String model, String content) {
        return WIRE.textReply(answer(model, content));
    }

    /** The same answer streamed as {@code deltas}. */
    static Reply streamReply(String model, String... deltas) {
        return WIRE.textStream(answer(model, String.join("", deltas)), List.of(deltas)).toReply();
    }

    /** An OpenAI-style error answer. */
    static Reply errorReply(int status, String code, String type, String message) {
        return WIRE.errorReply(WireFixture.ErrorAnswer.of(status, code, type, message));
    }
}
