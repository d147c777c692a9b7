/**
 * Internal: the HTTP transport shared by every HTTP provider (client ownership, timers, mapping
 * of I/O failures). Not public API; may change without notice.
 */
package dev.multillm.core.internal.http;
