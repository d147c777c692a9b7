package dev.multillm.proxy.internal;

import dev.multillm.core.ChatRequest;

/**
 * An incoming chat-completions request, parsed.
 *
 * @param model        the public model name the caller asked for
 * @param request      the request to hand to the model's chain
 * @param stream       whether the caller asked for server-sent events
 * @param includeUsage whether the caller asked for a final usage chunk
 *                     ({@code stream_options.include_usage})
 *
 * <p>Thread-safety: immutable record.
 */
public record ParsedRequest(String model, ChatRequest request, boolean stream, boolean includeUsage) {
}
