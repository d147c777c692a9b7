/**
 * Internal: how one call runs over HTTP: tries, retries, timeouts, streaming with its commit
 * point. Not public API; may change without notice.
 */
package dev.multillm.core.internal.call;
