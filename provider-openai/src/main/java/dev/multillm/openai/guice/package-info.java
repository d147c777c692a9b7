/**
 * Optional Guice wiring for the OpenAI provider ({@link dev.multillm.openai.guice.OpenAiModule});
 * Guice is an optional dependency, needed only by users of this package.
 */
package dev.multillm.openai.guice;
