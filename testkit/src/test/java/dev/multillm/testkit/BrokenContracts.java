package dev.multillm.testkit;

import dev.multillm.core.Capabilities;
import dev.multillm.core.ChatProvider;

/**
 * Contract subclasses over the reference provider and broken ones. Their names end in neither
 * {@code Test} nor {@code IT}: Surefire and Failsafe never run them directly; {@link ContractSelfCheckIT} runs them through the JUnit Platform's
 * {@code EngineTestKit} and checks which tests fail.
 */
final class BrokenContracts {
    private BrokenContracts() {
    }

    /** The reference provider itself, to compare the broken ones with. */
    static class ReferenceContract extends ChatProviderContract {
        @Override
        protected ChatProvider createProvider(ContractEnvironment env) {
            return ReferenceProviders.openAi(env);
        }
    }

    /** Maps 429 {@code insufficient_quota} to {@code RATE_LIMITED}. */
    static class QuotaAsRateLimitContract extends ChatProviderContract {
        @Override
        protected ChatProvider createProvider(ContractEnvironment env) {
            return new BrokenProviders.QuotaAsRateLimit(ReferenceProviders.openAi(env));
        }
    }

    /** Leaks the key into failure messages. */
    static class LeakingKeyContract extends ChatProviderContract {
        @Override
        protected ChatProvider createProvider(ContractEnvironment env) {
            return new BrokenProviders.LeakingKey(ReferenceProviders.openAi(env), wireFixture().canaryKey());
        }
    }

    /** Never sees {@code [DONE]}: waits for EOF instead. */
    static class IgnoresDoneContract extends ChatProviderContract {
        @Override
        protected ChatProvider createProvider(ContractEnvironment env) {
            return ReferenceProviders.builder(env).httpClient(new BrokenProviders.DoneSwallowingHttpClient()).build();
        }
    }

    /** Declares plain text only but sends everything anyway. */
    static class UnderDeclaringContract extends ChatProviderContract {
        @Override
        protected ChatProvider createProvider(ContractEnvironment env) {
            return new BrokenProviders.UnderDeclaring(ReferenceProviders.openAi(env));
        }
    }

    /** A correct provider that declares plain text only: the optional groups are skipped. */
    static class TextOnlyContract extends ChatProviderContract {
        @Override
        protected ChatProvider createProvider(ContractEnvironment env) {
            return ReferenceProviders.builder(env).capabilities(Capabilities.TEXT_ONLY).build();
        }
    }
}
