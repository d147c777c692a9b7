package dev.multillm.testkit;

import dev.multillm.core.ApiKey;
import dev.multillm.core.ChatProvider;
import dev.multillm.core.ProviderConfig;
import dev.multillm.core.openai.OpenAiCompatibleChatProvider;
import dev.multillm.core.spi.ChatProviderFactory;

/** The discovery entry of the reference provider, registered for the kit's own tests. */
public final class ReferenceProviderFactory implements ChatProviderFactory {
    @Override
    public String id() {
        return ReferenceProviders.ID;
    }

    @Override
    public ChatProvider create(ProviderConfig config) {
        return OpenAiCompatibleChatProvider.builder().id(id())
                .baseUrl(config.get("baseUrl").orElseThrow(() -> new IllegalArgumentException("baseUrl is required")))
                .apiKey(config.get("apiKey").map(ApiKey::of).orElse(null))
                .defaultModel(config.get("model").orElse(null))
                .build();
    }
}
