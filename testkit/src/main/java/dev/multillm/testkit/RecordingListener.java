package dev.multillm.testkit;

import dev.multillm.core.event.ChatEvent;
import dev.multillm.core.event.ChatListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link ChatListener} that keeps every event it receives, for assertions.
 *
 * <p>Thread-safety: thread-safe; events of concurrent calls are kept in arrival order.
 */
public final class RecordingListener implements ChatListener {
    private final List<ChatEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(ChatEvent event) {
        events.add(Objects.requireNonNull(event, "event"));
    }

    /** Every event so far. */
    public List<ChatEvent> events() {
        return List.copyOf(events);
    }

    /** The events of type {@code type}, in order. */
    public <T extends ChatEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Forgets every event. */
    public void clear() {
        events.clear();
    }
}
