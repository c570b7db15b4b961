package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Real Spark applications (the sample word count, from the dists/ Spark distribution) run by the
 * operator: the sample spec (2 executors) runs to Succeeded with the right counts, a job that fails twice
 * succeeds on its third attempt (OnFailure), one that always fails ends Failed after its retries,
 * and a scheduled job runs repeatedly without overlapping (Forbid) until it is killed. The
 * independent jobs run at once (one Spark driver per agent) to keep the class short.
 */
class SparkJobE2ETest extends EmbeddedOperatorTest {
    static final Path SAMPLE = Path.of("..", "sample-specs", "spark-job.yaml");
    static final Path JAR = Path.of(System.getProperty("mesos.operator.spark.sample.jar",
            "../sample-apps/spark-wordcount/target/spark-wordcount.jar")).toAbsolutePath().normalize();
    static final Path WORDS = JAR.resolveSibling("words.txt");

    /**
     * Waits until the job's 2 executors ended, as they do once the driver did: their ends may be heard
     * a moment after the driver's, so the job can show Succeeded while they are still being killed.
     */
    static void awaitExecutorsEnded(Supplier<JsonNode> jobStatus) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(jobStatus.get().path("workload").path("executors").findValuesAsText("state"))
                        .hasSize(2).allSatisfy(state -> assertThat(state).isIn("FINISHED", "KILLED")));
    }
    static final Duration RUN = Duration.ofMinutes(3);

    @Override
    EmbeddedOperator.Options options() {
        return EmbeddedOperator.Options.defaults().agents(4);
    }

    private JsonNode status(String name) {
        return env.get("/v1/resources/SparkJob/" + name).body().path("status");
    }

    /** A word-count job that fails until attempt {@code failUntil} (its counter in a directory outside the sandboxes). */
    private String job(String name, int failUntil, String... extraSpecLines) throws Exception {
        Path attempts = Files.createDirectories(work.resolve("attempts-" + name));
        StringBuilder yaml = new StringBuilder("""
                apiVersion: mesos-operator.io/v1
                kind: SparkJob
                metadata: {name: %s}
                spec:
                  mainApplicationFile: %s
                  mainClass: io.mesosoperator.samples.WordCount
                  files: [%s]
                  arguments: [--fail-until-attempt, '%d', --attempts-dir, %s, words.txt, out]
                  sparkConf: {spark.sql.shuffle.partitions: '1'}
                """.formatted(name, JAR.toUri(), WORDS.toUri(), failUntil, attempts));
        for (String line : extraSpecLines) {
            yaml.append("  ").append(line).append('\n');
        }
        return yaml.toString();
    }

    private void apply(String yaml) {
        EmbeddedOperator.Reply reply = env.post("/v1/resources", "application/yaml", yaml);
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(201);
    }

    @Test
    void jobsRunToCompletionRetryOnFailureAndGiveUpAfterTheirRetries() throws Exception {
        // the sample spec as written, but with the build tree's files where the repository root would be
        String sample = Files.readString(SAMPLE)
                .replace("sample-apps/spark-wordcount/target/spark-wordcount.jar", JAR.toString())
                .replace("sample-apps/spark-wordcount/target/words.txt", WORDS.toString());
        apply(sample);
        apply(job("flaky", 3, "restartPolicy: {type: OnFailure, maxRetries: 3, backoffSeconds: 1}"));
        apply(job("broken", 100, "restartPolicy: {type: OnFailure, maxRetries: 1, backoffSeconds: 1}"));

        await().atMost(RUN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(status("wordcount").path("phase").asText()).isEqualTo("Succeeded");
        });
        JsonNode run = status("wordcount").path("workload").path("runs").get(0);
        assertThat(run.path("attempts").asInt()).isEqualTo(1);
        // the sample's 2 executors: each a task of its own, killed when the driver ends (their ends may
        // be heard just after the driver's)
        assertThat(run.path("applicationId").asText()).startsWith("spark-application-");
        awaitExecutorsEnded(() -> status("wordcount"));
        assertThat(run.path("startTime").asText()).isNotEmpty();
        assertThat(run.path("endTime").asText()).isNotEmpty();
        Path driverLog = Path.of(run.path("driverLog").asText());
        assertThat(driverLog).exists();
        Path counts = driverLog.resolveSibling("counts");
        assertThat(counts.resolve("_SUCCESS")).exists();
        List<String> lines;
        try (Stream<Path> parts = Files.list(counts)) {
            Path part = parts.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
            lines = Files.readAllLines(part);
        }
        assertThat(lines).hasSize(271);
        assertThat(lines.subList(0, 4)).containsExactly("word,count", "the,33", "to,28", "that,21");
        assertThat(env.cli("get", "sparkjob").out()).contains("wordcount").contains("Succeeded");
        // the finished driver's output is its task's stdout, read through the agent's files API (the
        // job has no task any more); driver.log, the name in the status, is the same file
        EmbeddedOperator.Run driver = env.cli("logs", "sparkjob", "wordcount");
        assertThat(driver.out()).contains("SparkContext: Successfully stopped SparkContext");
        assertThat(driver.err()).contains("ended: TASK_FINISHED");
        assertThat(env.cli("logs", "sparkjob", "wordcount", "--file", "driver.log").out())
                .contains("SparkContext: Successfully stopped SparkContext");

        await().atMost(RUN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(status("broken").path("phase").asText()).isEqualTo("Failed");
        });
        JsonNode broken = status("broken").path("workload").path("runs").get(0);
        assertThat(broken.path("attempts").asInt()).isEqualTo(2); // 1 + maxRetries
        assertThat(broken.path("lastExit").asText()).contains("TASK_FAILED").contains("exit code 1");
        assertThat(status("broken").path("conditions").toString()).contains("RunFailed");

        await().atMost(RUN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(status("flaky").path("phase").asText()).isEqualTo("Succeeded");
        });
        JsonNode flaky = status("flaky").path("workload").path("runs").get(0);
        assertThat(flaky.path("attempts").asInt()).isEqualTo(3);
        assertThat(flaky.path("failures").asInt()).isEqualTo(2);
        assertThat(Files.readString(work.resolve("attempts-flaky").resolve("attempts")).trim()).isEqualTo("3");
        assertThat(env.get("/v1/resources/SparkJob/flaky/events").body().toString()).contains("AttemptFailed");
        assertThat(env.cli("describe", "sparkjob", "flaky").out()).contains("Runs:").contains("Succeeded");
        for (String name : List.of("wordcount", "flaky", "broken")) {
            assertThat(env.delete("/v1/resources/SparkJob/" + name).status()).isEqualTo(200);
        }
    }

    @Test
    void aScheduledJobRunsAgainAndAgainWithoutOverlapUntilKilled() throws Exception {
        // a firing every 5 s, a job of 10 s or more: Forbid must skip firings
        apply(job("nightly", 1, "schedule: '0/5 * * * * ?'", "concurrencyPolicy: Forbid",
                "successfulRunHistoryLimit: 10"));
        await().atMost(RUN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode w = status("nightly").path("workload");
            assertThat(w.path("runsSucceeded").asInt()).isGreaterThanOrEqualTo(2);
        });
        JsonNode w = status("nightly").path("workload");
        assertThat(w.path("runsSkipped").asInt()).isGreaterThanOrEqualTo(1);
        List<Instant[]> spans = new ArrayList<>();
        for (JsonNode r : w.path("runs")) {
            if (r.hasNonNull("endTime")) {
                spans.add(new Instant[] {Instant.parse(r.path("submissionTime").asText()), Instant.parse(r.path("endTime").asText())});
                assertThat(r.path("scheduledTime").asText()).isNotEmpty();
            }
        }
        for (int i = 1; i < spans.size(); i++) {
            assertThat(spans.get(i)[0]).as("run %d starts after run %d ended", i, i - 1).isAfterOrEqualTo(spans.get(i - 1)[1]);
        }

        // kill the active run: it ends Killed, without a retry; the schedule goes on
        await().atMost(RUN).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(status("nightly").path("phase").asText()).isEqualTo("Running"));
        int killedRun = status("nightly").path("instances").get(0).path("instance").asInt();
        EmbeddedOperator.Run kill = env.cli("kill", "sparkjob", "nightly");
        assertThat(kill.code()).as(kill.err()).isZero();
        assertThat(kill.out()).contains("sparkjob/nightly killed");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode killed = null;
            for (JsonNode r : status("nightly").path("workload").path("runs")) {
                if (r.path("run").asInt() == killedRun) {
                    killed = r;
                }
            }
            assertThat(killed).isNotNull();
            assertThat(killed.path("state").asText()).isEqualTo("Killed");
            assertThat(killed.path("taskState").asText()).isEqualTo("TASK_KILLED");
            assertThat(killed.path("attempts").asInt()).isEqualTo(1);
        });
        assertThat(env.cli("kill", "service", "nothing").code()).isNotZero();
        assertThat(env.delete("/v1/resources/SparkJob/nightly").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(env.tasks("SparkJob/nightly")).isEmpty());
    }
}
