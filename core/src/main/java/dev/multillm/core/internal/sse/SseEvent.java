package dev.multillm.core.internal.sse;

import java.util.Objects;

/**
 * One dispatched Server-Sent Event.
 *
 * <p>Thread-safety: immutable record.
 *
 * @param event the event type: the last {@code event:} field of the block, or {@code "message"}
 *              when the block had none (or an empty one)
 * @param data  the block's {@code data:} lines joined with {@code "\n"} (the final newline removed
 *              as the spec says); may be empty, never null
 * @param id    the last event id of the stream at dispatch time, which persists across events;
 *              {@code null} if the stream never set one, {@code ""} if it was reset by an empty
 *              {@code id:} field
 * @param retry the reconnection time in milliseconds if a valid {@code retry:} field came in this
 *              block, else {@code null}
 */
public record SseEvent(String event, String data, String id, Long retry) {

    /** The event type used when a block has no {@code event:} field. */
    public static final String DEFAULT_TYPE = "message";

    public SseEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(data, "data");
        if (retry != null && retry < 0) {
            throw new IllegalArgumentException("retry must not be negative, was " + retry);
        }
    }
}
