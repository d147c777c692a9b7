/**
 * The multillm API: {@link dev.multillm.core.ChatProvider}, the request and response model, the
 * {@link dev.multillm.core.ErrorTaxonomy} and its exceptions, retry and timeout settings, secrets
 * and discovery.
 */
package dev.multillm.core;
