package dev.multillm.cli;

import dev.multillm.core.ChatProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * What one command run talks to: the provider (a single one or a fallback chain) and everything
 * to close afterwards, such as the providers of the chain and the demo's fake upstreams.
 *
 * <p>Thread-safety: used by the command's thread; {@link #close()} is idempotent.
 */
final class Session implements AutoCloseable {
    private final ChatProvider provider;
    private final List<AutoCloseable> resources;
    private boolean closed;

    /**
     * @param provider  what to call
     * @param resources closed in reverse order by {@link #close()}
     */
    Session(ChatProvider provider, List<? extends AutoCloseable> resources) {
        this.provider = provider;
        this.resources = new ArrayList<>(resources);
    }

    /** The provider to call. */
    ChatProvider provider() {
        return provider;
    }

    /** Closes every resource, last opened first, ignoring failures. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception ignored) {
                // closing anyway: the run is over
            }
        }
    }
}
