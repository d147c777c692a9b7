package dev.multillm.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;

/**
 * The {@code multillm} command: {@code chat}, {@code providers} and {@code models}, as specified by
 * "The CLI contract" in DESIGN.md, and {@code serve}, which runs the OpenAI-compatible proxy.
 *
 * <p>Exit status: 0 success; 1 the call failed with a classified {@link dev.multillm.core.LlmException};
 * 2 bad usage or bad input (found before anything is sent, reported on one line of standard error).
 *
 * <p>{@link #run} is the whole command without {@link System#exit}: tests call it with in-memory
 * streams and an environment map of their own.
 *
 * <p>Thread-safety: {@link #run} keeps no state between calls and may be called concurrently with
 * different streams.
 */
public final class Main {
    /** Exit status of a successful run. */
    public static final int OK = 0;
    /** Exit status of a call that failed with a classified error. */
    public static final int FAILED = 1;
    /** Exit status of bad usage or bad input; nothing was sent. */
    public static final int USAGE = 2;

    private Main() {
    }

    /** Runs the command on the process's streams and environment, then exits with its status. */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int status = run(args, System.in, out, err, System.getenv());
        out.flush();
        err.flush();
        System.exit(status);
    }

    /**
     * Runs the command.
     *
     * @param args the arguments after {@code multillm}
     * @param in   standard input, read for the prompt when none is given
     * @param out  standard output
     * @param err  standard error
     * @param env  the environment variables that providers may read (API keys, base URLs)
     * @return the exit status: {@link #OK}, {@link #FAILED} or {@link #USAGE}
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        Objects.requireNonNull(args, "args");
        Io io = new Io(Objects.requireNonNull(in, "in"), Objects.requireNonNull(out, "out"),
                Objects.requireNonNull(err, "err"), new HashMap<>(Objects.requireNonNull(env, "env")));
        CommandLine commandLine = new CommandLine(new RootCommand(io));
        commandLine.addSubcommand("chat", new ChatCommand(io));
        commandLine.addSubcommand("providers", new ProvidersCommand(io));
        commandLine.addSubcommand("models", new ModelsCommand(io));
        commandLine.addSubcommand("serve", new ServeCommand(io));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((e, ignored) -> {
            String command = e.getCommandLine().getCommandSpec().qualifiedName();
            String problem = Messages.oneLine(e.getMessage());
            if (e instanceof CommandLine.UnmatchedArgumentException unmatched && e.getCommandLine() == commandLine
                    && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
                problem = "unknown command '" + unmatched.getUnmatched().get(0) + "' (commands: "
                        + String.join(", ", commandLine.getSubcommands().keySet()) + ")";
            }
            err.println("multillm: " + problem + " (see '" + command + " --help')");
            err.flush();
            return USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            if (e instanceof UsageException) {
                err.println("multillm: " + Messages.oneLine(e.getMessage()));
            } else {
                err.println("multillm: unexpected " + e.getClass().getSimpleName() + ": "
                        + Messages.oneLine(e.getMessage()));
            }
            err.flush();
            return e instanceof UsageException ? USAGE : FAILED;
        });
        int status = commandLine.execute(args);
        out.flush();
        err.flush();
        return status;
    }
}
