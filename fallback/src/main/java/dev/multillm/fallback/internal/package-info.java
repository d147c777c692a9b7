/**
 * Internal: how a call runs through a fallback chain (the plan of tries, the blocking, asynchronous
 * and streaming drivers, breakers and cooldowns). Not public API; may change without notice.
 */
package dev.multillm.fallback.internal;
