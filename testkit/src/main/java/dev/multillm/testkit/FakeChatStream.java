package dev.multillm.testkit;

import dev.multillm.core.ChatChunk;
import dev.multillm.core.ChatRequest;
import dev.multillm.core.ChatResponse;
import dev.multillm.core.ChunkAccumulator;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.FinishReason;
import dev.multillm.core.LlmException;
import dev.multillm.core.RateLimitSnapshot;
import dev.multillm.core.ToolCall;
import dev.multillm.core.ToolCallDelta;
import dev.multillm.core.spi.AbstractChatStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The stream of a {@link FakeChatProvider}: replays a step's chunks, then ends, fails or stalls.
 *
 * <p>Thread-safety: consumed by one thread; {@link #close()} may be called from any thread.
 */
final class FakeChatStream extends AbstractChatStream {
    private final FakeChatProvider provider;
    private final FakeChatProvider.Step step;
    private final String model;
    private final String responseId;
    private final List<ChatChunk> chunks;
    private final ChunkAccumulator accumulator = new ChunkAccumulator();
    /** Completed when this stream is closed or the provider aborts it: wakes every wait. */
    private final CompletableFuture<Void> wake = new CompletableFuture<>();

    private volatile boolean closed;
    private boolean started;
    private int position;
    private boolean finished;
    private LlmException failed;

    FakeChatStream(FakeChatProvider provider, FakeChatProvider.Step step, ChatRequest request, String model) {
        this.provider = provider;
        this.step = step;
        this.model = model;
        this.responseId = provider.nextResponseId();
        this.chunks = chunksOf(step, model);
    }

    private static List<ChatChunk> chunksOf(FakeChatProvider.Step step, String model) {
        List<ChatChunk> list = new ArrayList<>();
        switch (step.kind) {
            case REPLY -> {
                ChatResponse response = step.response;
                if (step.content != null && !step.content.isEmpty()) {
                    list.add(new ChatChunk(0, step.content, null, null, List.of(), null, null, model));
                }
                FinishReason reason = FinishReason.STOP;
                if (response != null) {
                    if (response.reasoning() != null && !response.reasoning().isEmpty()) {
                        list.add(new ChatChunk(0, null, response.reasoning(), null, List.of(), null, null, model));
                    }
                    List<ToolCall> calls = response.toolCalls();
                    for (int i = 0; i < calls.size(); i++) {
                        ToolCall call = calls.get(i);
                        list.add(new ChatChunk(0, null, null, null,
                                List.of(new ToolCallDelta(i, call.id(), call.name(), call.arguments())), null, null,
                                model));
                    }
                    reason = response.finishReason();
                }
                list.add(new ChatChunk(0, null, null, null, List.of(), reason,
                        response != null ? response.usage() : FakeChatProvider.DEFAULT_USAGE, model));
            }
            case STREAM -> {
                for (String delta : step.deltas) {
                    list.add(new ChatChunk(0, delta, null, null, List.of(), null, null, model));
                }
                if (step.failureCategory == null && !step.stall) {
                    list.add(new ChatChunk(0, null, null, null, List.of(), FinishReason.STOP,
                            FakeChatProvider.DEFAULT_USAGE, model));
                }
            }
            default -> {
                // FAIL and HANG produce no chunks.
            }
        }
        return List.copyOf(list);
    }

    @Override
    protected ChatChunk take() {
        ChatChunk chunk = chunks.get(position++);
        accumulator.add(chunk);
        return chunk;
    }

    /** Whether a chunk is ready at {@code position}; throws the stream's failure. */
    @Override
    protected boolean advance() {
        if (failed != null) {
            throw failed;
        }
        if (finished) {
            return false;
        }
        if (closed) {
            throw fail(provider.cancelled("the stream was closed", null));
        }
        if (!started) {
            started = true;
            if (!step.delay.isZero()) {
                CompletableFuture<Void> delay = provider.sleeper().delay(step.delay);
                await(delay);
                delay.cancel(true);
            }
        }
        if (position < chunks.size()) {
            return true;
        }
        switch (step.kind) {
            case FAIL -> throw fail(step.failure(provider.id()));
            case HANG -> {
                await(new CompletableFuture<Void>());
                throw fail(provider.cancelled("the stream was closed while waiting", null));
            }
            case STREAM -> {
                if (step.stall) {
                    await(new CompletableFuture<Void>());
                    throw fail(provider.cancelled("the stream was closed while stalled", null));
                }
                if (step.failureCategory != null) {
                    LlmException cause = step.failure(provider.id());
                    if (!accumulator.hasOutput()) {
                        throw fail(cause);
                    }
                    throw fail(LlmException.builder(ErrorTaxonomy.STREAM_INTERRUPTED).provider(provider.id())
                            .message("the stream failed after output: " + cause.category()).cause(cause)
                            .partialResponse(fold(cause.category())).build());
                }
            }
            default -> {
                // REPLY: all chunks delivered.
            }
        }
        finished = true;
        return false;
    }

    /** Waits until {@code until} completes or the stream is closed or aborted. */
    private void await(CompletableFuture<?> until) {
        if (closed || wake.isDone()) {
            throw fail(provider.cancelled("the stream was closed", null));
        }
        try {
            CompletableFuture.anyOf(until, wake).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(provider.cancelled("interrupted while waiting for the stream", e));
        } catch (ExecutionException e) {
            throw fail(provider.cancelled("the scripted delay was abandoned", e.getCause()));
        }
        if (wake.isDone()) {
            throw fail(provider.cancelled("the stream was closed", null));
        }
    }

    private LlmException fail(LlmException failure) {
        failed = failure;
        return failure;
    }

    private ChatResponse fold(ErrorTaxonomy error) {
        return accumulator.toResponse(provider.id(), model, responseId, "req-" + provider.id(),
                RateLimitSnapshot.EMPTY, List.of(provider.attempt(model, error)), Map.of());
    }

    @Override
    public ChatResponse response() {
        drain();
        if (step.response != null) {
            return step.response;
        }
        return fold(null);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            wake.complete(null);
            provider.streamClosed(this);
        }
    }

    /** Wakes any blocked wait because the provider was closed (does not count as a close). */
    void abort() {
        wake.complete(null);
    }
}
