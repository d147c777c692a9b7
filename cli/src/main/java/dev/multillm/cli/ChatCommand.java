package dev.multillm.cli;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChatStream;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.ProviderConfig;
import dev.multillm.core.ResponseFormat;
import dev.multillm.core.StreamInterruptedException;
import dev.multillm.core.ToolCall;
import dev.multillm.core.Usage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code multillm chat [options] [PROMPT]}: one question to one provider or to an ordered fallback
 * chain, answered as text, as tokens while they arrive, or as the JSON of the CLI contract.
 *
 * <p>Everything the user typed is checked before anything is sent: flags, every SPEC, every
 * provider id, the prompt, the request values and the providers' own configuration. A problem
 * there is one line on standard error and exit status 2.
 *
 * <p>Thread-safety: one instance per run; not shared.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Send PROMPT (or standard input when absent) and print the answer.",
                "Several -p make a fallback chain, tried in the order given."},
        footer = {"", "SPEC = ID[,key=value]...  keys: " + "baseUrl, model, apiKeyEnv, maxRetries, connectTimeout,"
                + " firstTokenTimeout, idleTimeout (durations like 500ms, 30s).",
                "API keys come from the environment (GROQ_API_KEY, OPENAI_API_KEY, or the variable named by"
                        + " apiKeyEnv), never from the command line.",
                "Without -p: every built-in provider whose key variable is set, groq first.",
                "Exit status: 0 success; 1 the call failed (a classified error); 2 bad usage or bad input."})
