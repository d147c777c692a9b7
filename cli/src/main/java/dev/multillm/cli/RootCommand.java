package dev.multillm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code multillm} command: only dispatches to its subcommands.
 *
 * <p>Thread-safety: one instance per run; not shared.
 */
@Command(name = "multillm", mixinStandardHelpOptions = true, versionProvider = RootCommand.Version.class,
        description = "Chat with LLM providers through one engine: retries, ordered fallback, streaming,"
                + " typed errors. Try: multillm chat --demo \"Explain circuit breakers in one sentence\"",
        footer = {"", "Exit status: 0 success; 1 the call failed (a classified error); 2 bad usage or bad input."})
final class RootCommand implements Callable<Integer> {
    private final Io io;

    @Spec
    CommandSpec spec;

    RootCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        io.err().println("multillm: missing command: chat, providers, models or serve (see 'multillm --help')");
        return Main.USAGE;
    }

    /**
     * The version from the jar manifest, or "development" when run from classes.
     *
     * <p>Thread-safety: stateless.
     */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = RootCommand.class.getPackage().getImplementationVersion();
            return new String[] {"multillm " + (version == null ? "(development build)" : version)};
        }
    }
}
