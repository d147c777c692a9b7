/**
 * The clients measured side by side, each behind {@link dev.multillm.benchmarks.clients.BenchClient}:
 * multillm's providers and chain, the plain JDK client (the floor), openai-java and LangChain4j.
 */
package dev.multillm.benchmarks.clients;
