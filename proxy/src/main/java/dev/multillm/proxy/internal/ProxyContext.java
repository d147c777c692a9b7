package dev.multillm.proxy.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Everything the request handling needs, fixed when the server starts.
 *
 * @param models               the public model names, in configuration order
 * @param auth                 the client key check
 * @param errors               the error table
 * @param scrubber             removes secrets from text that leaves the proxy
 * @param metrics              the metrics
 * @param streamExecutor       runs the stream pumps (one task per active stream, see {@link SseExchange})
 * @param timer                schedules keep-alive comments
 * @param keepAliveInterval    the interval of SSE keep-alive comments on a quiet stream
 * @param maxRequestBytes      the largest accepted request body
 * @param maxConcurrentStreams the most streams served at once; more are answered 503
 * @param clock                the clock of {@code created} timestamps
 * @param startedEpochSecond   when the server started, the {@code created} of the listed models
 *
 * <p>Thread-safety: immutable record of thread-safe parts.
 */
public record ProxyContext(Map<String, ServedModel> models, ClientAuth auth, ErrorMapping errors, Scrubber scrubber,
                           Metrics metrics, ExecutorService streamExecutor, ScheduledExecutorService timer,
                           Duration keepAliveInterval, long maxRequestBytes, int maxConcurrentStreams, Clock clock,
                           long startedEpochSecond) {
}
