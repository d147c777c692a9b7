package dev.multillm.cli;

import dev.multillm.core.ChatProvider;
import dev.multillm.core.ChatProviders;
import dev.multillm.core.ProviderConfig;
import dev.multillm.core.event.ChatListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@code -p} SPECs into providers found by id through {@link ChatProviders} (so any
 * provider on the class path works, ours or a third party's), and several of them into a
 * fallback chain in the order given.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class Routes {
    /**
     * The model used for a built-in provider when neither its SPEC nor {@code -m} names one, so
     * that {@code multillm chat "..."} works with nothing but a key.
     */
    static final Map<String, String> DEFAULT_MODELS = Map.of(
            "groq", "llama-3.3-70b-versatile",
            "openai", "gpt-4o-mini");

    /** The built-in providers tried, in this order, when no {@code -p} is given, with their key variables. */
    static final Map<String, String> DEFAULT_KEY_VARIABLES = defaultKeyVariables();

    private Routes() {
    }

    private static Map<String, String> defaultKeyVariables() {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("groq", "GROQ_API_KEY");
        variables.put("openai", "OPENAI_API_KEY");
        return java.util.Collections.unmodifiableMap(variables);
    }

    /**
     * The routes to use when no {@code -p} was given: every built-in provider whose key variable is
     * set, in the order of {@link #DEFAULT_KEY_VARIABLES}.
     *
     * @throws UsageException when none is set
     */
    static List<ProviderSpec> fromEnvironment(Map<String, String> env) {
        List<ProviderSpec> specs = new ArrayList<>();
        DEFAULT_KEY_VARIABLES.forEach((id, variable) -> {
            String key = env.get(variable);
            if (key != null && !key.isBlank()) {
                specs.add(new ProviderSpec(id, Map.of()));
            }
        });
        if (specs.isEmpty()) {
            throw new UsageException("no provider: pass -p ID[,key=value]... (available: " + available()
                    + "), set " + String.join(" or ", DEFAULT_KEY_VARIABLES.values()) + ", or try --demo");
        }
        return specs;
    }

    /**
     * Checks that every SPEC names a provider on the class path, before anything else happens.
     *
     * @throws UsageException naming the unknown id and listing the available ones
     */
    static void checkIds(List<ProviderSpec> specs) {
        for (ProviderSpec spec : specs) {
            try {
                ChatProviders.factory(spec.id());
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new UsageException(e.getMessage());
            }
        }
    }

    /** The ids of the providers on the class path, comma-separated. */
    static String available() {
        List<String> ids = ChatProviders.available().stream().map(f -> f.id()).distinct().toList();
        return ids.isEmpty() ? "none" : String.join(", ", ids);
    }

    /**
     * The configuration of {@code spec}: its settings, the model ({@code spec}'s, else
     * {@code model}, else the built-in default for the id), over the given environment.
     */
    static ProviderConfig config(ProviderSpec spec, String model, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>(spec.settings());
        if (!values.containsKey("model")) {
            String chosen = model != null ? model : defaultModel(spec, env);
            if (chosen != null) {
                values.put("model", chosen);
            }
        }
        Map<String, String> environment = new HashMap<>(env);
        return ProviderConfig.of(values).withEnvironment(environment::get);
    }

    /**
     * The built-in default model for {@code spec}, only when it talks to the provider's own service:
     * another base URL (an OpenAI-compatible server such as Ollama) has models of its own.
     */
    private static String defaultModel(ProviderSpec spec, Map<String, String> env) {
        String baseUrlVariable = spec.id().toUpperCase(java.util.Locale.ROOT) + "_BASE_URL";
        String fromEnv = env.get(baseUrlVariable);
        if (spec.settings().containsKey("baseUrl") || fromEnv != null && !fromEnv.isBlank()) {
            return null;
        }
        return DEFAULT_MODELS.get(spec.id());
    }

    /**
     * Creates the provider of {@code spec}.
     *
     * @throws UsageException when its factory rejects the configuration (a missing key, a bad URL...)
     */
    static ChatProvider create(ProviderSpec spec, String model, Map<String, String> env) {
        try {
            return ChatProviders.create(spec.id(), config(spec, model, env));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UsageException(spec.id() + ": " + e.getMessage());
        }
    }

    /**
     * Creates every route's provider and, for more than one, the fallback chain over them in
     * order. {@code listener} hears the chain's retries and failovers.
     */
    static Session open(List<ProviderSpec> specs, String model, Map<String, String> env, ChatListener listener) {
        List<Chains.NamedRoute> routes = new ArrayList<>();
        List<AutoCloseable> opened = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        try {
            for (ProviderSpec spec : specs) {
                ChatProvider provider = create(spec, model, env);
                opened.add(provider);
                int occurrence = seen.merge(spec.id(), 1, Integer::sum);
                routes.add(new Chains.NamedRoute(ProviderSpec.routeName(spec.id(), occurrence), provider));
            }
            Integer maxRetries = specs.stream().filter(s -> s.settings().containsKey("maxRetries"))
                    .map(s -> Integer.valueOf(s.settings().get("maxRetries"))).max(Integer::compare).orElse(null);
            ChatProvider chain = Chains.build(routes, listener, maxRetries);
            opened.add(chain);
            return new Session(chain, opened);
        } catch (RuntimeException e) {
            new Session(null, opened).close();
            throw e;
        }
    }
}
