package dev.multillm.openai;

import dev.multillm.core.ChatProvider;
import dev.multillm.testkit.ChatProviderContract;
import dev.multillm.testkit.ContractEnvironment;

/** OpenAI, configured as for api.openai.com (apart from the base URL), passes the testkit's contract. */
class OpenAiChatProviderContractTest extends ChatProviderContract {
    @Override
    protected ChatProvider createProvider(ContractEnvironment env) {
        OpenAiChatProvider.Builder builder = OpenAiChatProvider.builder()
                .baseUrl(env.baseUrl())
                .timeouts(env.timeouts())
                .retryPolicy(env.retryPolicy())
                .clock(env.clock())
                .sleeper(env.sleeper())
                .listener(env.listener())
                .environment(name -> null);
        if (env.apiKey() != null) {
            builder.apiKey(env.apiKey());
        } else {
            builder.withoutApiKey();
        }
        return builder.build();
    }
}
