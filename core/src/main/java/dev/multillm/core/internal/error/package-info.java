/**
 * Internal: the one place where upstream HTTP errors become {@link dev.multillm.core.LlmException}s
 * (error body parsing, the status/code/type classification table, {@code Retry-After},
 * {@code x-should-retry}, {@code x-ratelimit-*} headers and Go durations, key scrubbing).
 * Not public API; may change without notice.
 */
package dev.multillm.core.internal.error;
