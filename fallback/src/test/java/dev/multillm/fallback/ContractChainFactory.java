package dev.multillm.fallback;

import dev.multillm.core.ApiKey;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ProviderConfig;
import dev.multillm.core.openai.OpenAiCompatibleChatProvider;
import dev.multillm.core.spi.ChatProviderFactory;

/**
 * The discovery entry the contract's discovery tests look up: a one-route chain in front of an
 * OpenAI-compatible server, created from configuration. Registered for this module's tests only.
 */
public final class ContractChainFactory implements ChatProviderFactory {
    static final String ID = FallbackChatProviderContractTest.ID;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public ChatProvider create(ProviderConfig config) {
        OpenAiCompatibleChatProvider upstream = OpenAiCompatibleChatProvider.builder().id(ID)
                .baseUrl(config.get("baseUrl").orElseThrow(() -> new IllegalArgumentException("baseUrl is required")))
                .apiKey(config.get("apiKey").map(ApiKey::of).orElse(null))
                .defaultModel(config.get("model").orElse(null))
                .build();
        return FallbackChatProvider.builder().id(ID).route(upstream).build();
    }
}