final class ChatCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-p", "--provider"}, paramLabel = "SPEC",
            description = "Provider route, repeatable; order = fallback order. SPEC = ID[,key=value]...")
    List<String> providers = new ArrayList<>();

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "Model for providers whose SPEC names none.")
    String model;

    @Option(names = {"-s", "--system"}, paramLabel = "TEXT", description = "System message.")
    String system;

    @Option(names = "--stream", description = "Print tokens as they arrive.")
    boolean stream;

    @Option(names = "--json", description = "Machine-readable output: one JSON object (with --stream: one per line).")
    boolean json;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Upper bound on generated tokens.")
    Integer maxTokens;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature, 0 to 2.")
    Double temperature;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for best-effort deterministic sampling.")
    Long seed;

    @Option(names = "--json-mode", description = "Ask for a JSON object as the answer.")
    boolean jsonMode;

    @Option(names = "--timeout", paramLabel = "DUR", description = "Total deadline for the whole call, e.g. 30s.")
    String timeout;

    @Option(names = "--demo", description = "Run against the built-in local simulator: no key, no network.")
    boolean demo;

    @Parameters(paramLabel = "PROMPT", arity = "0..*",
            description = "The prompt (several words are joined by spaces); standard input when absent.")
    List<String> prompt = new ArrayList<>();

    ChatCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        // 1. Everything the user typed, before anything is opened or sent.
        Duration deadline = timeout == null ? null : duration("--timeout", timeout);
        if (maxTokens != null && maxTokens < 1) {
            throw new UsageException("--max-tokens must be at least 1, was " + maxTokens);
        }
        if (temperature != null && (temperature.isNaN() || temperature < 0 || temperature > 2)) {
            throw new UsageException("--temperature must be between 0 and 2, was " + temperature);
        }
        if (model != null && model.isBlank()) {
            throw new UsageException("--model must not be blank");
        }
        List<ProviderSpec> specs = new ArrayList<>();
        if (demo) {
            if (!providers.isEmpty()) {
                throw new UsageException("--demo runs its own simulated groq and openai routes: leave out -p");
            }
        } else {
            for (String text : providers) {
                specs.add(ProviderSpec.parse(text));
            }
            if (specs.isEmpty()) {
                specs = Routes.fromEnvironment(io.env());
            }
            Routes.checkIds(specs);
        }
        String question = readPrompt();
        ChatRequest request = request(question, deadline);

        // 2. Open the routes (a provider rejecting its configuration is still bad input) and call.
        boolean streaming = stream || (demo && !json);
        ProgressListener progress = new ProgressListener(io.err());
        try (Session session = demo
                ? Demo.start(question, streaming, model, progress)
                : Routes.open(specs, model, io.env(), progress)) {
            return streaming ? streamCall(session.provider(), request) : chatCall(session.provider(), request);
        }
    }

    private static Duration duration(String flag, String text) {
        Duration parsed;
        try {
            parsed = ProviderConfig.parseDuration(flag, text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (parsed.isZero()) {
            throw new UsageException(flag + " must be positive, was '" + text + "'");
        }
        return parsed;
    }

    private String readPrompt() {
        String text;
        if (!prompt.isEmpty()) {
            text = String.join(" ", prompt);
        } else {
            if (io.in() == System.in && System.console() != null) {
                io.err().println("multillm: reading the prompt from standard input (end it with Ctrl-D)");
            }
            try {
                text = new String(io.in().readAllBytes(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("could not read the prompt from standard input", e);
            }
        }
        if (text.isBlank()) {
            throw new UsageException("empty prompt: give PROMPT as an argument or on standard input");
        }
        return text;
    }

    private ChatRequest request(String question, Duration deadline) {
        try {
            ChatRequest.Builder builder = ChatRequest.builder();
            if (system != null) {
                builder.addSystemMessage(system);
            }
            return builder.addUserMessage(question)
                    .maxOutputTokens(maxTokens)
                    .temperature(temperature)
                    .seed(seed)
                    .responseFormat(jsonMode ? ResponseFormat.jsonObject() : null)
                    .timeout(deadline)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------- one answer

    private int chatCall(ChatProvider provider, ChatRequest request) {
        ChatResponse response;
        try {
            response = provider.chat(request);
        } catch (LlmException e) {
            return failed(e, null);
        }
        if (json) {
            println(io.out(), JsonOutput.success(response));
        } else {
            String text = response.content() != null ? response.content() : response.refusal();
            if (text != null && !text.isEmpty()) {
                println(io.out(), text);
            }
            printToolCalls(response.toolCalls());
            summary(response);
        }
        return Main.OK;
    }

    // ------------------------------------------------------------------------------- a stream

    private int streamCall(ChatProvider provider, ChatRequest request) {
        StringBuilder received = new StringBuilder();
        boolean openLine = false; // whether the last token printed left its line open
        try (ChatStream chunks = provider.stream(request)) {
            for (ChatChunk chunk : chunks) {
                if (chunk.content() != null) {
                    received.append(chunk.content());
                }
                if (json) {
                    for (String line : JsonOutput.chunkLines(chunk)) {
                        println(io.out(), line);
                    }
                } else {
                    String text = chunk.content() != null ? chunk.content() : chunk.refusal();
                    if (text != null && !text.isEmpty()) {
                        io.out().print(text);
                        io.out().flush();
                        openLine = !text.endsWith("\n");
                    }
                }
            }
            ChatResponse response = chunks.response();
            if (json) {
                println(io.out(), JsonOutput.done(response));
            } else {
                if (openLine) {
                    println(io.out(), "");
                }
                printToolCalls(response.toolCalls());
                summary(response);
            }
            return Main.OK;
        } catch (LlmException e) {
            if (!json && openLine) {
                println(io.out(), "");
            }
            String partial = e instanceof StreamInterruptedException interrupted
                    ? interrupted.partialContent() : received.toString();
            return failed(e, partial);
        }
    }

    // ------------------------------------------------------------------------------- shared

    /** Reports a failed call: JSON on standard output or one line on standard error. */
    private int failed(LlmException e, String partialContent) {
        if (rejectedBeforeSending(e)) {
            if ("model".equals(e.param()) && e.provider() != null) {
                throw new UsageException("no model for " + e.provider()
                        + ": add model=NAME to its -p SPEC or pass -m NAME");
            }
            throw new UsageException(e.getMessage());
        }
        if (json) {
            println(io.out(), partialContent == null ? JsonOutput.failure(e) : JsonOutput.streamError(e, partialContent));
        } else {
            io.err().println("multillm: " + Messages.oneLine(e.getMessage()));
            io.err().flush();
        }
        return Main.FAILED;
    }

    /**
     * Whether a provider refused the request itself before sending it (no response, no try in the
     * log): that is bad input, like a bad flag, not a failed call.
     */
    static boolean rejectedBeforeSending(LlmException e) {
        return local(e.category(), e.status())
                && e.attempts().stream().allMatch(a -> local(a.error(), a.status()));
    }

    /** Failures only a provider's own checks produce: an upstream's always come with a status. */
    private static boolean local(ErrorTaxonomy category, Integer status) {
        return status == null
                && (category == ErrorTaxonomy.INVALID_REQUEST || category == ErrorTaxonomy.UNSUPPORTED_CAPABILITY);
    }

    private void printToolCalls(List<ToolCall> calls) {
        for (ToolCall call : calls) {
            println(io.out(), "tool call " + call.name() + " " + call.arguments() + " (id " + call.id() + ")");
        }
    }

    /** One line on standard error: who answered, after how many tries, and the tokens used. */
    private void summary(ChatResponse response) {
        StringBuilder line = new StringBuilder("\u2190 ").append(response.provider());
        if (response.model() != null) {
            line.append(" (").append(response.model()).append(')');
        }
        int tries = response.attempts().size();
        if (tries > 1) {
            line.append(" after ").append(tries).append(" attempts");
        }
        Usage usage = response.usage();
        if (usage.reported()) {
            line.append(", ").append(usage.inputTokens()).append(" tokens in, ").append(usage.outputTokens())
                    .append(" out");
        }
        io.err().println(line);
        io.err().flush();
    }

    private static void println(PrintStream stream, String line) {
        stream.println(line);
        stream.flush();
    }
}
