/**
 * The Groq provider: {@link dev.multillm.groq.GroqChatProvider}, created directly with its builder
 * or through discovery with the id {@code groq} ({@link dev.multillm.groq.GroqChatProviderFactory}).
 */
package dev.multillm.groq;
