package dev.multillm.core.internal.call;

import dev.multillm.core.Attempt;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.Deadline;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.TimeoutPhase;
import dev.multillm.core.event.ChatEvent;
import dev.multillm.core.event.ChatListener;
import dev.multillm.core.internal.error.HttpErrors;
import dev.multillm.core.internal.error.ErrorBodyParser;
import dev.multillm.core.internal.error.RateLimitHeaders;
import dev.multillm.core.internal.http.TransportErrors;
import dev.multillm.core.internal.wire.ResponseDecoder;
import dev.multillm.core.internal.wire.WireErrorException;
import dev.multillm.core.internal.http.TimedBodyExchange;
import dev.multillm.core.spi.SharedTimer;
import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One non-streaming call: sends the body, retries retryable failures within the deadline, and
 * completes a future with the response or the final {@link LlmException}. Cancelling the future
 * aborts the exchange in flight.
 *
 * <p>Thread-safety: thread-safe; each instance runs one call.
 */
public final class UnaryCall {
    private static final System.Logger LOG = System.getLogger("dev.multillm.call");

    private final CallSettings settings;
    private final String model;
    private final byte[] body;
    private final Deadline deadline;
    private final CompletableFuture<ChatResponse> result = new CompletableFuture<>();
    private final List<Attempt> attempts = new ArrayList<>();
    private volatile CompletableFuture<?> inFlight;

    private UnaryCall(CallSettings settings, String model, byte[] body, Deadline deadline) {
        this.settings = settings;
        this.model = model;
        this.body = body;
        this.deadline = deadline;
        result.whenComplete((response, failure) -> {
            CompletableFuture<?> current = inFlight;
            if (result.isCancelled() && current != null) {
                current.cancel(true);
            }
        });
    }

    /** Starts the call; the future completes with the answer or an {@link LlmException}. */
    public static CompletableFuture<ChatResponse> start(CallSettings settings, String model, byte[] body,
                                                        Deadline deadline) {
        UnaryCall call = new UnaryCall(settings, model, body, deadline);
        call.attempt(1, false);
        return call.result;
    }

    private void attempt(int number, boolean resend) {
        if (result.isDone()) {
            return;
        }
        String provider = settings.provider();
        ChatListener.safely(settings.listener(), new ChatEvent.AttemptStarted(provider, model, number, false));
        long startNanos = System.nanoTime();
        AtomicReference<TimeoutPhase> expired = new AtomicReference<>();
        AtomicReference<CompletableFuture<?>> exchangeRef = new AtomicReference<>();
        ScheduledFuture<?> headersTimer = SharedTimer.schedule(settings.timeouts().firstToken(),
                () -> expire(expired, TimeoutPhase.FIRST_TOKEN, exchangeRef));
        Duration rest = deadline.remaining();
        ScheduledFuture<?> totalTimer = rest == null ? null
                : SharedTimer.schedule(rest, () -> expire(expired, TimeoutPhase.TOTAL, exchangeRef));
        CompletableFuture<HttpResponse<byte[]>> exchange = settings.transport().send(
                settings.transport().postJson(settings.chatPath(), body, false),
                responseInfo -> {
                    headersTimer.cancel(false);
                    return HttpResponse.BodySubscribers.ofByteArray();
                });
        exchangeRef.set(exchange);
        inFlight = exchange;
        if (expired.get() != null || result.isCancelled()) {
            exchange.cancel(true);
        }
        exchange.whenComplete((response, failure) -> {
            headersTimer.cancel(false);
            if (totalTimer != null) {
                totalTimer.cancel(false);
            }
            Duration latency = Duration.ofNanos(System.nanoTime() - startNanos);
            if (failure == null) {
                onResponse(number, response, latency);
            } else if (expired.get() != null) {
                TimeoutPhase phase = expired.get();
                onFailure(number, LlmException.builder(ErrorTaxonomy.TIMEOUT).provider(provider).timeoutPhase(phase)
                        .message(phase == TimeoutPhase.TOTAL ? "the call's deadline passed"
                                : "no response within " + settings.timeouts().firstToken().toMillis() + " ms")
                        .build(), latency);
            } else if (!resend && TransportErrors.isStalePooledConnection(failure)) {
                LOG.log(System.Logger.Level.DEBUG, () -> provider + ": stale pooled connection, resending once");
                attempt(number, true);
            } else {
                onFailure(number, TransportErrors.map(provider, failure), latency);
            }
        });
    }

