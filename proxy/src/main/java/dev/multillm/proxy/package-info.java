/**
 * An OpenAI-compatible HTTP server in front of multillm chains: {@link dev.multillm.proxy.ProxyServer}
 * (started from a {@link dev.multillm.proxy.ProxyConfig}, {@code proxy.json}, or built
 * programmatically) answers {@code POST /v1/chat/completions} (streaming and not),
 * {@code GET /v1/models}, {@code GET /health} and {@code GET /metrics} in the OpenAI wire format,
 * with multillm's fallback, circuit breakers and error taxonomy behind it.
 *
 * <p>Everything in {@code dev.multillm.proxy.internal} is internal and may change in any release.
 */
package dev.multillm.proxy;
