/**
 * JMH microbenchmarks of the library's hot paths: SSE decoding, chunk parsing, request encoding,
 * and the cost of skipping a route whose breaker is open. Run with {@code bin/bench jmh}.
 */
package dev.multillm.benchmarks.jmh;
