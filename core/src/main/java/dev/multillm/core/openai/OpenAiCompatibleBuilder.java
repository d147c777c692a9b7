package dev.multillm.core.openai;

import dev.multillm.core.ApiKey;
import dev.multillm.core.ProviderConfig;
import dev.multillm.core.RetryPolicy;
import dev.multillm.core.Sleeper;
import dev.multillm.core.Timeouts;
import dev.multillm.core.event.ChatListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * The settings every provider built on {@link OpenAiCompatibleChatProvider} shares (key, base URL,
 * default model, HTTP client, timeouts, retry policy, clock, sleeper, jitter, listener and the
 * environment they fall back to), for the builder of such a provider to extend with what is its
 * own. {@code B} is that builder, so that every setter returns it.
 *
 * <p>A subclass names its defaults in the constructor (its API root, the variable that overrides
 * it, the variable the key is read from) and, in its {@code build()}, resolves the key and base
 * URL ({@link #resolvedApiKey()}, {@link #resolvedBaseUrl()}), decides whether a missing key is
 * an error ({@link #missingApiKeyMessage(String)}), and adds its own settings to
 * {@link #coreBuilder(String, URI, ApiKey)}:
 *
 * <pre>{@code
 * public static final class Builder extends OpenAiCompatibleBuilder<Builder> {
 *     private Builder() {
 *         super("https://api.acme.example/v1", "ACME_BASE_URL", "ACME_API_KEY");
 *     }
 *
 *     public AcmeChatProvider build() {
 *         ApiKey key = resolvedApiKey();
 *         if (key == null) {
 *             throw new IllegalArgumentException(missingApiKeyMessage("Acme"));
 *         }
 *         return new AcmeChatProvider(coreBuilder("acme", resolvedBaseUrl(), key)
 *                 .allowedFields(ACME_FIELDS).build());
 *     }
 * }
 * }</pre>
 *
 * <p>A factory reads the common {@link ProviderConfig} keys with {@link #configure(ProviderConfig)}.
 *
 * <p>Thread-safety: mutable and not thread-safe, like every builder; {@code build()} copies what
 * it needs.
 *
 * @param <B> the concrete builder
 */
public abstract class OpenAiCompatibleBuilder<B extends OpenAiCompatibleBuilder<B>> {
    private final String defaultBaseUrl;
    private final String baseUrlEnv;
    private String apiKeyEnv;
    private String apiKeySetting = "call apiKey(...)";
    private ApiKey apiKey;
    private boolean keyless;
    private URI baseUrl;
    private String defaultModel;
    private HttpClient httpClient;
    private Timeouts timeouts = Timeouts.defaults();
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private DoubleSupplier random;
    private ChatListener listener = ChatListener.NONE;
    private Function<String, String> environment = System::getenv;

    /**
     * A builder with the provider's defaults.
     *
     * @param defaultBaseUrl the API root used when none is set or found in {@code baseUrlEnv}
     * @param baseUrlEnv     the environment variable that overrides the API root; null for none
     * @param apiKeyEnv      the environment variable the key is read from; null for none
     */
    protected OpenAiCompatibleBuilder(String defaultBaseUrl, String baseUrlEnv, String apiKeyEnv) {
        this.defaultBaseUrl = Objects.requireNonNull(defaultBaseUrl, "defaultBaseUrl");
        this.baseUrlEnv = baseUrlEnv;
        this.apiKeyEnv = apiKeyEnv;
    }

    /** This builder as its own type. */
    @SuppressWarnings("unchecked")
    protected final B self() {
        return (B) this;
    }

    /** The API key; when not set, the provider's key variable is read from the environment. */
    public B apiKey(ApiKey apiKey) {
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.keyless = false;
        return self();
    }

    /** The API key as text (surrounding whitespace is removed; the key never appears in errors). */
    public B apiKey(String apiKey) {
        return apiKey(ApiKey.of(apiKey));
    }

    /** The API root; when not set, the provider's base-URL variable, else its default API root. */
    public B baseUrl(URI baseUrl) {
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        return self();
    }

    /** The API root as text. */
    public B baseUrl(String baseUrl) {
        return baseUrl(parseUrl(baseUrl, "baseUrl"));
    }

    /** The model used when a request names none. */
    public B defaultModel(String defaultModel) {
        this.defaultModel = blankToNull(defaultModel);
        return self();
    }

    /** A client to use (and share) instead of creating one; it is not closed with the provider. */
    public B httpClient(HttpClient httpClient) {
        this.httpClient = httpClient;
        return self();
    }

    /** Connect, first-token, idle and total timeouts. */
    public B timeouts(Timeouts timeouts) {
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        return self();
    }

    /** How retryable failures are retried when the provider is used alone. */
    public B retryPolicy(RetryPolicy retryPolicy) {
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        return self();
    }

    /** The clock deadlines are read on (inject a fake one in tests). */
    public B clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return self();
    }

    /** How to wait between tries (inject a recording one in tests). */
    public B sleeper(Sleeper sleeper) {
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        return self();
    }

    /** Uniform numbers in [0, 1) for backoff jitter (inject a fixed one in tests). */
    public B random(DoubleSupplier random) {
        this.random = Objects.requireNonNull(random, "random");
        return self();
    }

    /** Receives attempt, retry, first-token and usage events. */
    public B listener(ChatListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return self();
    }

    /** Where the provider's environment variables are read; the process environment by default. */
    public B environment(Function<String, String> environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
        return self();
    }

    /**
     * Reads the common configuration keys, each overriding what is set here when present:
     * {@code apiKey}, or {@code apiKeyEnv} naming the variable to read the key from instead of the
     * provider's own; {@code baseUrl}; {@code model} (the default model); {@code maxRetries};
     * {@code connectTimeout}, {@code firstTokenTimeout}, {@code idleTimeout}, {@code totalTimeout}.
     * Environment variables are then read through {@link ProviderConfig#env(String)}.
     *
     * @throws IllegalArgumentException naming the key when a value is malformed
     */
    public B configure(ProviderConfig config) {
        Objects.requireNonNull(config, "config");
        environment(name -> config.env(name).orElse(null));
        config.get("apiKeyEnv").ifPresent(variable -> apiKeyEnv = variable.strip());
        apiKeySetting = "the apiKey configuration key";
        config.get("apiKey").ifPresent(this::apiKey);
        config.get("baseUrl").ifPresent(this::baseUrl);
        config.get("model").ifPresent(this::defaultModel);
        Timeouts t = timeouts;
        t = config.duration("connectTimeout").map(t::withConnect).orElse(t);
        t = config.duration("firstTokenTimeout").map(t::withFirstToken).orElse(t);
        t = config.duration("idleTimeout").map(t::withIdle).orElse(t);
        timeouts(config.duration("totalTimeout").map(t::withTotal).orElse(t));
        config.integer("maxRetries").ifPresent(retries -> {
            if (retries < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative, was " + retries);
            }
            retryPolicy(retryPolicy.withMaxRetries(retries));
        });
        return self();
    }

    /** Sends no key and reads no key variable: for a server that needs none. */
    protected final void noApiKey() {
        this.apiKey = null;
        this.keyless = true;
    }

    /** The key: the one set, else the key variable's value; null when there is none (or {@link #noApiKey()}). */
    protected final ApiKey resolvedApiKey() {
        if (keyless) {
            return null;
        }
        if (apiKey != null) {
            return apiKey;
        }
        String fromEnvironment = apiKeyEnv == null ? null : env(apiKeyEnv);
        return fromEnvironment == null ? null : ApiKey.of(fromEnvironment);
    }

    /** The API root: the one set, else the base-URL variable's value, else the default. */
    protected final URI resolvedBaseUrl() {
        if (baseUrl != null) {
            return baseUrl;
        }
        String fromEnvironment = baseUrlEnv == null ? null : env(baseUrlEnv);
        return fromEnvironment == null ? URI.create(defaultBaseUrl) : parseUrl(fromEnvironment, baseUrlEnv);
    }

    /**
     * Says that {@code provider} needs a key and where to set it, such as "Groq needs an API key:
     * set the GROQ_API_KEY environment variable or call apiKey(...)".
     */
    protected final String missingApiKeyMessage(String provider) {
        return provider + " needs an API key: "
                + (apiKeyEnv == null ? "" : "set the " + apiKeyEnv + " environment variable or ") + apiKeySetting;
    }

    /** The default model set; null if none. */
    protected final String defaultModel() {
        return defaultModel;
    }

    /** The environment variable {@code name}, stripped; null when unset or blank. */
    protected final String env(String name) {
        return blankToNull(environment.apply(name));
    }

    /**
     * A builder of the core provider with {@code id}, {@code baseUrl}, {@code apiKey} (null for
     * none) and every common setting of this builder applied, for the subclass to add its own
     * (capabilities, allowed fields, headers...) and build.
     */
    protected final OpenAiCompatibleChatProvider.Builder coreBuilder(String id, URI baseUrl, ApiKey apiKey) {
        OpenAiCompatibleChatProvider.Builder core = OpenAiCompatibleChatProvider.builder()
                .id(id)
                .baseUrl(baseUrl)
                .apiKey(apiKey)
                .defaultModel(defaultModel)
                .httpClient(httpClient)
                .timeouts(timeouts)
                .retryPolicy(retryPolicy)
                .clock(clock)
                .sleeper(sleeper)
                .listener(listener);
        if (random != null) {
            core.random(random);
        }
        return core;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static URI parseUrl(String text, String field) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        try {
            return URI.create(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " is not a valid URL: " + text.strip());
        }
    }
}
