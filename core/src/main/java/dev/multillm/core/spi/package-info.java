/**
 * Service-provider interfaces: what a third-party provider implements to be discovered by
 * {@link dev.multillm.core.ChatProviders}.
 */
package dev.multillm.core.spi;
