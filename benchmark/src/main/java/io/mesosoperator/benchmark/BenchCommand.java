package io.mesosoperator.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `bin/mesos-operator bench`: the benchmark's own main, outside the operator's jar and CLI. */
@Command(name = "mesos-operator bench", mixinStandardHelpOptions = true,
        description = {"Run the scale benchmark: the operator as its own process against thousands of simulated",
                "agents (launch throughput, reaction latency, reconciliation, heap, CPU), then real processes",
                "directly and through the operator, and the API under concurrent writers. Prints one table",
                "(see BENCHMARKS.md)."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "A small run that proves the benchmark works (seconds, not minutes).")
    boolean quick;

    @Option(names = "--work-dir", defaultValue = ".mesos-operator/bench",
            description = "Where ZooKeeper, agents and the operator keep state and logs, in a new run-* directory"
                    + " per run (earlier ones are deleted; default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--profile", description = "Record the operator processes with Java Flight Recorder (operator.jfr).")
    boolean profile;

    @Option(names = "--real-only", description = "Only the overhead on real processes (20, or 3 with --quick).")
    boolean realOnly;

    @Option(names = "--applies-only", description = "Only the API under concurrent writers and the largest spec.")
    boolean appliesOnly;

    @Option(names = "--metrics-only", description = {"Only the operator's cost of collecting metrics: CPU and heap with",
            "100 instances running, collection every second against off (60 s windows; 4 instances, 3 s with --quick)."})
    boolean metricsOnly;

    @Option(names = "--fast-data", description = {"Only the fast-data sample, as a user runs it from the repository",
            "root: `up`, `apply -f sample-specs/fast-data/`, the time to the first total, and event latency at a",
            "steady rate (60 s, or 15 s with --quick)."})
    boolean fastData;

    @Option(names = "--spark", description = {"Only a SparkJob with 2 executor tasks (sample-specs/spark-job.yaml on `up`)",
            "against the same job by hand with spark-submit --master local-cluster, from the repository root",
            "(3 rounds, or 1 with --quick)."})
    boolean spark;

    @Option(names = "--dashboard-only", description = "Only the dashboard in headless Chromium: 100 resources, 1,000 tasks.")
    boolean dashboardOnly;

    @Override
    public Integer call() throws Exception {
        if (spark) {
            Benchmark.print(new SparkExecutorsBenchmark(Path.of(""), workDir, quick ? 1 : 3, System.out).run(), System.out);
            return 0;
        }
        if (fastData) {
            Benchmark.print(new FastDataBenchmark(Path.of(""), workDir, Duration.ofSeconds(quick ? 15 : 60), System.out)
                    .run(), System.out);
            return 0;
        }
        if (profile) {
            System.setProperty(Benchmark.PROFILE, "true");
        }
        Benchmark.Sizes sizes = quick ? Benchmark.Sizes.quick() : Benchmark.Sizes.full();
        Benchmark bench = new Benchmark(realOnly ? sizes.realOnly() : appliesOnly ? sizes.appliesOnly()
                : dashboardOnly ? sizes.dashboardOnly() : metricsOnly ? Benchmark.Sizes.metricsOnly(quick) : sizes,
                workDir, System.out);
        Benchmark.print(bench.run(), System.out);
        return 0;
    }

    public static void main(String[] args) {
        int code = new CommandLine(new BenchCommand())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
                    return 1;
                })
                .execute(args);
        System.exit(code); // the benchmark's servers leave threads behind; the table is printed
    }
}
