package io.mesosoperator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A SparkJob with executors as Mesos tasks against the same job started by hand (issue 18's figures): the sample
 * word count (sample-specs/spark-job.yaml: 2 executors of 1 core and 512m) applied to {@code bin/mesos-operator
 * up}, and the same jar with {@code spark-submit --master local-cluster[2,1,1024]} (2 executors in worker JVMs on
 * this machine) from the same Spark tarball. Rounds alternate between the two so both see the same load. Prints
 * medians and their ratio; nothing is asserted.
 */
public final class SparkExecutorsBenchmark {
    private static final Duration RUN = Duration.ofMinutes(10);

    private final Path repo;
    private final Path work;
    private final int rounds;
    private final PrintStream log;
    private final List<Benchmark.Row> rows;

    public SparkExecutorsBenchmark(Path repo, Path work, int rounds, PrintStream log) {
        this.repo = repo.toAbsolutePath().normalize();
        this.work = work.toAbsolutePath().resolve("spark-" + System.currentTimeMillis());
        this.rounds = rounds;
        this.log = log;
        this.rows = Benchmark.loggedRows(log);
    }

    public List<Benchmark.Row> run() throws Exception {
        Benchmark.deleteEarlierRuns(work.getParent(), "spark-");
        Path sparkHome = unpackSpark();
        List<Double> firstExecutor = new ArrayList<>();
        List<Double> operatorRun = new ArrayList<>();
        List<Double> byHand = new ArrayList<>();
        try (UpProcess up = UpProcess.start(repo, work.resolve("operator"), 3, RUN)) {
            log.printf("%n== SparkJob with 2 executor tasks vs spark-submit --master local-cluster (operator log: %s)%n",
                    up.log());
            for (int round = 1; round <= rounds; round++) {
                byHand.add(byHand(sparkHome, round));
                double[] viaOperator = viaOperator(up);
                firstExecutor.add(viaOperator[0]);
                operatorRun.add(viaOperator[1]);
                log.printf("   round %d: by hand %.1f s; operator: first executor %.1f s, Succeeded %.1f s%n", round,
                        byHand.get(round - 1), viaOperator[0], viaOperator[1]);
            }
        }
        row("SparkJob word count, 2 executor tasks: apply -> first executor task running, median", median(firstExecutor));
        row("SparkJob word count, 2 executor tasks: apply -> Succeeded, median", median(operatorRun));
        row("spark-submit --master local-cluster[2,1,1024], the same job by hand: start -> exit, median", median(byHand));
        row("overhead: apply -> Succeeded / by hand (medians)", String.format(Locale.ROOT, "%.2f",
                mid(operatorRun) / mid(byHand)));
        return rows;
    }

    /** Applies the sample, times it to the first running executor task and to Succeeded, then deletes it. */
    private double[] viaOperator(UpProcess up) throws Exception {
        long applied = System.nanoTime();
        up.cli("apply", "-f", "sample-specs/spark-job.yaml");
        UpProcess.waitFor("an executor task of SparkJob/wordcount running", RUN, () -> {
            var r = up.get(up.api() + "/v1/tasks?resource=SparkJob/wordcount");
            for (JsonNode t : UpProcess.JSON.readTree(r.body()).path("items")) {
                if (t.path("taskId").asText().contains("-exec-") && t.path("state").asText().equals("TASK_RUNNING")) {
                    return true;
                }
            }
            return false;
        });
        long executor = System.nanoTime();
        UpProcess.waitFor("SparkJob/wordcount to succeed", RUN, () -> {
            JsonNode job = up.resource("SparkJob/wordcount");
            String phase = job == null ? "" : job.path("status").path("phase").asText();
            if (phase.equals("Failed")) {
                throw new IllegalStateException("SparkJob/wordcount failed: " + job.path("status"));
            }
            return phase.equals("Succeeded");
        });
        long done = System.nanoTime();
        up.cli("delete", "sparkjob", "wordcount");
        UpProcess.waitFor("SparkJob/wordcount to be deleted", RUN, () -> up.resource("SparkJob/wordcount") == null);
        return new double[] {(executor - applied) / 1e9, (done - applied) / 1e9};
    }

    /** The same jar, words and conf through spark-submit with a local cluster of 2 executors. */
    private double byHand(Path sparkHome, int round) throws Exception {
        Path dir = Files.createDirectories(work.resolve("by-hand-" + round));
        Path app = repo.resolve("sample-apps/spark-wordcount/target");
        Files.copy(app.resolve("words.txt"), dir.resolve("words.txt"));
        ProcessBuilder pb = new ProcessBuilder(sparkHome.resolve("bin/spark-submit").toString(),
                "--master", "local-cluster[2,1,1024]", "--executor-memory", "512m", "--driver-memory", "512m",
                "--conf", "spark.sql.shuffle.partitions=2", "--conf", "spark.ui.enabled=false",
                "--class", "io.mesosoperator.samples.WordCount", app.resolve("spark-wordcount.jar").toString(),
                "words.txt", "counts")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("spark-submit.log").toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString()); // the workers start executors from its jars/
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(RUN.toSeconds(), java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("spark-submit by hand failed; see " + dir.resolve("spark-submit.log"));
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** dists/target/spark-3*.tgz, the operator's default Spark, unpacked into the work directory. */
    private Path unpackSpark() throws IOException, InterruptedException {
        Path tarball;
        try (Stream<Path> files = Files.list(repo.resolve("dists/target"))) {
            tarball = files.filter(f -> f.getFileName().toString().matches("spark-3\\..*\\.tgz")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no dists/target/spark-3.*.tgz: build the project first"));
        }
        Files.createDirectories(work);
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", work.toString()).inheritIO().start();
        if (tar.waitFor() != 0) {
            throw new IllegalStateException("could not unpack " + tarball);
        }
        return work.resolve("spark");
    }

    private void row(String what, String value) {
        rows.add(new Benchmark.Row(what, value, ""));
    }

    private static double mid(List<Double> seconds) {
        List<Double> sorted = new ArrayList<>(seconds);
        Collections.sort(sorted);
        return sorted.get((sorted.size() - 1) / 2);
    }

    private static String median(List<Double> seconds) {
        return String.format(Locale.ROOT, "%.1f s (%d runs)", mid(seconds), seconds.size());
    }
}
