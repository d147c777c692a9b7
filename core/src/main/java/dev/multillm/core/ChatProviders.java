package dev.multillm.core;

import dev.multillm.core.spi.ChatProviderFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Finds {@link ChatProviderFactory}s with {@link ServiceLoader} and creates providers by id.
 *
 * <p>Selection is deterministic: a provider is chosen by its explicit id only; an unknown id,
 * or an id that two factories claim, fails with a message listing the candidates.
 *
 * <p>Thread-safety: stateless and thread-safe; every call reloads the factories from the class
 * loader.
 */
public final class ChatProviders {
    private ChatProviders() {
    }

    /** Creates the provider {@code id} from {@code config}, using the context class loader. */
    public static ChatProvider create(String id, ProviderConfig config) {
        return factory(id).create(Checks.notNull(config, "config"));
    }

    /** The factory for {@code id}, using the context class loader. */
    public static ChatProviderFactory factory(String id) {
        return factory(id, defaultLoader());
    }

    /** The factory for {@code id} among those {@code loader} sees. */
    public static ChatProviderFactory factory(String id, ClassLoader loader) {
        Checks.notBlank(id, "provider id");
        Map<String, List<ChatProviderFactory>> byId = load(loader);
        List<ChatProviderFactory> candidates = byId.get(id);
        if (candidates == null) {
            throw new IllegalArgumentException("unknown provider id '" + id + "'; available: "
                    + (byId.isEmpty() ? "none (no ChatProviderFactory on the class path)" : String.join(", ", byId.keySet())));
        }
        if (candidates.size() > 1) {
            throw new IllegalStateException("provider id '" + id + "' is claimed by several factories: "
                    + candidates.stream().map(f -> f.getClass().getName()).collect(Collectors.joining(", "))
                    + "; remove one from the class path");
        }
        return candidates.get(0);
    }

    /** Every factory found, sorted by id (an id claimed twice appears twice). */
    public static List<ChatProviderFactory> available() {
        return available(defaultLoader());
    }

    /** Every factory {@code loader} sees, sorted by id. */
    public static List<ChatProviderFactory> available(ClassLoader loader) {
        List<ChatProviderFactory> all = new ArrayList<>();
        load(loader).values().forEach(all::addAll);
        return List.copyOf(all);
    }

    private static Map<String, List<ChatProviderFactory>> load(ClassLoader loader) {
        Map<String, List<ChatProviderFactory>> byId = new TreeMap<>();
        for (ChatProviderFactory factory : ServiceLoader.load(ChatProviderFactory.class, loader)) {
            byId.computeIfAbsent(factory.id(), k -> new ArrayList<>()).add(factory);
        }
        return byId;
    }

    private static ClassLoader defaultLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : ChatProviders.class.getClassLoader();
    }
}
