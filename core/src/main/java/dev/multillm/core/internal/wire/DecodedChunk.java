package dev.multillm.core.internal.wire;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.Usage;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * One decoded {@code chat.completion.chunk} payload.
 *
 * <p>The {@link ChatChunk}s never carry usage: the chunk's usage (top-level {@code usage}, else
 * Groq's {@code x_groq.usage}, never both) is {@link #usage()}, for the caller to report once.
 *
 * @param id     the completion id, null if absent
 * @param model  the model, null if absent
 * @param chunks one chunk per choice present, in wire order; empty for a usage-only chunk
 * @param usage  the usage this payload reported, null if none
 * @param error  the in-band error ({@code error}, or Groq's {@code x_groq.error}), null if none
 * @param groqId Groq's request id ({@code x_groq.id}), null if absent
 * @param timings Groq's timing fields of the usage ({@code groq.queue_time}, ...; seconds), empty
 *               if none
 *
 * <p>Thread-safety: immutable record (the JSON-P error object is immutable).
 */
public record DecodedChunk(String id, String model, List<ChatChunk> chunks, Usage usage, JsonObject error,
                           String groqId, Map<String, Object> timings) {
    public DecodedChunk {
        chunks = chunks == null ? List.of() : List.copyOf(chunks);
        timings = timings == null || timings.isEmpty() ? Map.of() : Map.copyOf(timings);
    }

    /** Whether the payload carried an error object. */
    public boolean isError() {
        return error != null;
    }
}
