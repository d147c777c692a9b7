package dev.multillm.cli;

import dev.multillm.core.Attempt;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.event.ChatEvent;
import dev.multillm.core.event.ChatListener;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prints what a call is going through on standard error, one line per event that matters to a
 * person: retries, failovers, cooldowns and breaker changes, for example
 * {@code → groq: OVERLOADED (503), failing over to openai}. Never prints prompt or answer text, nor
 * anything secret (events carry neither).
 *
 * <p>Thread-safety: thread-safe; events of one call may arrive on several threads.
 */
final class ProgressListener implements ChatListener {
    private final PrintStream err;
    private final Map<String, Attempt> lastFailure = new ConcurrentHashMap<>();

    ProgressListener(PrintStream err) {
        this.err = err;
    }

    @Override
    public void onEvent(ChatEvent event) {
        if (event instanceof ChatEvent.AttemptFinished finished) {
            if (!finished.result().succeeded()) {
                lastFailure.put(finished.provider(), finished.result());
            }
        } else if (event instanceof ChatEvent.RetryScheduled retry) {
            print(retry.provider() + ": " + why(retry.provider(), retry.reason()) + ", retrying in "
                    + Messages.duration(retry.delay()) + (retry.serverDirected() ? " (as the server asked)" : ""));
        } else if (event instanceof ChatEvent.Failover failover) {
            print(failover.provider() + ": " + why(failover.provider(), failover.reason()) + ", failing over to "
                    + failover.toProvider());
        } else if (event instanceof ChatEvent.CooldownStarted cooldown) {
            print(cooldown.provider() + ": cooling down for " + Messages.duration(cooldown.duration()));
        } else if (event instanceof ChatEvent.BreakerStateChanged breaker) {
            print(breaker.provider() + ": circuit breaker " + breaker.from() + " -> " + breaker.to());
        }
    }

    private String why(String provider, ErrorTaxonomy reason) {
        Attempt failed = lastFailure.get(provider);
        ErrorTaxonomy category = reason != null ? reason : failed == null ? null : failed.error();
        String text = category == null ? "failed" : category.name();
        if (failed != null && failed.status() != null && (reason == null || reason == failed.error())) {
            text += " (" + failed.status() + ")";
        }
        return text;
    }

    private void print(String line) {
        err.println("\u2192 " + line);
        err.flush();
    }
}
