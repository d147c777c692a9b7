package dev.multillm.core;

import dev.multillm.core.internal.wire.ResponseDecoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds the {@link ChatChunk}s of one stream into a {@link ChatResponse}.
 *
 * <p>Per choice, content, reasoning and refusal pieces are concatenated (null when none came);
 * the last finish reason wins. Usage is the last one reported, never a sum: providers report the
 * stream's total once, and some report it twice in one event. Tool-call fragments are assembled
 * by {@link ToolCallDelta#index()} when present, else by {@link ToolCallDelta#id()}, else they
 * continue the call touched last; a fragment with the index of an earlier call but a different
 * id starts a new call (servers that repeat index 0). A call's id and name come from the first
 * fragment that has them, the arguments are the concatenation of every fragment's text, kept raw
 * even when it is not valid JSON. A call that never received an id gets {@code call_<position>},
 * the same rule {@link ResponseDecoder} applies, so that a streamed answer equals the
 * non-streamed one.
 *
 * <p>Thread-safety: mutable, not thread-safe; use one per stream, from one thread at a time.
 */
public final class ChunkAccumulator {
    /**
     * Choice 0's state once it exists: nearly every stream's only choice, kept without a map (a
     * stream held open holds its accumulator, so what it allocates up front counts).
     */
    private ChoiceState first;
    /** The other choices by index, made when the first of them arrives. */
    private TreeMap<Integer, ChoiceState> others;
    private boolean hasOutput;
    private Usage usage;
    private String model;

    /** Adds the next chunk of the stream. */
    public void add(ChatChunk chunk) {
        Checks.notNull(chunk, "chunk");
        hasOutput |= chunk.hasOutput();
        if (chunk.usage() != null && chunk.usage().reported()) {
            usage = chunk.usage();
        }
        if (chunk.model() != null) {
            model = chunk.model();
        }
        ChoiceState state = state(chunk.choiceIndex());
        state.content = append(state.content, chunk.content());
        state.reasoning = append(state.reasoning, chunk.reasoning());
        state.refusal = append(state.refusal, chunk.refusal());
        if (chunk.finishReason() != null) {
            state.finishReason = chunk.finishReason();
        }
        for (ToolCallDelta delta : chunk.toolCalls()) {
            state.add(delta);
        }
    }

    /** Whether any chunk added so far carried output (text, reasoning, refusal or tool calls). */
    public boolean hasOutput() {
        return hasOutput;
    }

    private ChoiceState state(int index) {
        if (index == 0) {
            if (first == null) {
                first = new ChoiceState();
            }
            return first;
        }
        if (others == null) {
            others = new TreeMap<>();
        }
        return others.computeIfAbsent(index, i -> new ChoiceState());
    }

    /** The first choice's text so far, null if none came. */
    public String content() {
        ChoiceState state = first;
        return state == null || state.content == null ? null : state.content.toString();
    }

    /** The first choice's tool calls so far (calls whose name has not arrived yet are left out). */
    public List<ToolCall> toolCalls() {
        ChoiceState state = first;
        return state == null ? List.of() : state.toolCalls(false);
    }

    /** The usage reported last, {@link Usage#NOT_REPORTED} if none was. */
    public Usage usage() {
        return usage == null ? Usage.NOT_REPORTED : usage;
    }

    /**
     * The response folded from every chunk added so far.
     *
     * @param provider  the provider (route) id that served the stream
     * @param model     the model; null to use the one the chunks named
     * @param id        the completion id, may be null
     * @param requestId the upstream request id, may be null
     * @param rateLimit the rate-limit snapshot, may be null
     * @param attempts  the attempt log, may be null
     * @param metadata  provider-specific extras, may be null
     * @throws LlmException {@link ErrorTaxonomy#INVALID_RESPONSE} when a choice finished with a tool
     *                      call that never received a function name (in an unfinished choice, as in
     *                      a partial response, such a call is left out instead)
     */
    public ChatResponse toResponse(String provider, String model, String id, String requestId,
                                   RateLimitSnapshot rateLimit, List<Attempt> attempts,
                                   Map<String, Object> metadata) {
        List<Choice> folded = new ArrayList<>(1 + (others == null ? 0 : others.size()));
        if (first == null && others == null) {
            folded.add(new Choice(0, null, null, null, List.of(), null));
        }
        try {
            if (first != null) {
                folded.add(first.toChoice(0));
            }
            if (others != null) {
                others.forEach((index, state) -> folded.add(state.toChoice(index)));
            }
        } catch (IllegalStateException e) {
            throw LlmException.builder(ErrorTaxonomy.INVALID_RESPONSE).provider(provider).message(e.getMessage())
                    .build();
        }
        return new ChatResponse(id, provider, model != null ? model : this.model, folded, usage(), requestId,
                rateLimit, attempts, metadata);
    }

    private static StringBuilder append(StringBuilder text, String piece) {
        if (piece == null || piece.isEmpty()) {
            return text;
        }
        return text == null ? new StringBuilder(piece) : text.append(piece);
    }

    private static String text(StringBuilder text) {
        return text == null ? null : text.toString();
    }

    /** One choice being assembled. */
    private static final class ChoiceState {
        StringBuilder content;
        StringBuilder reasoning;
        StringBuilder refusal;
        FinishReason finishReason;
        /** Made with the first tool-call fragment: most answers have none. */
        List<CallState> calls;
        Map<Integer, CallState> byIndex;
        Map<String, CallState> byId;
        CallState lastTouched;

        void add(ToolCallDelta delta) {
            if (calls == null) {
                calls = new ArrayList<>(1);
                byIndex = new HashMap<>();
                byId = new HashMap<>();
            }
            String id = blankToNull(delta.id());
            CallState target;
            if (delta.index() != null) {
                target = byIndex.get(delta.index());
                if (target != null && id != null && target.id != null && !target.id.equals(id)) {
                    // The same index again for another call: some servers number every call 0.
                    target = byId.get(id);
                }
            } else if (id != null) {
                target = byId.get(id);
            } else {
                target = lastTouched;
            }
            if (target == null) {
                target = new CallState(delta.index());
                calls.add(target);
            }
            if (delta.index() != null) {
                byIndex.put(delta.index(), target);
            }
            if (target.id == null && id != null) {
                target.id = id;
                byId.put(id, target);
            }
            if (target.name == null) {
                target.name = blankToNull(delta.name());
            }
            target.arguments.append(delta.argumentsDelta());
            lastTouched = target;
        }

        List<ToolCall> toolCalls(boolean strict) {
            if (calls == null) {
                return List.of();
            }
            List<CallState> ordered = calls;
            if (calls.stream().allMatch(c -> c.index != null)) {
                ordered = new ArrayList<>(calls);
                ordered.sort(Comparator.comparing(c -> c.index)); // stable: repeated indexes keep arrival order
            }
            List<ToolCall> result = new ArrayList<>(ordered.size());
            for (CallState call : ordered) {
                if (call.name == null) {
                    if (strict) {
                        throw new IllegalStateException("streamed tool call " + (call.id != null ? "'" + call.id + "'"
                                : "#" + result.size()) + " never received a function name");
                    }
                    continue;
                }
                String id = call.id != null ? call.id : ResponseDecoder.syntheticId(result.size());
                result.add(new ToolCall(id, call.name, call.arguments.toString()));
            }
            return result;
        }

        Choice toChoice(int index) {
            // A finished choice must have named every call; an unfinished one (a partial response)
            // may still be waiting for a name, and is folded without that call.
            return new Choice(index, text(content), text(reasoning), text(refusal), toolCalls(finishReason != null),
                    finishReason);
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value;
        }
    }

    /** One tool call being assembled. */
    private static final class CallState {
        final Integer index;
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();

        CallState(Integer index) {
            this.index = index;
        }
    }
}
