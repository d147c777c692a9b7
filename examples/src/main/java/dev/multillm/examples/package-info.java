/**
 * Small programs to copy from, one class with a {@code main} each: {@link QuickstartGroq},
 * {@link Streaming}, {@link FallbackChain}, {@link ToolCalling}, {@link JsonMode},
 * {@link CustomProvider} and {@link GuiceWiring}.
 *
 * <p>Each talks to the real service when its key variable is set ({@code GROQ_API_KEY},
 * {@code OPENAI_API_KEY}), and otherwise to a {@link LocalSimulator} on the loopback interface, so
 * all of them run offline. The simulator lines are marked; drop them when you copy an example.
 */
package dev.multillm.examples;
