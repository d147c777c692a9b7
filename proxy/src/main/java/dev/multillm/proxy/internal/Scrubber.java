package dev.multillm.proxy.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it leaves the proxy (error bodies, log lines): every key the
 * proxy knows (its own client keys and the upstream keys it read from the environment), then
 * anything shaped like a provider key ({@code sk-...}, {@code gsk_...}, also the masked forms
 * such as {@code sk-proj-****abcd} that some upstreams echo back) or a bearer credential.
 *
 * <p>core's {@link dev.multillm.core.LlmException} messages are already scrubbed; this is the
 * proxy's own second line of defence, applied to everything it writes.
 *
 * <p>Thread-safety: immutable, safe to share.
 */
public final class Scrubber {
    private static final String MASK = "***";
    private static final Pattern KEY_SHAPED = Pattern.compile(
            "(?i)\\b(?:sk|gsk|xai|pk|rk)[-_][A-Za-z0-9*_\\-]{4,}|\\bBearer\\s+[^\\s\"',;]+");
    /** Keys shorter than this are not searched for literally (they would mask ordinary words). */
    private static final int MIN_LITERAL = 8;

    private final List<String> secrets;

    /** A scrubber for {@code secrets} (blank and very short values are ignored). */
    public Scrubber(Collection<String> secrets) {
        List<String> usable = new ArrayList<>();
        for (String secret : secrets) {
            if (secret != null && secret.strip().length() >= MIN_LITERAL) {
                usable.add(secret.strip());
            }
        }
        // Longest first, so that a key containing another key is masked whole.
        usable.sort(Comparator.comparingInt(String::length).reversed());
        this.secrets = List.copyOf(usable);
    }

    /** {@code text} with every known secret and every key-shaped token replaced by {@code ***}. */
    public String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (String secret : secrets) {
            if (result.contains(secret)) {
                result = result.replace(secret, MASK);
            }
        }
        return KEY_SHAPED.matcher(result).replaceAll(MASK);
    }

    @Override
    public String toString() {
        return "Scrubber[" + secrets.size() + " secrets]";
    }
}
