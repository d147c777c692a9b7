package dev.multillm.testkit;

import dev.multillm.core.ChatProvider;

/** The reference provider (core's OpenAI-compatible one) passes the whole contract. */
class OpenAiCompatibleProviderContractIT extends ChatProviderContract {
    @Override
    protected ChatProvider createProvider(ContractEnvironment env) {
        return ReferenceProviders.openAi(env);
    }
}
