/**
 * Events of a call (attempts, retries, first token, usage, failovers, breaker changes) and the
 * listener that receives them.
 */
package dev.multillm.core.event;
