/**
 * Internal, not public API: a byte-level Server-Sent-Events decoder shared by the HTTP
 * providers. It may change or disappear in any release; do not use it from outside multillm.
 *
 * <p>{@link dev.multillm.core.internal.sse.SseDecoder} turns the bytes of a
 * {@code text/event-stream} body, in buffers split anywhere, into
 * {@link dev.multillm.core.internal.sse.SseEvent}s, or hands a listener each event's data as
 * bytes, following the WHATWG HTML "event stream interpretation" algorithm.
 */
package dev.multillm.core.internal.sse;
