package dev.multillm.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A complete answer: the generated choices, token usage, and where it came from.
 *
 * <p>The convenience accessors ({@link #content()}, {@link #toolCalls()}, ...) read the first
 * choice, which is the only one unless several were requested.
 *
 * @param id          the provider's completion id, may be null
 * @param provider    the id of the provider (or route) that served the answer
 * @param model       the model that served it, as the provider reported it
 * @param choices     the answers, at least one
 * @param usage       token usage, {@link Usage#NOT_REPORTED} when the provider sent none
 * @param requestId   the upstream request id (for support tickets), may be null
 * @param rateLimit   the rate-limit state from the response headers
 * @param attempts    every try that led to this answer, in order
 * @param metadata    provider-specific extras (for example Groq's timing fields)
 *
 * <p>Thread-safety: immutable record.
 */
public record ChatResponse(String id, String provider, String model, List<Choice> choices, Usage usage,
                           String requestId, RateLimitSnapshot rateLimit, List<Attempt> attempts,
                           Map<String, Object> metadata) {

    public ChatResponse {
        Checks.notNull(provider, "provider");
        choices = Checks.listCopy(choices, "choices");
        if (choices.isEmpty()) {
            throw new IllegalArgumentException("choices must not be empty");
        }
        usage = usage == null ? Usage.NOT_REPORTED : usage;
        rateLimit = rateLimit == null ? RateLimitSnapshot.EMPTY : rateLimit;
        attempts = Checks.listCopy(attempts, "attempts");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** The first choice's text, null when the model produced none. */
    public String content() {
        return choices.get(0).content();
    }

    /** The first choice's reasoning, null if none. */
    public String reasoning() {
        return choices.get(0).reasoning();
    }

    /** The first choice's refusal, null unless the model refused. */
    public String refusal() {
        return choices.get(0).refusal();
    }

    /** The first choice's tool calls. */
    public List<ToolCall> toolCalls() {
        return choices.get(0).toolCalls();
    }

    /** Why the first choice stopped. */
    public FinishReason finishReason() {
        return choices.get(0).finishReason();
    }

    /** A copy with a different attempt log. */
    public ChatResponse withAttempts(List<Attempt> newAttempts) {
        return new ChatResponse(id, provider, model, choices, usage, requestId, rateLimit, newAttempts, metadata);
    }

    /** A copy with a different usage. */
    public ChatResponse withUsage(Usage newUsage) {
        return new ChatResponse(id, provider, model, choices, newUsage, requestId, rateLimit, attempts, metadata);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this response's values. */
    public Builder toBuilder() {
        Builder b = new Builder().id(id).provider(provider).model(model).usage(usage).requestId(requestId)
                .rateLimit(rateLimit).attempts(attempts);
        b.choices.addAll(choices);
        b.metadata.putAll(metadata);
        return b;
    }

    /**
     * Mutable builder for {@link ChatResponse}; a single-choice answer can be set with
     * {@link #content(String)} and friends instead of {@link #addChoice(Choice)}.
     *
     * <p>Thread-safety: not thread-safe.
     */
    public static final class Builder {
        private String id;
        private String provider;
        private String model;
        private final List<Choice> choices = new ArrayList<>();
        private String content;
        private String reasoning;
        private String refusal;
        private List<ToolCall> toolCalls = List.of();
        private FinishReason finishReason;
        private Usage usage = Usage.NOT_REPORTED;
        private String requestId;
        private RateLimitSnapshot rateLimit = RateLimitSnapshot.EMPTY;
        private List<Attempt> attempts = List.of();
        private final Map<String, Object> metadata = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder provider(String provider) {
            this.provider = provider;
            return this;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public Builder addChoice(Choice choice) {
            choices.add(Checks.notNull(choice, "choice"));
            return this;
        }

        /** Text of the single choice (ignored when choices were added). */
        public Builder content(String content) {
            this.content = content;
            return this;
        }

        public Builder reasoning(String reasoning) {
            this.reasoning = reasoning;
            return this;
        }

        public Builder refusal(String refusal) {
            this.refusal = refusal;
            return this;
        }

        public Builder toolCalls(List<ToolCall> toolCalls) {
            this.toolCalls = Checks.notNull(toolCalls, "toolCalls");
            return this;
        }

        public Builder finishReason(FinishReason finishReason) {
            this.finishReason = finishReason;
            return this;
        }

        public Builder usage(Usage usage) {
            this.usage = usage;
            return this;
        }

        public Builder requestId(String requestId) {
            this.requestId = requestId;
            return this;
        }

        public Builder rateLimit(RateLimitSnapshot rateLimit) {
            this.rateLimit = rateLimit;
            return this;
        }

        public Builder attempts(List<Attempt> attempts) {
            this.attempts = Checks.notNull(attempts, "attempts");
            return this;
        }

        public Builder metadata(String key, Object value) {
            metadata.put(Checks.notNull(key, "metadata key"), Checks.notNull(value, "metadata value"));
            return this;
        }

        public ChatResponse build() {
            List<Choice> all = choices.isEmpty()
                    ? List.of(new Choice(0, content, reasoning, refusal, toolCalls, finishReason))
                    : choices;
            return new ChatResponse(id, provider, model, all, usage, requestId, rateLimit, attempts, metadata);
        }
    }
}
