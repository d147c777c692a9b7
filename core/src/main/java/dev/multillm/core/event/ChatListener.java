package dev.multillm.core.event;

import java.util.List;

/**
 * Receives {@link ChatEvent}s. Called synchronously on the thread that produced the event, so
 * implementations must be quick and must not block; an exception thrown by a listener is logged
 * and otherwise ignored.
 *
 * <p>Thread-safety: implementations must be thread-safe; events of concurrent calls arrive
 * concurrently.
 */
@FunctionalInterface
public interface ChatListener {

    /** A listener that ignores everything. */
    ChatListener NONE = event -> { };

    /** Handles one event. */
    void onEvent(ChatEvent event);

    /** A listener that forwards every event to each of {@code listeners}, in order. */
    static ChatListener all(List<ChatListener> listeners) {
        List<ChatListener> copy = List.copyOf(listeners);
        return event -> copy.forEach(listener -> Events.deliver(listener, event));
    }

    /** Delivers {@code event} to {@code listener}, logging instead of throwing if it fails. */
    static void safely(ChatListener listener, ChatEvent event) {
        Events.deliver(listener, event);
    }
}
