package dev.multillm.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * Where a run of the command reads and writes, and the environment it sees: the real process
 * streams and {@link System#getenv()} in {@code main}, in-memory ones in tests, so no test reads
 * the real environment or exits the JVM.
 *
 * @param in  standard input (the prompt when none is given as an argument)
 * @param out standard output: the answer, or the JSON objects
 * @param err standard error: progress and one-line error messages
 * @param env the environment variables providers read their keys and base URLs from
 *
 * <p>Thread-safety: immutable record; the streams themselves are shared as they are.
 */
record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
    Io {
        env = Map.copyOf(env);
    }
}
