package dev.multillm.testkit;

import dev.multillm.core.ApiKey;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.openai.OpenAiCompatibleChatProvider;

/** Builds the reference provider (core's OpenAI-compatible one) from a contract environment. */
final class ReferenceProviders {
    static final String ID = "contract-openai";

    private ReferenceProviders() {
    }

    static ChatProvider openAi(ContractEnvironment env) {
        return builder(env).build();
    }

    static OpenAiCompatibleChatProvider.Builder builder(ContractEnvironment env) {
        return OpenAiCompatibleChatProvider.builder()
                .id(ID)
                .baseUrl(env.baseUrl())
                .apiKey(env.apiKey())
                .timeouts(env.timeouts())
                .retryPolicy(env.retryPolicy())
                .clock(env.clock())
                .sleeper(env.sleeper())
                .listener(env.listener());
    }

    static ApiKey key(String value) {
        return ApiKey.of(value);
    }
}
