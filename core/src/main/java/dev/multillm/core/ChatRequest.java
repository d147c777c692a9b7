package dev.multillm.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A chat-completion request, independent of any provider's wire format.
 *
 * <p>Build one with {@link #builder()}; derive variants with {@link #toBuilder()}. Every value is
 * checked when the request is built, and a bad value fails with an {@link IllegalArgumentException}
 * naming the field, before anything is sent. Optional numbers are {@code null} when unset, so the
 * provider's default applies.
 *
 * @param model             the model id; null means the provider's configured default model
 * @param messages          the conversation, at least one message
 * @param tools             functions the model may call
 * @param toolChoice        whether and which tool to call; null for the provider's default
 * @param parallelToolCalls whether several tool calls may come in one answer; null for default
 * @param responseFormat    text, JSON object or JSON schema; null for text
 * @param temperature       sampling temperature in [0, 2]
 * @param topP              nucleus sampling in (0, 1]
 * @param maxOutputTokens   upper bound on generated tokens (reasoning included), at least 1
 * @param stop              up to 4 stop sequences
 * @param seed              seed for best-effort deterministic sampling
 * @param user              an end-user id for the provider's abuse monitoring
 * @param reasoningEffort   reasoning effort for reasoning models ({@code low}, {@code medium}, ...)
 * @param reasoningFormat   how reasoning is returned where supported ({@code parsed}, {@code raw},
 *                          {@code hidden})
 * @param choices           number of answers to generate (the wire's {@code n}); null for one
 * @param logprobs          whether to return log probabilities
 * @param topLogprobs       how many alternatives per token when {@code logprobs} is on
 * @param serviceTier       the provider's service tier ({@code auto}, {@code flex}, ...)
 * @param extensions        provider-specific fields, passed through only where the provider's
 *                          allow-list admits them
 * @param timeout           total deadline for this call, retries included; null for the
 *                          provider's configured default
 *
 * <p>Thread-safety: immutable record.
 */
public record ChatRequest(
        String model,
        List<Message> messages,
        List<Tool> tools,
        ToolChoice toolChoice,
        Boolean parallelToolCalls,
        ResponseFormat responseFormat,
        Double temperature,
        Double topP,
        Integer maxOutputTokens,
        List<String> stop,
        Long seed,
        String user,
        String reasoningEffort,
        String reasoningFormat,
        Integer choices,
        Boolean logprobs,
        Integer topLogprobs,
        String serviceTier,
        Map<String, Object> extensions,
        Duration timeout) {

    public ChatRequest {
        Checks.nullOrNotBlank(model, "model");
        messages = Checks.listCopy(messages, "messages");
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("messages must not be empty");
        }
        tools = Checks.listCopy(tools, "tools");
        // Loops, not streams, here and below: every call builds a request (a chain, one per try).
        if (tools.size() > 1) {
            java.util.Set<String> names = new java.util.HashSet<>();
            for (Tool tool : tools) {
                if (!names.add(tool.name())) {
                    throw new IllegalArgumentException("tools must have distinct names");
                }
            }
        }
        if (toolChoice != null && toolChoice.mode() == ToolChoice.Mode.FUNCTION
                && !hasTool(tools, toolChoice.functionName())) {
            throw new IllegalArgumentException(
                    "toolChoice names function '" + toolChoice.functionName() + "' which is not in tools");
        }
        if (temperature != null && (temperature.isNaN() || temperature < 0 || temperature > 2)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2, was " + temperature);
        }
        if (topP != null && (topP.isNaN() || topP <= 0 || topP > 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], was " + topP);
        }
        if (maxOutputTokens != null && maxOutputTokens < 1) {
            throw new IllegalArgumentException("maxOutputTokens must be at least 1, was " + maxOutputTokens);
        }
        stop = Checks.listCopy(stop, "stop");
        if (stop.size() > 4) {
            throw new IllegalArgumentException("stop allows at most 4 sequences, was " + stop.size());
        }
        for (String sequence : stop) {
            if (sequence.isEmpty()) {
                throw new IllegalArgumentException("stop sequences must not be empty");
            }
        }
        Checks.nullOrNotBlank(user, "user");
        Checks.nullOrNotBlank(reasoningEffort, "reasoningEffort");
        Checks.nullOrNotBlank(reasoningFormat, "reasoningFormat");
        Checks.nullOrNotBlank(serviceTier, "serviceTier");
        if (choices != null && choices < 1) {
            throw new IllegalArgumentException("choices must be at least 1, was " + choices);
        }
        if (topLogprobs != null && (topLogprobs < 0 || topLogprobs > 20)) {
            throw new IllegalArgumentException("topLogprobs must be between 0 and 20, was " + topLogprobs);
        }
        if (topLogprobs != null && !Boolean.TRUE.equals(logprobs)) {
            throw new IllegalArgumentException("topLogprobs requires logprobs to be true");
        }
        extensions = Checks.mapCopy(extensions, "extensions");
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        validateConversation(messages);
    }

    private static boolean hasTool(List<Tool> tools, String name) {
        for (Tool tool : tools) {
            if (tool.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static void validateConversation(List<Message> messages) {
        java.util.Set<String> askedCalls = java.util.Collections.emptySet(); // until the first tool call
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            if (message instanceof Message.Assistant assistant && !assistant.toolCalls().isEmpty()) {
                if (askedCalls.isEmpty()) {
                    askedCalls = new java.util.HashSet<>();
                }
                for (ToolCall call : assistant.toolCalls()) {
                    askedCalls.add(call.id());
                }
            } else if (message instanceof Message.ToolResult result && !askedCalls.contains(result.toolCallId())) {
                throw new IllegalArgumentException("messages[" + i + "].toolCallId '" + result.toolCallId()
                        + "' answers no tool call of an earlier assistant message");
            }
        }
    }

    /** A request with one user message. */
    public static ChatRequest of(String model, String userText) {
        return builder().model(model).addUserMessage(userText).build();
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this request's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Whether any user message carries an image. */
    public boolean hasImages() {
        for (Message message : messages) { // a loop, not a stream: asked on every call
            if (message instanceof Message.User user && user.hasImages()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Mutable builder for {@link ChatRequest}.
     *
     * <p>Thread-safety: not thread-safe; {@link #build()} copies the values into an immutable
     * request.
     */
    public static final class Builder {
        private String model;
        private final List<Message> messages = new ArrayList<>();
        private final List<Tool> tools = new ArrayList<>();
        private ToolChoice toolChoice;
        private Boolean parallelToolCalls;
        private ResponseFormat responseFormat;
        private Double temperature;
        private Double topP;
        private Integer maxOutputTokens;
        private final List<String> stop = new ArrayList<>();
        private Long seed;
        private String user;
        private String reasoningEffort;
        private String reasoningFormat;
        private Integer choices;
        private Boolean logprobs;
        private Integer topLogprobs;
        private String serviceTier;
        private final Map<String, Object> extensions = new LinkedHashMap<>();
        private Duration timeout;

        private Builder() {
        }

        private Builder(ChatRequest r) {
            model = r.model;
            messages.addAll(r.messages);
            tools.addAll(r.tools);
            toolChoice = r.toolChoice;
            parallelToolCalls = r.parallelToolCalls;
            responseFormat = r.responseFormat;
            temperature = r.temperature;
            topP = r.topP;
            maxOutputTokens = r.maxOutputTokens;
            stop.addAll(r.stop);
            seed = r.seed;
            user = r.user;
            reasoningEffort = r.reasoningEffort;
            reasoningFormat = r.reasoningFormat;
            choices = r.choices;
            logprobs = r.logprobs;
            topLogprobs = r.topLogprobs;
            serviceTier = r.serviceTier;
            extensions.putAll(r.extensions);
            timeout = r.timeout;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** Replaces the messages. */
        public Builder messages(List<Message> messages) {
            this.messages.clear();
            this.messages.addAll(Checks.notNull(messages, "messages"));
            return this;
        }

        public Builder addMessage(Message message) {
            messages.add(Checks.notNull(message, "message"));
            return this;
        }

        public Builder addSystemMessage(String content) {
            return addMessage(Message.system(content));
        }

        public Builder addUserMessage(String text) {
            return addMessage(Message.user(text));
        }

        /** Replaces the tools. */
        public Builder tools(List<Tool> tools) {
            this.tools.clear();
            this.tools.addAll(Checks.notNull(tools, "tools"));
            return this;
        }

        public Builder addTool(Tool tool) {
            tools.add(Checks.notNull(tool, "tool"));
            return this;
        }

        public Builder toolChoice(ToolChoice toolChoice) {
            this.toolChoice = toolChoice;
            return this;
        }

        public Builder parallelToolCalls(Boolean parallelToolCalls) {
            this.parallelToolCalls = parallelToolCalls;
            return this;
        }

        public Builder responseFormat(ResponseFormat responseFormat) {
            this.responseFormat = responseFormat;
            return this;
        }

        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder topP(Double topP) {
            this.topP = topP;
            return this;
        }

        public Builder maxOutputTokens(Integer maxOutputTokens) {
            this.maxOutputTokens = maxOutputTokens;
            return this;
        }

        /** Replaces the stop sequences. */
        public Builder stop(List<String> stop) {
            this.stop.clear();
            this.stop.addAll(Checks.notNull(stop, "stop"));
            return this;
        }

        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder reasoningEffort(String reasoningEffort) {
            this.reasoningEffort = reasoningEffort;
            return this;
        }

        public Builder reasoningFormat(String reasoningFormat) {
            this.reasoningFormat = reasoningFormat;
            return this;
        }

        public Builder choices(Integer choices) {
            this.choices = choices;
            return this;
        }

        public Builder logprobs(Boolean logprobs) {
            this.logprobs = logprobs;
            return this;
        }

        public Builder topLogprobs(Integer topLogprobs) {
            this.topLogprobs = topLogprobs;
            return this;
        }

        public Builder serviceTier(String serviceTier) {
            this.serviceTier = serviceTier;
            return this;
        }

        /** Sets one provider-specific field (passed through only where the provider allows it). */
        public Builder extension(String key, Object value) {
            Checks.notBlank(key, "extension key");
            if (value == null) {
                extensions.remove(key);
            } else {
                extensions.put(key, value);
            }
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Checks every value and returns the immutable request. */
        public ChatRequest build() {
            return new ChatRequest(model, messages, tools, toolChoice, parallelToolCalls, responseFormat,
                    temperature, topP, maxOutputTokens, stop, seed, user, reasoningEffort, reasoningFormat,
                    choices, logprobs, topLogprobs, serviceTier, extensions, timeout);
        }
    }
}
