package dev.multillm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The contract tests itself: each deliberately broken provider fails exactly the tests that
 * should catch it, and a correct provider that declares less skips the optional groups.
 *
 * <p>Failures are compared with a run of the unbroken reference provider: whatever the
 * reference itself fails is reported by {@link OpenAiCompatibleProviderContractIT}, not here. When
 * the reference fails a test that should catch a broken behaviour, that check is aborted (the
 * contract cannot tell the two apart until the reference is fixed).
 */
class ContractSelfCheckIT {
    private static Outcome reference;

    @BeforeAll
    static void runTheReference() {
        reference = run(BrokenContracts.ReferenceContract.class);
    }

    /**
     * Asserts that {@code contract} fails every test of {@code expected} and nothing else the
     * reference passes.
     */
    static void assertFailsExactly(Class<? extends ChatProviderContract> contract, String... expected) {
        Set<String> referenceFailures = reference.failed().keySet();
        Set<String> masked = new TreeSet<>(Set.of(expected));
        masked.retainAll(referenceFailures);
        assumeTrue(masked.isEmpty(), "the reference provider itself fails " + masked);

        Outcome outcome = run(contract);
        Set<String> beyondReference = new TreeSet<>(outcome.failed().keySet());
        beyondReference.removeAll(referenceFailures);
        assertThat(beyondReference).as("tests failed by " + contract.getSimpleName() + " but passed by the reference")
                .containsExactlyInAnyOrder(expected);
    }

    /** What one run of a contract subclass produced, by test ("method" or "method [invocation]"). */
    record Outcome(Map<String, String> failed, Set<String> aborted, Set<String> succeeded) {
    }

    static Outcome run(Class<? extends ChatProviderContract> contract) {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(contract))
                .execute();
        assertThat(results.containerEvents().failed().list()).as("failed containers of " + contract.getSimpleName())
                .isEmpty();
        Map<String, String> failed = new TreeMap<>();
        results.testEvents().failed().stream().forEach(e -> failed.put(label(e), String.valueOf(
                e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                        .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).orElse(null))));
        Set<String> aborted = results.testEvents().aborted().stream().map(ContractSelfCheckIT::label)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> succeeded = results.testEvents().succeeded().stream().map(ContractSelfCheckIT::label)
                .collect(Collectors.toCollection(TreeSet::new));
        return new Outcome(failed, aborted, succeeded);
    }

    private static String label(Event event) {
        TestDescriptor descriptor = event.getTestDescriptor();
        String method = descriptor.getSource().filter(MethodSource.class::isInstance)
                .map(s -> ((MethodSource) s).getMethodName()).orElse(descriptor.getDisplayName());
        boolean invocation = "test-template-invocation".equals(descriptor.getUniqueId().getLastSegment().getType());
        return invocation ? method + " " + descriptor.getDisplayName() : method;
    }

    @Test
    @DisplayName("the reference provider runs the whole contract (its own failures are OpenAiCompatibleProviderContractIT's to report)")
    void theReferenceRunsTheWholeContract() {
        assertThat(reference.succeeded().size() + reference.failed().size()).as("tests run").isGreaterThan(100);
        assertThat(reference.aborted()).allMatch(name -> name.startsWith("areRefusedBeforeAnyRequestIsSent"));
    }

    @Test
    @DisplayName("a provider that maps insufficient_quota to RATE_LIMITED fails the quota tests only")
    void quotaMappedAsRateLimitFailsExactlyTheQuotaTests() {
        assertFailsExactly(BrokenContracts.QuotaAsRateLimitContract.class,
                "insufficientQuotaIsQuotaExhaustedAndNeverRetried",
                "mapsStatusAndErrorBodyToItsCategory HTTP 429 code=insufficient_quota type=insufficient_quota "
                        + "-> QUOTA_EXHAUSTED");
    }

    @Test
    @DisplayName("a provider that leaks its key into exception messages fails the secrets test only")
    void leakingKeyFailsExactlyTheSecretsTest() {
        assertFailsExactly(BrokenContracts.LeakingKeyContract.class,
                "theCanaryKeyNeverShowsUpInAnyFailureResponseEventOrLogRecord");
    }

    @Test
    @DisplayName("a provider that ignores [DONE] and waits for EOF fails the end-marker test only")
    void ignoringDoneFailsExactlyTheEndMarkerTest() {
        assertFailsExactly(BrokenContracts.IgnoresDoneContract.class,
                "completesAtTheEndMarkerEvenWhenTheSocketStaysOpen");
    }

    @Test
    @DisplayName("a provider that sends what it does not declare fails every refusal test")
    void underDeclaringFailsEveryRefusalTest() {
        assertFailsExactly(BrokenContracts.UnderDeclaringContract.class,
                "areRefusedBeforeAnyRequestIsSent STREAMING",
                "areRefusedBeforeAnyRequestIsSent TOOLS",
                "areRefusedBeforeAnyRequestIsSent JSON_MODE",
                "areRefusedBeforeAnyRequestIsSent JSON_SCHEMA",
                "areRefusedBeforeAnyRequestIsSent VISION",
                "areRefusedBeforeAnyRequestIsSent MULTIPLE_CHOICES");
    }

    @Test
    @DisplayName("a correct text-only provider passes, with the optional groups skipped and refusals checked")
    void aTextOnlyProviderSkipsTheOptionalGroupsAndPassesTheRefusals() {
        Outcome outcome = run(BrokenContracts.TextOnlyContract.class);

        Set<String> beyondReference = new TreeSet<>(outcome.failed().keySet());
        beyondReference.removeAll(reference.failed().keySet());
        assertThat(beyondReference).isEmpty();
        assertThat(outcome.aborted()).contains("deliversTheDeltasInOrder", "sendsTheToolDefinitions",
                "sendsTheJsonObjectResponseFormat", "sendsImagePartsWithTheUserMessage",
                "aStreamWithoutAnyEventTimesOutAtFirstToken");
        assertThat(outcome.succeeded()).contains("areRefusedBeforeAnyRequestIsSent STREAMING",
                "areRefusedBeforeAnyRequestIsSent VISION", "returnsTheContentFinishReasonAndUsage");
    }
}
