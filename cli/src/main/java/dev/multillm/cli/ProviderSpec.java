package dev.multillm.cli;

import dev.multillm.core.ProviderConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One {@code -p/--provider} value: {@code ID[,key=value]...}.
 *
 * <p>Only the keys of the CLI contract are accepted ({@link #KEYS}); API keys are never given on
 * the command line (they would end up in shell history and process lists), only through the
 * environment variable the provider reads, or the one named by {@code apiKeyEnv}. Error messages
 * never repeat a value that could be a secret.
 *
 * @param id       the provider id, as the provider's factory declares it
 * @param settings the {@code key=value} pairs, in the order given
 *
 * <p>Thread-safety: immutable record.
 */
record ProviderSpec(String id, Map<String, String> settings) {

    /** The keys a SPEC may set, in the order the help text lists them. */
    static final List<String> KEYS = List.of("baseUrl", "model", "apiKeyEnv", "maxRetries", "connectTimeout",
            "firstTokenTimeout", "idleTimeout");

    private static final Set<String> DURATION_KEYS = Set.of("connectTimeout", "firstTokenTimeout", "idleTimeout");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    ProviderSpec {
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * Parses {@code text}.
     *
     * @throws UsageException naming the part that is wrong
     */
    static ProviderSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new UsageException("empty --provider SPEC: expected ID[,key=value]..., e.g. groq,model=llama-3.3-70b-versatile");
        }
        String[] parts = text.strip().split(",", -1);
        String id = parts[0].strip();
        if (id.isEmpty()) {
            throw bad(text, "the provider id is missing before the first ','");
        }
        if (!ID.matcher(id).matches()) {
            throw bad(text, "'" + redacted(id) + "' is not a provider id (letters, digits, '.', '_', '-')");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].strip();
            if (part.isEmpty()) {
                throw bad(text, "empty setting after ','");
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw bad(text, "'" + redacted(part) + "' is not key=value");
            }
            String key = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).strip();
            if (key.isEmpty()) {
                throw bad(text, "a setting has no key before '='");
            }
            if (!KEYS.contains(key)) {
                String hint = key.toLowerCase(Locale.ROOT).contains("key") && !key.equals("apiKeyEnv")
                        ? "; API keys are never given on the command line: use apiKeyEnv=VARIABLE" : "";
                throw bad(text, "unknown key '" + key + "' (keys: " + String.join(", ", KEYS) + ")" + hint);
            }
            if (value.isEmpty()) {
                throw bad(text, "'" + key + "' has no value");
            }
            if (settings.containsKey(key)) {
                throw bad(text, "'" + key + "' is given twice");
            }
            check(text, key, value);
            settings.put(key, value);
        }
        return new ProviderSpec(id, settings);
    }

    private static void check(String text, String key, String value) {
        if (DURATION_KEYS.contains(key)) {
            try {
                if (ProviderConfig.parseDuration(key, value).isZero()) {
                    throw bad(text, key + " must be positive, was '" + value + "'");
                }
            } catch (IllegalArgumentException e) {
                throw bad(text, e.getMessage());
            }
        } else if (key.equals("maxRetries")) {
            int retries;
            try {
                retries = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw bad(text, "maxRetries must be a whole number, was '" + value + "'");
            }
            if (retries < 0) {
                throw bad(text, "maxRetries must not be negative, was " + retries);
            }
        } else if (key.equals("apiKeyEnv") && !ENV_NAME.matcher(value).matches()) {
            throw bad(text, "apiKeyEnv must name an environment variable (letters, digits, '_'), not a key");
        } else if (key.equals("baseUrl") && !(value.startsWith("http://") || value.startsWith("https://"))) {
            throw bad(text, "baseUrl must start with http:// or https://, was '" + value + "'");
        }
    }

    private static UsageException bad(String text, String problem) {
        return new UsageException("bad --provider '" + redactedSpec(text) + "': " + problem);
    }

    /** The spec as typed, with the value of any key-like setting replaced by {@code ***}. */
    static String redactedSpec(String text) {
        String[] parts = text.strip().split(",", -1);
        StringBuilder shown = new StringBuilder(redacted(parts[0]));
        for (int i = 1; i < parts.length; i++) {
            shown.append(',').append(redacted(parts[i]));
        }
        return shown.toString();
    }

    /** {@code part} unless it looks like a secret ({@code apiKey=...}, {@code sk-...}, {@code gsk_...}). */
    private static String redacted(String part) {
        int eq = part.indexOf('=');
        String key = eq < 0 ? "" : part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        String value = eq < 0 ? part.strip() : part.substring(eq + 1).strip();
        boolean secretKey = (key.contains("key") || key.contains("token") || key.contains("secret")
                || key.contains("password")) && !key.equals("apikeyenv");
        boolean secretValue = value.startsWith("sk-") || value.startsWith("gsk_") || value.startsWith("sk_")
                || value.length() > 40 && !value.contains("/");
        if (secretKey || secretValue) {
            return eq < 0 ? "***" : part.substring(0, eq + 1) + "***";
        }
        return part;
    }

    /** The route name used in output: the id, or {@code id#n} for the n-th route of the same id. */
    static String routeName(String id, int occurrence) {
        return occurrence <= 1 ? id : id + "#" + occurrence;
    }
}
