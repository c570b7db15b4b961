package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A SparkJob with executors (docs/spark-executors.md): the driver runs in its task with the
 * operator's Spark plugin, and each executor in a Mesos task of its own that the operator places
 * like any instance. The word count of the sample app, on a 3-agent cluster: the two executors run
 * on two different agents, the result is right, and once the driver ended no executor task of the
 * run is left in the master's /state; an executor killed with SIGKILL is replaced and the job still
 * succeeds.
 */
class SparkJobExecutorsE2ETest extends EmbeddedOperatorTest {
    static final Duration RUN = Duration.ofMinutes(4);

    @Override
    EmbeddedOperator.Options options() {
        return EmbeddedOperator.Options.defaults().agents(3);
    }

    private JsonNode status(String name) {
        return env.get("/v1/resources/SparkJob/" + name).body().path("status");
    }

    /**
     * The sample word count with two executors; the driver waits until both registered
     * (minRegisteredResourcesRatio 1), so both are in the application before its first stage.
     */
    private String job(String name) {
        return """
                apiVersion: mesos-operator.io/v1
                kind: SparkJob
                metadata: {name: %s}
                spec:
                  mainApplicationFile: %s
                  mainClass: io.mesosoperator.samples.WordCount
                  files: [%s]
                  arguments: [words.txt, counts]
                  executor: {instances: 2, cores: 1, memory: 512m}
                  sparkConf:
                    spark.sql.shuffle.partitions: '2'
                    spark.scheduler.minRegisteredResourcesRatio: '1.0'
                    spark.scheduler.maxRegisteredResourcesWaitingTime: 120s
                """.formatted(name, SparkJobE2ETest.JAR.toUri(), SparkJobE2ETest.WORDS.toUri());
    }

    private void apply(String yaml) {
        EmbeddedOperator.Reply reply = applyOwned(yaml);
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(201);
    }

    /** The executor tasks of a job as the operator lists them (name NAME-exec-...). */
    private List<JsonNode> executorTasks(String name) {
        return env.tasks("SparkJob/" + name).stream()
                .filter(t -> t.path("taskId").asText().startsWith(name + "-exec-")).toList();
    }

    /** The master's tasks of this job's executors that have not ended. */
    private List<String> executorTasksInMesos(String name) {
        List<String> out = new ArrayList<>();
        env.masterState().path("frameworks").forEach(f -> f.path("tasks").forEach(t -> {
            if (t.path("id").asText().startsWith(name + "-exec-")
                    && Set.of("TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING").contains(t.path("state").asText())) {
                out.add(t.path("id").asText());
            }
        }));
        return out;
    }

    private static List<String> counts(JsonNode run) throws Exception {
        Path counts = Path.of(run.path("driverLog").asText()).resolveSibling("counts");
        assertThat(counts.resolve("_SUCCESS")).exists();
        try (Stream<Path> parts = Files.list(counts)) {
            Path part = parts.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
            return Files.readAllLines(part);
        }
    }

    @Test
    void twoExecutorsOnTwoAgentsComputeTheWordCountAndEndWithTheDriver() throws Exception {
        apply(job("wc-exec"));

        // both executors run, each in a Mesos task of its own, on two different agents
        await().atMost(RUN).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            List<JsonNode> running = executorTasks("wc-exec").stream()
                    .filter(t -> t.path("state").asText().equals("TASK_RUNNING")).toList();
            assertThat(running).hasSize(2);
            // the driver's task runs too: the plugin tells the launcher the application runs
            assertThat(status("wc-exec").path("phase").asText()).isEqualTo("Running");
        });
        Set<String> agents = new HashSet<>();
        executorTasks("wc-exec").forEach(t -> agents.add(t.path("agentId").asText()));
        assertThat(agents).as("the executors are spread over agents").hasSize(2);
        assertThat(env.mesosRunningTasks().stream().filter(id -> id.startsWith("wc-exec-exec-"))).hasSize(2);

        await().atMost(RUN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(status("wc-exec").path("phase").asText()).isEqualTo("Succeeded"));
        JsonNode workload = status("wc-exec").path("workload");
        JsonNode run = workload.path("runs").get(0);
        assertThat(run.path("attempts").asInt()).isEqualTo(1);
        assertThat(run.path("startTime").asText()).isNotEmpty();
        assertThat(run.path("applicationId").asText()).as("a cluster application, not local-…").startsWith("spark-application-");
        List<String> lines = counts(run);
        assertThat(lines).hasSize(271);
        assertThat(lines.subList(0, 4)).containsExactly("word,count", "the,33", "to,28", "that,21");

        // the status lists the run's executors: ids 1 and 2, their tasks and agents, ended with the driver
        JsonNode executors = workload.path("executors");
        assertThat(executors).hasSize(2);
        Set<String> shownAgents = new HashSet<>();
        for (JsonNode e : executors) {
            assertThat(e.path("id").asText()).isIn("1", "2");
            assertThat(e.path("task").asText()).startsWith("wc-exec-exec-");
            assertThat(e.path("cores").asInt()).isEqualTo(1);
            assertThat(e.path("memory").asText()).isEqualTo("512m");
            assertThat(e.path("state").asText()).isIn("FINISHED", "KILLED");
            shownAgents.add(e.path("agentId").asText());
        }
        assertThat(shownAgents).isEqualTo(agents);
        // no orphan: once the driver ended, Mesos runs no executor task of the run
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(executorTasksInMesos("wc-exec")).isEmpty());
        assertThat(executorTasks("wc-exec")).isEmpty();
    }

    @Test
    void anExecutorKilledWithSigkillIsReplacedAndTheJobStillSucceeds() throws Exception {
        apply(job("wc-kill"));
        JsonNode first = await().atMost(RUN).pollInterval(Duration.ofMillis(100))
                .until(() -> executorTasks("wc-kill").stream()
                        .filter(t -> t.path("state").asText().equals("TASK_RUNNING")).findFirst().orElse(null),
                        t -> t != null);
        EmbeddedOperator.crash(env.awaitTaskProcess(first));

        await().atMost(RUN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(status("wc-kill").path("phase").asText()).isEqualTo("Succeeded"));
        JsonNode workload = status("wc-kill").path("workload");
        assertThat(counts(workload.path("runs").get(0))).hasSize(271);
        JsonNode killed = null;
        for (JsonNode e : workload.path("executors")) {
            if (e.path("task").asText().equals(first.path("taskId").asText())) {
                killed = e;
            }
        }
        assertThat(killed).as(workload.path("executors").toString()).isNotNull();
        assertThat(killed.path("state").asText()).isEqualTo("FAILED");
        // the operator started a replacement: executor 3, while the driver still wanted 2
        assertThat(workload.path("executors").findValuesAsText("id")).contains("3");
        assertThat(workload.path("runs").get(0).path("attempts").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(executorTasksInMesos("wc-kill")).isEmpty());
    }
}
