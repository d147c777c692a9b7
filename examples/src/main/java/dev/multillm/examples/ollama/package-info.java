/**
 * A custom provider as a third party would write one: {@link dev.multillm.examples.ollama.OllamaChatProvider}
 * for Ollama's OpenAI-compatible API, and its factory, registered in
 * {@code META-INF/services/dev.multillm.core.spi.ChatProviderFactory} so that
 * {@code ChatProviders.create("ollama", config)} and {@code multillm chat -p ollama} find it.
 */
package dev.multillm.examples.ollama;
