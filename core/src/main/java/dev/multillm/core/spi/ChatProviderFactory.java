package dev.multillm.core.spi;

import dev.multillm.core.ChatProvider;
import dev.multillm.core.ProviderConfig;

/**
 * Creates {@link ChatProvider}s for one provider id; found with {@link java.util.ServiceLoader}
 * through a {@code META-INF/services/dev.multillm.core.spi.ChatProviderFactory} entry.
 *
 * <p>Thread-safety: implementations must be thread-safe and cheap to construct (no I/O in the
 * constructor).
 */
public interface ChatProviderFactory {

    /** The id users select this provider by, such as {@code groq}. Lowercase, unique. */
    String id();

    /** One line saying what this provider talks to. */
    default String description() {
        return id();
    }

    /**
     * Creates a provider from {@code config}.
     *
     * @throws IllegalArgumentException naming the key when a setting is missing or malformed
     */
    ChatProvider create(ProviderConfig config);
}
