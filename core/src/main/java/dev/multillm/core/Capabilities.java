package dev.multillm.core;

/**
 * What a provider (or one of its models) supports. A request that needs an undeclared capability
 * fails with {@link ErrorTaxonomy#UNSUPPORTED_CAPABILITY} before anything is sent, and a fallback
 * chain skips routes that lack it.
 *
 * @param streaming         token streaming
 * @param tools             function/tool calling
 * @param parallelToolCalls several tool calls in one answer
 * @param jsonMode          {@code response_format} JSON object
 * @param jsonSchema        {@code response_format} JSON schema
 * @param vision            image inputs
 * @param reasoning         separate reasoning output
 * @param multipleChoices   more than one choice per request ({@code n > 1})
 * @param maxContextTokens  the context window in tokens, 0 if unknown
 *
 * <p>Thread-safety: immutable record.
 */
public record Capabilities(boolean streaming, boolean tools, boolean parallelToolCalls, boolean jsonMode,
                           boolean jsonSchema, boolean vision, boolean reasoning, boolean multipleChoices,
                           int maxContextTokens) {

    /** Everything supported, context window unknown. */
    public static final Capabilities ALL = new Capabilities(true, true, true, true, true, true, true, true, 0);

    /** Plain text chat only, not even streaming. */
    public static final Capabilities TEXT_ONLY =
            new Capabilities(false, false, false, false, false, false, false, false, 0);

    public Capabilities {
        if (maxContextTokens < 0) {
            throw new IllegalArgumentException("maxContextTokens must not be negative");
        }
    }

    /**
     * The first capability {@code request} needs that is not declared here, or null if every
     * need is met. Streaming is not counted here: see {@link #missingFor(ChatRequest, boolean)}.
     */
    public String missingFor(ChatRequest request) {
        if (!request.tools().isEmpty() && !tools) {
            return "tools";
        }
        if (Boolean.TRUE.equals(request.parallelToolCalls()) && !parallelToolCalls) {
            return "parallelToolCalls";
        }
        ResponseFormat format = request.responseFormat();
        if (format != null && format.type() == ResponseFormat.Type.JSON_OBJECT && !jsonMode) {
            return "jsonMode";
        }
        if (format != null && format.type() == ResponseFormat.Type.JSON_SCHEMA && !jsonSchema) {
            return "jsonSchema";
        }
        if (request.hasImages() && !vision) {
            return "vision";
        }
        if (request.choices() != null && request.choices() > 1 && !multipleChoices) {
            return "multipleChoices";
        }
        return null;
    }

    /**
     * The first capability {@code request} needs that is not declared here, counting streaming
     * first when the request is to be {@code streamed}; null if every need is met.
     */
    public String missingFor(ChatRequest request, boolean streamed) {
        return streamed && !streaming ? "streaming" : missingFor(request);
    }

    /** A builder starting from nothing supported. */
    public static Builder builder() {
        return new Builder(TEXT_ONLY);
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Mutable builder for {@link Capabilities}.
     *
     * <p>Thread-safety: not thread-safe.
     */
    public static final class Builder {
        private boolean streaming;
        private boolean tools;
        private boolean parallelToolCalls;
        private boolean jsonMode;
        private boolean jsonSchema;
        private boolean vision;
        private boolean reasoning;
        private boolean multipleChoices;
        private int maxContextTokens;

        private Builder(Capabilities c) {
            streaming = c.streaming;
            tools = c.tools;
            parallelToolCalls = c.parallelToolCalls;
            jsonMode = c.jsonMode;
            jsonSchema = c.jsonSchema;
            vision = c.vision;
            reasoning = c.reasoning;
            multipleChoices = c.multipleChoices;
            maxContextTokens = c.maxContextTokens;
        }

        public Builder streaming(boolean v) {
            streaming = v;
            return this;
        }

        public Builder tools(boolean v) {
            tools = v;
            return this;
        }

        public Builder parallelToolCalls(boolean v) {
            parallelToolCalls = v;
            return this;
        }

        public Builder jsonMode(boolean v) {
            jsonMode = v;
            return this;
        }

        public Builder jsonSchema(boolean v) {
            jsonSchema = v;
            return this;
        }

        public Builder vision(boolean v) {
            vision = v;
            return this;
        }

        public Builder reasoning(boolean v) {
            reasoning = v;
            return this;
        }

        public Builder multipleChoices(boolean v) {
            multipleChoices = v;
            return this;
        }

        public Builder maxContextTokens(int v) {
            maxContextTokens = v;
            return this;
        }

        public Capabilities build() {
            return new Capabilities(streaming, tools, parallelToolCalls, jsonMode, jsonSchema, vision, reasoning,
                    multipleChoices, maxContextTokens);
        }
    }
}
