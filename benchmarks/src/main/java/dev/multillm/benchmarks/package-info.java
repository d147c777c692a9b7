/**
 * The benchmark harness: a cheap local OpenAI-compatible server, the clients measured side by side
 * (multillm, the plain JDK client, openai-java, LangChain4j), the load scenarios, and the
 * report written to {@code BENCHMARKS.md}. Not published; nothing here is API.
 */
package dev.multillm.benchmarks;
