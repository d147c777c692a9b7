/**
 * Internal, not public API: the proxy's server-side OpenAI wire codec (request parsing, response,
 * chunk and error writing), the error table, the Jetty handler, the SSE streaming pump, client
 * authentication, secret scrubbing and the Prometheus metrics. It may change or disappear in any
 * release; do not use it from outside multillm.
 *
 * <p>The client-side codec lives in core ({@code dev.multillm.core.internal.wire}); this package is
 * its mirror image for a server: it reads what {@code RequestEncoder} writes and writes what
 * {@code ResponseDecoder} and {@code ChunkDecoder} read, with the same field names.
 */
package dev.multillm.proxy.internal;
