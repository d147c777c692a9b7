package dev.multillm.core;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * String settings for a provider created through discovery ({@link ChatProviders}), with a
 * fallback to environment variables ({@code GROQ_API_KEY}, {@code OPENAI_BASE_URL}, ...).
 *
 * <p>Common keys: {@code apiKey}, {@code apiKeyEnv} (the variable to read the key from),
 * {@code baseUrl}, {@code model}, {@code maxRetries}, {@code connectTimeout},
 * {@code firstTokenTimeout}, {@code idleTimeout}, {@code totalTimeout}. Durations are written as
 * {@code 500ms}, {@code 30s}, {@code 2m} or ISO-8601 ({@code PT30S}).
 *
 * <p>Thread-safety: immutable, safe to share. {@code toString} never shows values of keys that
 * look secret.
 */
public final class ProviderConfig {
    private final Map<String, String> values;
    private final Function<String, String> environment;

    private ProviderConfig(Map<String, String> values, Function<String, String> environment) {
        this.values = Map.copyOf(values);
        this.environment = environment;
    }

    /** A configuration of {@code values} that falls back to the process environment. */
    public static ProviderConfig of(Map<String, String> values) {
        return new ProviderConfig(Checks.mapCopy(values, "config"), System::getenv);
    }

    /** An empty configuration over the process environment. */
    public static ProviderConfig empty() {
        return of(Map.of());
    }

    /** A copy that reads environment variables from {@code environment} instead (for tests). */
    public ProviderConfig withEnvironment(Function<String, String> environment) {
        return new ProviderConfig(values, Checks.notNull(environment, "environment"));
    }

    /** A copy with one more (or a replaced) value. */
    public ProviderConfig with(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(Checks.notBlank(key, "key"), Checks.notNull(value, key));
        return new ProviderConfig(copy, environment);
    }

    /** The value of {@code key}, if set. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
    }

    /** The value of {@code key}, or else of the environment variable {@code envVar}. */
    public Optional<String> get(String key, String envVar) {
        return get(key).or(() -> env(envVar));
    }

    /** The environment variable {@code name}, if set and not blank. */
    public Optional<String> env(String name) {
        return Optional.ofNullable(name).map(environment).filter(v -> !v.isBlank());
    }

    /**
     * The API key: the {@code apiKey} value, else the variable named by {@code apiKeyEnv}, else
     * {@code defaultEnvVar}.
     */
    public Optional<ApiKey> apiKey(String defaultEnvVar) {
        Optional<String> direct = get("apiKey");
        if (direct.isPresent()) {
            return direct.map(ApiKey::of);
        }
        String variable = get("apiKeyEnv").orElse(defaultEnvVar);
        return env(variable).map(ApiKey::of);
    }

    /** An integer value; fails naming the key if it is not a number. */
    public Optional<Integer> integer(String key) {
        return get(key).map(v -> {
            try {
                return Integer.parseInt(v.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be an integer, was '" + v + "'");
            }
        });
    }

    /** A duration value ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, or ISO-8601). */
    public Optional<Duration> duration(String key) {
        return get(key).map(v -> parseDuration(key, v));
    }

    /** Parses {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} or ISO-8601; names {@code field} on error. */
    public static Duration parseDuration(String field, String text) {
        String v = text.strip();
        try {
            if (v.startsWith("P") || v.startsWith("p")) {
                return Duration.parse(v);
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).strip()));
            }
            char unit = v.charAt(v.length() - 1);
            String number = v.substring(0, v.length() - 1).strip();
            Duration parsed = switch (unit) {
                case 's' -> Duration.ofMillis(Math.round(Double.parseDouble(number) * 1000));
                case 'm' -> Duration.ofMillis(Math.round(Double.parseDouble(number) * 60_000));
                case 'h' -> Duration.ofMillis(Math.round(Double.parseDouble(number) * 3_600_000));
                default -> throw new IllegalArgumentException();
            };
            if (parsed.isNegative()) {
                throw new IllegalArgumentException();
            }
            return parsed;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    field + " must be a duration like 500ms, 30s or 2m, was '" + text + "'");
        }
    }

    /** The keys that are set. */
    public java.util.Set<String> keys() {
        return values.keySet();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("ProviderConfig{");
        values.keySet().stream().sorted().forEach(k -> text.append(k).append('=')
                .append(k.toLowerCase(java.util.Locale.ROOT).contains("key") && !k.equals("apiKeyEnv")
                        ? "***" : values.get(k))
                .append(", "));
        if (!values.isEmpty()) {
            text.setLength(text.length() - 2);
        }
        return text.append('}').toString();
    }
}
