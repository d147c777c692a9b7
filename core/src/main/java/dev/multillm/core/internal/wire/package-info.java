/**
 * Internal, not public API: the OpenAI chat-completions wire codec shared by the HTTP providers.
 * It may change or disappear in any release; do not use it from outside multillm.
 *
 * <p>{@link dev.multillm.core.internal.wire.RequestEncoder} writes a request body from a
 * provider's allow-list of fields (a field the provider does not accept is rejected, never
 * dropped); {@link dev.multillm.core.internal.wire.ResponseDecoder} reads a whole
 * {@code chat.completion} body tolerantly; {@link dev.multillm.core.internal.wire.ChunkDecoder}
 * reads one streamed {@code chat.completion.chunk} straight from its UTF-8 bytes with
 * {@link dev.multillm.core.internal.wire.JsonBytesReader}, without a string per key or a parser
 * per chunk, because it runs once per token; JSON-P stays the parser of whole bodies and error
 * objects. Groq's extensions ({@code x_groq}, timing
 * fields, {@code reasoning}) and the {@code reasoning_content} of DeepSeek and vLLM are
 * understood.
 */
package dev.multillm.core.internal.wire;
