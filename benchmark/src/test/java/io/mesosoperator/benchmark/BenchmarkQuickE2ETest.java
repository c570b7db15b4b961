package io.mesosoperator.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's quick mode, once, to prove it works end to end (operator process, simulated
 * agents, real processes). Its numbers are printed, never asserted: speed is not a test.
 */
class BenchmarkQuickE2ETest {
    @TempDir
    Path work;

    @Test
    void quickModeMeasuresEveryRow() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Benchmark.Row> rows = new Benchmark(Benchmark.Sizes.quick(), work,
                new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        Benchmark.print(rows, System.out);

        assertThat(rows).extracting(Benchmark.Row::what).anyMatch(w -> w.startsWith("launch throughput") && w.endsWith("cold JVM"))
                .anyMatch(w -> w.startsWith("launch throughput") && w.endsWith("warm JVM"))
                .anyMatch(w -> w.startsWith("operator heap after full GC"))
                .anyMatch(w -> w.startsWith("operator CPU per 1,000 launches"))
                .anyMatch(w -> w.startsWith("spec change (scale +1) -> first LAUNCH"))
                .anyMatch(w -> w.startsWith("task failure -> replacement LAUNCH"))
                .anyMatch(w -> w.startsWith("reconciliation after an operator restart"))
                .anyMatch(w -> w.startsWith("overhead on real processes (3 JVM services)"))
                .anyMatch(w -> w.startsWith("overhead on real processes (3 shell processes)"))
                .anyMatch(w -> w.contains("first apply after the operator started (JVM services)"))
                .anyMatch(w -> w.startsWith("metrics collection, operator CPU per round (4 instances)"))
                .anyMatch(w -> w.contains("CPU share at the default 15 s interval"))
                .anyMatch(w -> w.startsWith("metrics collection, operator heap after full GC (4 instances)"))
                .anyMatch(w -> w.startsWith("task series in the operator's /metrics/prometheus (4 instances)"));
        // every row carries a measured number, and the reaction rows have all their samples
        assertThat(rows).allSatisfy(r -> assertThat(r.value()).containsPattern("\\d"));
        assertThat(rows).filteredOn(r -> r.what().contains("p50 / p99"))
                .allSatisfy(r -> assertThat(r.value()).contains("(3 samples)"));
    }
}
