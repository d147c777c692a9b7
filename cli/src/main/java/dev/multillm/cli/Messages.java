package dev.multillm.cli;

import dev.multillm.core.LlmException;
import dev.multillm.core.LlmTimeoutException;
import java.time.Duration;
import java.util.Locale;

/**
 * Small text helpers shared by the commands: one-line messages and short durations.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class Messages {
    private Messages() {
    }

    /** {@code text} on one line: line breaks become {@code "; "}, runs of spaces collapse. */
    static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        return text.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ").replaceAll("[ \\t]{2,}", " ");
    }

    /**
     * The {@code message} of a JSON error object: the upstream's own (already scrubbed) message when
     * there is one, otherwise the exception's; a timeout says which phase expired.
     */
    static String errorMessage(LlmException e) {
        String upstream = e.upstreamMessage();
        String message = upstream != null && !upstream.isBlank() ? upstream : e.getMessage();
        if (e instanceof LlmTimeoutException timeout && !message.contains(timeout.phase().name())) {
            message = message + " [phase " + timeout.phase() + "]";
        }
        return oneLine(message);
    }

    /** {@code 250 ms}, {@code 1.5 s}, {@code 2 min}. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 120_000) {
            double seconds = ms / 1000.0;
            return (seconds == Math.rint(seconds) ? String.valueOf((long) seconds)
                    : String.format(Locale.ROOT, "%.1f", seconds)) + " s";
        }
        return Math.round(ms / 60_000.0) + " min";
    }
}
