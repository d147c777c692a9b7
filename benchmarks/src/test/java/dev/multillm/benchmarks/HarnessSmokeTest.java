package dev.multillm.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole harness once with the smallest plan, so that the code cannot rot: every client,
 * every scenario, the proxy and the report. Checks that it ran and produced a table, never how
 * fast anything was.
 */
class HarnessSmokeTest {

    @Test
    void quickPlanRunsEveryScenarioAndWritesTheReport() throws Exception {
        List<String> lines = new ArrayList<>();
        String report = BenchMain.run(Plan.quick(), false, true, lines::add);

        assertThat(report).contains("# Benchmarks", "## Results", "## Targets (issue 9)",
                "## Failover and breakers", "## The proxy under load");
        for (Scenarios.Spec spec : Scenarios.specs()) {
            assertThat(report).contains("`" + spec.name() + "`");
        }
        assertThat(lines).noneMatch(line -> line.contains("FAILED"));
    }
}
