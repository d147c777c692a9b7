package dev.multillm.benchmarks;

import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the JMH microbenchmarks of {@code dev.multillm.benchmarks.jmh} briefly (one fork, 3 × 1 s
 * warm-up, 5 × 1 s measured) for the report; {@code bin/bench jmh} runs them with JMH's own
 * defaults or any JMH options instead.
 *
 * <p>Thread-safety: not thread-safe; called by the harness's main thread.
 */
final class Micro {
    private Micro() {
    }

    static void run(Results results, Scenarios.Log log) throws RunnerException {
        Options options = new OptionsBuilder()
                .include("dev\\.multillm\\.benchmarks\\.jmh\\..*")
                .forks(1)
                .warmupIterations(3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(1))
                .jvmArgs("-Xms1g", "-Xmx1g")
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> runs = new Runner(options).run();
        for (RunResult run : runs) {
            String benchmark = run.getParams().getBenchmark();
            String key = "jmh." + benchmark.substring(benchmark.lastIndexOf(".jmh.") + 5);
            double score = run.getPrimaryResult().getScore();
            double error = run.getPrimaryResult().getScoreError();
            results.put(key, score);
            results.put(key + ".error", Double.isNaN(error) ? 0 : error);
            log.line(String.format("  %-45s %,14.1f ± %,.1f %s", key, score, error,
                    run.getPrimaryResult().getScoreUnit()));
        }
    }
}
