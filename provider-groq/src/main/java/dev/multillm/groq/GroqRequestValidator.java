package dev.multillm.groq;

import dev.multillm.core.ChatRequest;
import dev.multillm.core.ErrorTaxonomy;
import dev.multillm.core.LlmException;
import dev.multillm.core.ResponseFormat;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What Groq answers 400 to, checked before anything is sent. Each rejection is an
 * {@link ErrorTaxonomy#INVALID_REQUEST} {@link LlmException} whose {@code param} is the wire key
 * at fault and whose message names both the wire key and the {@link ChatRequest} field.
 *
 * <p>Rules, from Groq's API reference and guides:
 * <ul>
 *   <li>{@code n} must be 1 (also declared as the missing {@code multipleChoices} capability, which
 *       is checked first);</li>
 *   <li>{@code logprobs: true}, {@code top_logprobs} and {@code logit_bias} are "not yet supported
 *       by any of our models";</li>
 *   <li>JSON mode or structured outputs ({@code response_format}) cannot be combined with tools;</li>
 *   <li>{@code reasoning_format} is one of {@code parsed}, {@code raw}, {@code hidden}; it is
 *       mutually exclusive with {@code include_reasoning}; {@code raw} is refused with tools or a
 *       JSON response format;</li>
 *   <li>{@code include_reasoning} is a boolean;</li>
 *   <li>at most 128 tools;</li>
 *   <li>{@code json_schema} with {@code strict: true} only on models with constrained decoding
 *       (see {@link GroqModels}).</li>
 * </ul>
 * A message {@code name} is not representable in {@link ChatRequest}, so it can never be sent.
 *
 * <p>Thread-safety: immutable, safe to share.
 */
final class GroqRequestValidator implements Consumer<ChatRequest> {
    static final int MAX_TOOLS = 128;
    static final Set<String> REASONING_FORMATS = Set.of("parsed", "raw", "hidden");

    private final String defaultModel;

    GroqRequestValidator(String defaultModel) {
        this.defaultModel = defaultModel;
    }

    @Override
    public void accept(ChatRequest request) {
        Map<String, Object> extensions = request.extensions();
        if (request.choices() != null && request.choices() != 1) {
            throw reject("n", "groq accepts only n = 1 (ChatRequest.choices was " + request.choices() + ")");
        }
        if (extensions.containsKey("n")) {
            throw reject("n", "set the number of choices with ChatRequest.choices, not extensions[\"n\"]"
                    + " (groq accepts only n = 1)");
        }
        if (Boolean.TRUE.equals(request.logprobs()) || request.topLogprobs() != null) {
            throw reject(request.topLogprobs() != null && !Boolean.TRUE.equals(request.logprobs())
                    ? "top_logprobs" : "logprobs", "groq does not support logprobs or top_logprobs on any model"
                    + " (ChatRequest.logprobs / ChatRequest.topLogprobs)");
        }
        for (String unsupported : new String[] {"logprobs", "top_logprobs", "logit_bias"}) {
            if (extensions.containsKey(unsupported)) {
                throw reject(unsupported, "groq does not support '" + unsupported + "' on any model (ChatRequest"
                        + ".extensions[\"" + unsupported + "\"])");
            }
        }
        if (request.tools().size() > MAX_TOOLS) {
            throw reject("tools", "groq accepts at most " + MAX_TOOLS + " tools (ChatRequest.tools has "
                    + request.tools().size() + ")");
        }
        ResponseFormat format = request.responseFormat();
        boolean json = format != null && format.type() != ResponseFormat.Type.TEXT;
        if (json && !request.tools().isEmpty()) {
            throw reject("response_format", "groq does not combine response_format "
                    + (format.type() == ResponseFormat.Type.JSON_OBJECT ? "json_object (JSON mode)"
                    : "json_schema (structured outputs)")
                    + " with tools (ChatRequest.responseFormat with ChatRequest.tools)");
        }
        if (format != null && format.type() == ResponseFormat.Type.JSON_SCHEMA && format.strict()) {
            String model = request.model() != null ? request.model() : defaultModel;
            if (GroqModels.rejectsStrictSchema(model)) {
                throw reject("response_format", "groq supports response_format json_schema with strict: true only on"
                        + " gpt-oss models,"
                        + " not on " + model + " (ChatRequest.responseFormat.strict)");
            }
        }
        Object includeReasoning = extensions.get("include_reasoning");
        if (includeReasoning != null && !(includeReasoning instanceof Boolean)) {
            throw reject("include_reasoning", "include_reasoning must be a boolean (ChatRequest.extensions[\""
                    + "include_reasoning\"] is a " + includeReasoning.getClass().getSimpleName() + ")");
        }
        String reasoningFormat = request.reasoningFormat();
        if (reasoningFormat != null) {
            if (!REASONING_FORMATS.contains(reasoningFormat)) {
                throw reject("reasoning_format", "reasoning_format must be parsed, raw or hidden"
                        + " (ChatRequest.reasoningFormat was '" + reasoningFormat + "')");
            }
            if (includeReasoning != null) {
                throw reject("reasoning_format", "groq treats reasoning_format and include_reasoning as mutually"
                        + " exclusive (ChatRequest.reasoningFormat with extensions[\"include_reasoning\"])");
            }
            if ("raw".equals(reasoningFormat) && (json || !request.tools().isEmpty())) {
                throw reject("reasoning_format", "groq refuses reasoning_format raw with tools or a JSON response"
                        + " format; use parsed or hidden (ChatRequest.reasoningFormat)");
            }
        }
    }

    private static LlmException reject(String param, String message) {
        return LlmException.builder(ErrorTaxonomy.INVALID_REQUEST).provider(GroqChatProvider.ID).param(param)
                .message(message).build();
    }
}
