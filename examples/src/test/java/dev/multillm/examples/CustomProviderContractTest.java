package dev.multillm.examples;

import dev.multillm.core.ChatProvider;
import dev.multillm.examples.ollama.OllamaChatProvider;
import dev.multillm.testkit.ChatProviderContract;
import dev.multillm.testkit.ContractEnvironment;

/** The whole provider contract for the example's custom provider: one factory hook. */
class CustomProviderContractTest extends ChatProviderContract {
    @Override
    protected ChatProvider createProvider(ContractEnvironment env) {
        return OllamaChatProvider.builder().baseUrl(env.baseUrl()).apiKey(env.apiKey()).timeouts(env.timeouts())
                .retryPolicy(env.retryPolicy()).clock(env.clock()).sleeper(env.sleeper()).listener(env.listener())
                .build();
    }
}
