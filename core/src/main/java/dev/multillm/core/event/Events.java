package dev.multillm.core.event;

/** Safe delivery of events. Package-private. */
final class Events {
    private static final System.Logger LOG = System.getLogger("dev.multillm.core.event");

    private Events() {
    }

    static void deliver(ChatListener listener, ChatEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ChatListener " + listener.getClass().getName()
                    + " failed on " + event.getClass().getSimpleName(), e);
        }
    }
}
