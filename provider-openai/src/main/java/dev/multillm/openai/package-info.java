/**
 * The OpenAI provider, for OpenAI and any OpenAI-compatible server:
 * {@link dev.multillm.openai.OpenAiChatProvider}, created directly with its builder or through
 * discovery with the id {@code openai} ({@link dev.multillm.openai.OpenAiChatProviderFactory}).
 */
package dev.multillm.openai;
