package dev.multillm.openai;

import dev.multillm.core.ChatProvider;
import dev.multillm.core.ProviderConfig;
import dev.multillm.testkit.ChatProviderContract;
import dev.multillm.testkit.ContractEnvironment;
import java.util.HashMap;
import java.util.Map;

/**
 * The contract again, with the provider configured the way an OpenAI-compatible local server
 * (vLLM, Ollama, LM Studio, llama.cpp) is used: the base URL from {@code OPENAI_BASE_URL}, no API
 * key at all (requests carry no {@code Authorization} header), and {@code max_tokens} for the
 * output limit. Discovery creates it the same way, from environment variables only.
 */
class OpenAiCompatibleLocalServerContractTest extends ChatProviderContract {

    @Override
    protected boolean usesApiKey() {
        return false;
    }

    private static Map<String, String> environment(ContractEnvironment env) {
        Map<String, String> variables = new HashMap<>();
        variables.put(OpenAiChatProvider.BASE_URL_ENV, env.baseUrl().toString());
        if (env.apiKey() != null) {
            variables.put(OpenAiChatProvider.API_KEY_ENV, env.apiKey().reveal());
        }
        return variables;
    }

    @Override
    protected ChatProvider createProvider(ContractEnvironment env) {
        return OpenAiChatProvider.builder()
                .environment(environment(env)::get)
                .maxTokensField("max_tokens")
                .timeouts(env.timeouts())
                .retryPolicy(env.retryPolicy())
                .clock(env.clock())
                .sleeper(env.sleeper())
                .listener(env.listener())
                .build();
    }

    @Override
    protected ProviderConfig factoryConfig(ContractEnvironment env) {
        return ProviderConfig.of(Map.of("model", MODEL, "maxTokensField", "max_tokens"))
                .withEnvironment(environment(env)::get);
    }
}
