/**
 * Optional Guice wiring for fallback chains: {@link dev.multillm.fallback.guice.FallbackModule}.
 */
package dev.multillm.fallback.guice;
