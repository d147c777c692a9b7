package dev.multillm.fallback;

import dev.multillm.core.ChatProvider;
import dev.multillm.core.openai.OpenAiCompatibleChatProvider;
import dev.multillm.testkit.ChatProviderContract;
import dev.multillm.testkit.ContractEnvironment;

/**
 * A chain of one route in front of the contract's fake upstream passes the whole provider
 * contract: a chain is a provider like any other.
 *
 * <p>The chain owns the retries (the route's provider is called without retries of its own), so
 * the contract's retry counts, waits and events all come from the chain. The route's provider
 * reports to no listener: the chain's events are the ones the contract counts. The chain, its
 * route and the route's provider share one id, since the contract checks that failures and answers
 * name the provider it called. The breaker is disabled: the contract drives hundreds of failures
 * through one instance in its secrets test and then expects a success, which an open breaker would
 * rightly refuse; breakers have their own tests.
 */
class FallbackChatProviderContractTest extends ChatProviderContract {
    static final String ID = "fallback-contract";

    @Override
    protected ChatProvider createProvider(ContractEnvironment env) {
        return chain(env);
    }

    @Override
    protected String expectedFactoryId() {
        return ContractChainFactory.ID;
    }

    static FallbackChatProvider chain(ContractEnvironment env) {
        OpenAiCompatibleChatProvider upstream = OpenAiCompatibleChatProvider.builder()
                .id(ID)
                .baseUrl(env.baseUrl())
                .apiKey(env.apiKey())
                .timeouts(env.timeouts())
                .retryPolicy(env.retryPolicy())
                .clock(env.clock())
                .sleeper(env.sleeper())
                .build();
        return FallbackChatProvider.builder()
                .id(ID)
                .route(Route.builder(upstream).breaker(BreakerSettings.disabled()).build())
                .retryPolicy(env.retryPolicy())
                .totalTimeout(env.timeouts().total())
                .clock(env.clock())
                .sleeper(env.sleeper())
                .listener(env.listener())
                .build();
    }
}