    private static void expire(AtomicReference<TimeoutPhase> expired, TimeoutPhase phase,
                               AtomicReference<CompletableFuture<?>> exchange) {
        if (expired.compareAndSet(null, phase)) {
            CompletableFuture<?> current = exchange.get();
            if (current != null) {
                current.cancel(true);
            }
        }
    }

    private void onResponse(int number, HttpResponse<byte[]> response, Duration latency) {
        ChatResponse answer;
        try {
            answer = interpret(response.statusCode(), response.headers(), response.body(), latency);
        } catch (LlmException failure) {
            onFailure(number, failure, latency);
            return;
        }
        result.complete(answer);
    }

    /**
     * The answer in a response, or the failure it says (thrown); records a successful try. An
     * answer is decoded straight from the body's UTF-8 bytes; only an error status makes them text.
     */
    private ChatResponse interpret(int status, HttpHeaders headers, byte[] responseBody, Duration latency) {
        String provider = settings.provider();
        if (status / 100 != 2) {
            throw HttpErrors.fromResponse(provider, status, headers,
                    new String(responseBody, StandardCharsets.UTF_8), settings.transport().apiKey(), settings.clock());
        }
        ChatResponse.Builder builder;
        try {
            builder = ResponseDecoder.decode(responseBody, 0, responseBody.length, provider);
        } catch (WireErrorException inBody) {
            throw HttpErrors.fromStreamError(provider, ErrorBodyParser.fromJson(inBody.error()),
                    requestId(headers, null), settings.transport().apiKey());
        } catch (LlmException invalid) {
            throw invalid.toBuilder().provider(provider).status(status).requestId(requestId(headers, null))
                    .message(HttpErrors.scrub(invalid.upstreamMessage(), settings.transport().apiKey())).build();
        } catch (RuntimeException unexpected) {
            throw LlmException.builder(ErrorTaxonomy.INVALID_RESPONSE).provider(provider).status(status)
                    .message("cannot read the response: " + unexpected.getClass().getSimpleName())
                    .cause(unexpected).build();
        }
        Attempt ok = Attempt.ok(provider, model, status, latency);
        ChatListener.safely(settings.listener(), new ChatEvent.AttemptFinished(provider, ok));
        List<Attempt> log;
        synchronized (attempts) {
            attempts.add(ok);
            log = List.copyOf(attempts);
        }
        ChatResponse draft = builder.build();
        ChatResponse answer = new ChatResponse(draft.id(), provider, draft.model() != null ? draft.model() : model,
                draft.choices(), draft.usage(), requestId(headers, (String) draft.metadata().get("x_groq.id")),
                RateLimitHeaders.parse(headers), log, draft.metadata());
        if (answer.usage().reported()) {
            ChatListener.safely(settings.listener(), new ChatEvent.UsageReported(provider, answer.model(),
                    answer.usage()));
        }
        return answer;
    }

    static String requestId(HttpHeaders headers, String fallback) {
        String id = RateLimitHeaders.first(headers, "x-request-id");
        return id != null ? id : fallback;
    }

    private void onFailure(int number, LlmException failure, Duration latency) {
        if (result.isDone()) {
            return;
        }
        RetryDecision decision = recordFailure(number, failure, latency);
        if (!decision.retry()) {
            result.completeExceptionally(failure.withAttempts(log()));
            return;
        }
        CompletableFuture<Void> wait = settings.sleeper().delay(decision.delay());
        inFlight = wait;
        wait.whenComplete((ignored, interrupted) -> {
            if (interrupted == null) {
                attempt(number + 1, false);
            }
        });
    }

