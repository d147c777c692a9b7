package dev.multillm.examples;

import dev.multillm.core.ChatProvider;
import dev.multillm.examples.ollama.OllamaChatProvider;
import dev.multillm.testkit.ChatProviderContract;
import dev.multillm.testkit.ContractEnvironment;

/** The whole provider contract for the example's custom provider: one factory hook. */
class CustomProviderContractTest extends ChatProviderContract {
    @Override
    protected ChatProvider createProvider(ContractEnvironment env) {
        OllamaChatProvider.Builder builder = OllamaChatProvider.builder().baseUrl(env.baseUrl())
                .timeouts(env.timeouts()).retryPolicy(env.retryPolicy()).clock(env.clock()).sleeper(env.sleeper())
                .listener(env.listener()).environment(name -> null);
        if (env.apiKey() != null) {
            builder.apiKey(env.apiKey());
        }
        return builder.build();
    }
}
