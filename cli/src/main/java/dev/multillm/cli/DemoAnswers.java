package dev.multillm.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The canned answers of {@code --demo}: a plausible answer for the prompts people try first
 * (circuit breakers, fallback, retries, streaming...), and an honest note otherwise.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class DemoAnswers {
    private DemoAnswers() {
    }

    private record Canned(List<String> keywords, String answer) {
    }

    private static final List<Canned> CANNED = List.of(
            new Canned(List.of("circuit breaker", "circuit-breaker", "breaker"),
                    "A circuit breaker stops sending calls to a service that keeps failing, fails fast while it"
                            + " is open so callers are not stuck waiting, and after a cool-down lets a few trial"
                            + " calls through to close again once the service has recovered."),
            new Canned(List.of("fallback", "failover", "fail over"),
                    "Fallback means trying the next provider in an ordered list when the current one fails in"
                            + " a way that another provider could fix, such as an outage, an overload or a rate"
                            + " limit, while errors in the request itself are reported at once."),
            new Canned(List.of("retry", "retries", "backoff", "back off"),
                    "Retry only what can succeed on a second try, wait with exponential backoff and jitter,"
                            + " honour the server's retry-after, and give up as soon as the wait would pass the"
                            + " deadline."),
            new Canned(List.of("rate limit", "429", "quota"),
                    "A rate limit caps requests or tokens per time window: a 429 with retry-after says when"
                            + " to try again, while an exhausted quota will not come back by waiting."),
            new Canned(List.of("stream", "token"),
                    "Streaming sends the answer token by token as it is generated, so the first words appear"
                            + " in a fraction of a second instead of after the whole answer is ready."),
            new Canned(List.of("hello", "hi ", "hey"),
                    "Hello! I am multillm's built-in demo simulator: the groq route just failed on purpose, and"
                            + " this answer comes from the openai route the chain failed over to."));

    /** The answer to {@code prompt}. */
    static String answer(String prompt) {
        String text = " " + prompt.toLowerCase(Locale.ROOT) + " ";
        for (Canned canned : CANNED) {
            for (String keyword : canned.keywords()) {
                if (text.contains(keyword)) {
                    return canned.answer();
                }
            }
        }
        String excerpt = prompt.strip().replaceAll("\\s+", " ");
        if (excerpt.length() > 60) {
            excerpt = excerpt.substring(0, 57) + "...";
        }
        return "This is multillm's built-in simulator, not a real model, so it cannot really answer \""
                + excerpt + "\". What you just saw is real, though: the groq route failed like a busy"
                + " service does and the chain failed over to the openai route, which sent this answer."
                + " Set GROQ_API_KEY or OPENAI_API_KEY and drop --demo to ask a real model.";
    }

    /** {@code answer} cut into word-sized deltas (each word with the space before it) that concatenate to it. */
    static List<String> words(String answer) {
        List<String> deltas = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < answer.length(); i++) {
            if (answer.charAt(i) == ' ') {
                deltas.add(answer.substring(start, i));
                start = i;
            }
        }
        deltas.add(answer.substring(start));
        return deltas;
    }

    /** A rough token count (about four characters a token), as a simulator may report it. */
    static long tokens(String text) {
        return Math.max(1, Math.round(text.length() / 4.0));
    }
}