    /** Decides whether try {@code number} is retried, and records it in the log and the events. */
    private RetryDecision recordFailure(int number, LlmException failure, Duration latency) {
        String provider = settings.provider();
        RetryDecision decision = RetryDecision.decide(failure, number, settings.retryPolicy(), deadline,
                settings.random());
        Attempt failed = new Attempt(provider, model, failure.category(), failure.status(), latency,
                decision.retry() ? decision.delay() : null, decision.note());
        ChatListener.safely(settings.listener(), new ChatEvent.AttemptFinished(provider, failed));
        synchronized (attempts) {
            attempts.add(failed);
        }
        if (decision.retry()) {
            ChatListener.safely(settings.listener(), new ChatEvent.RetryScheduled(provider, model, number + 1,
                    decision.delay(), failure.category(), "retry-after".equals(decision.note())));
        }
        return decision;
    }

    private List<Attempt> log() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    // ---- the blocking path: every try sent on the caller's thread ----

    /**
     * Runs the call on the calling thread: {@code HttpClient.send} costs no thread per request,
     * where the JDK's {@code sendAsync} (used by {@link #start}) completes every exchange on the
     * common pool's default executor, which on small machines is a new thread per task.
     */
    public static ChatResponse call(CallSettings settings, String model, byte[] body, Deadline deadline) {
        return new UnaryCall(settings, model, body, deadline).runBlocking();
    }

    private ChatResponse runBlocking() {
        String provider = settings.provider();
        for (int number = 1; ; number++) {
            ChatListener.safely(settings.listener(), new ChatEvent.AttemptStarted(provider, model, number, false));
            long startNanos = System.nanoTime();
            LlmException failure;
            try {
                return exchangeBlocking(startNanos);
            } catch (LlmException e) {
                failure = e;
            }
            if (failure.category() == ErrorTaxonomy.CANCELLED) {
                throw failure.withAttempts(log());
            }
            RetryDecision decision = recordFailure(number, failure, Duration.ofNanos(System.nanoTime() - startNanos));
            if (!decision.retry()) {
                throw failure.withAttempts(log());
            }
            try {
                settings.sleeper().delay(decision.delay()).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw LlmException.builder(ErrorTaxonomy.CANCELLED).provider(provider)
                        .message("interrupted while waiting to retry").attempts(log()).cause(e).build();
            } catch (ExecutionException e) {
                throw failure.withAttempts(log());
            }
        }
    }

    private ChatResponse exchangeBlocking(long startNanos) {
        String provider = settings.provider();
        Duration firstToken = settings.timeouts().firstToken();
        HttpRequest request = settings.transport().postJson(settings.chatPath(), body, false);
        HttpResponse<byte[]> response = null;
        for (boolean resent = false; response == null; resent = true) {
            Duration rest = deadline.remaining();
            boolean deadlineFirst = rest != null && rest.compareTo(firstToken) < 0;
            TimedBodyExchange exchange = new TimedBodyExchange(deadline::remaining);
            try {
                response = exchange.send(settings.transport(), request, deadlineFirst ? rest : firstToken);
            } catch (InterruptedException e) {
                if (exchange.expiry() == TimedBodyExchange.Expiry.HEADERS) {
                    throw deadlineFirst ? timeout(TimeoutPhase.TOTAL, "the call's deadline passed")
                            : timeout(TimeoutPhase.FIRST_TOKEN, "no response within " + firstToken.toMillis() + " ms");
                }
                Thread.currentThread().interrupt();
                throw TransportErrors.map(provider, e);
            } catch (IOException e) {
                if (exchange.expiry() == TimedBodyExchange.Expiry.BODY) {
                    throw timeout(TimeoutPhase.TOTAL, "the call's deadline passed while reading the body");
                }
                if (e instanceof HttpConnectTimeoutException || resent
                        || !TransportErrors.isStalePooledConnection(e)) {
                    throw TransportErrors.map(provider, e);
                }
                LOG.log(System.Logger.Level.DEBUG, () -> provider + ": stale pooled connection, resending once");
            }
        }
        return interpret(response.statusCode(), response.headers(), response.body(),
                Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private LlmException timeout(TimeoutPhase phase, String why) {
        return LlmException.builder(ErrorTaxonomy.TIMEOUT).provider(settings.provider()).timeoutPhase(phase)
                .message(why).build();
    }
}
