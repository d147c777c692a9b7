/**
 * Internal, not public API: the OpenAI chat-completions wire codec shared by the HTTP providers.
 * It may change or disappear in any release; do not use it from outside multillm.
 *
 * <p>{@link dev.multillm.core.internal.wire.RequestEncoder} writes a request body from a
 * provider's allow-list of fields (a field the provider does not accept is rejected, never
 * dropped), straight into UTF-8 bytes with {@link dev.multillm.core.internal.wire.JsonBytesWriter};
 * {@link dev.multillm.core.internal.wire.ResponseDecoder} reads a whole
 * {@code chat.completion} body tolerantly and {@link dev.multillm.core.internal.wire.ChunkDecoder}
 * one streamed {@code chat.completion.chunk}, both straight from their UTF-8 bytes with
 * {@link dev.multillm.core.internal.wire.JsonBytesReader}, without a tree, a string per key or a
 * parser per payload, because they run for every call and every token; JSON-P stays the parser
 * of error objects. Groq's extensions ({@code x_groq}, timing
 * fields, {@code reasoning}) and the {@code reasoning_content} of DeepSeek and vLLM are
 * understood.
 */
package dev.multillm.core.internal.wire;
