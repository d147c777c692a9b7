package dev.multillm.groq;

import dev.multillm.core.ChatProvider;
import dev.multillm.testkit.ChatProviderContract;
import dev.multillm.testkit.ContractEnvironment;

/** Groq passes the testkit's contract (Groq requires a key, so the keyless test is skipped). */
class GroqChatProviderContractTest extends ChatProviderContract {
    @Override
    protected ChatProvider createProvider(ContractEnvironment env) {
        GroqChatProvider.Builder builder = GroqChatProvider.builder()
                .baseUrl(env.baseUrl())
                .timeouts(env.timeouts())
                .retryPolicy(env.retryPolicy())
                .clock(env.clock())
                .sleeper(env.sleeper())
                .listener(env.listener())
                .environment(name -> null);
        if (env.apiKey() != null) {
            builder.apiKey(env.apiKey());
        }
        return builder.build();
    }
}
