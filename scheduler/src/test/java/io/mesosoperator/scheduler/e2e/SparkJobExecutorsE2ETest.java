package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A SparkJob with executors (docs/spark-executors.md): the driver runs in its task with the
 * operator's Spark plugin, and each executor in a Mesos task of its own that the operator places
 * like any instance. The word count of the sample app, on a 4-agent cluster: the two executors run
 * on two different agents (maxExecutorsPerAgent 1) of the zone the job asks for (placement.agentAttributes), the result is right, and once the driver ended no executor task of the run is left in the master's /state; an executor killed with
 * SIGKILL, or lost with its agent, is replaced and the job still succeeds; a Spark 4 job runs; a driver killed with SIGKILL is retried (restartPolicy OnFailure) with fresh executors
 * and leaves none of its own running; with dynamic allocation the job grows past its one initial
 * executor.
 */
class SparkJobExecutorsE2ETest extends EmbeddedOperatorTest {
    static final Duration RUN = Duration.ofMinutes(4);

    @Override
    EmbeddedOperator.Options options() {
        // an agent that stops answering is unreachable after 5 s (Mesos' default is 75 s), for the agent-loss test;
        // 4 agents of 2 cpus in zone a: the driver's agent has no room for an executor of 1 cpu beside it, and one
        // agent may be gone (the agent-loss test), so that two executors still find two; one more in zone b, which
        // a job placed in zone a must not use
        return EmbeddedOperator.Options.defaults().agents(5).agentAttributes("zone:a", "zone:a", "zone:a", "zone:a", "zone:b")
                .agentUnreachableAfter(Duration.ofSeconds(5));
    }

    private JsonNode status(String name) {
        return env.get("/v1/resources/SparkJob/" + name).body().path("status");
    }

    /**
     * The sample word count with two executors; the driver waits until both registered
     * (minRegisteredResourcesRatio 1), so both are in the application before its first stage.
     */
    private String job(String name) {
        return job(name, "");
    }

    /** The same, with more spec lines. */
    private String job(String name, String more) {
        return job(name, more, """
                    spark.sql.shuffle.partitions: '2'
                    spark.scheduler.minRegisteredResourcesRatio: '1.0'
                    spark.scheduler.maxRegisteredResourcesWaitingTime: 120s
                """, "instances: 2, ");
    }

    /** The sample word count with more spec lines, these sparkConf lines and executors of 1 core and 512m. */
    private String job(String name, String more, String sparkConf, String instances) {
        return """
                apiVersion: mesos-operator.io/v1
                kind: SparkJob
                metadata: {name: %s}
                spec:
                  mainApplicationFile: %s
                  mainClass: io.mesosoperator.samples.WordCount
                  files: [%s]
                  arguments: [words.txt, counts]
                  executor: {%scores: 1, memory: 512m}
                """.formatted(name, SparkJobE2ETest.JAR.toUri(), SparkJobE2ETest.WORDS.toUri(), instances)
                + more + "  sparkConf:\n" + sparkConf;
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

    /** The ids of the agents whose attribute {@code key} has {@code value}, as the master's /state shows them. */
    private Set<String> agentsWith(String key, String value) {
        Set<String> out = new HashSet<>();
        env.masterState().path("slaves").forEach(a -> {
            if (a.path("attributes").path(key).asText().equals(value)) {
                out.add(a.path("id").asText());
            }
        });
        return out;
    }

    @Test
    void twoExecutorsOnTwoAgentsComputeTheWordCountAndEndWithTheDriver() throws Exception {
        // one executor an agent at most (the default spread is best effort over the agents offering at the
        // moment), driver and executors in zone a only
        apply(job("wc-exec", "  placement: {agentAttributes: {zone: a}, maxExecutorsPerAgent: 1}\n"));

        // both executors run, each in a Mesos task of its own, on two different agents
        await().atMost(RUN).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            List<JsonNode> running = executorTasks("wc-exec").stream()
                    .filter(t -> t.path("state").asText().equals("TASK_RUNNING")).toList();
            assertThat(running).as("executor tasks running; the job's executors: %s; its plan: %s",
                    status("wc-exec").path("workload").path("executors"), env.get("/v1/resources/SparkJob/wc-exec/plan").body())
                    .hasSize(2);
            // the driver's task runs too: the plugin tells the launcher the application runs
            assertThat(status("wc-exec").path("phase").asText()).isEqualTo("Running");
        });
        Set<String> agents = new HashSet<>();
        executorTasks("wc-exec").forEach(t -> agents.add(t.path("agentId").asText()));
        assertThat(agents).as("the executors on two agents (maxExecutorsPerAgent 1)").hasSize(2);
        // the driver and both executors on agents of zone a, none on the one of zone b
        Set<String> zoneA = agentsWith("zone", "a");
        Set<String> zoneB = agentsWith("zone", "b");
        assertThat(zoneB).as("the agent of zone b in the master's /state").hasSize(1);
        List<String> jobAgents = env.tasks("SparkJob/wc-exec").stream().map(t -> t.path("agentId").asText()).toList();
        assertThat(jobAgents).as("the agents of the driver and the executors").hasSize(3)
                .allSatisfy(agent -> assertThat(zoneA).contains(agent)).doesNotContainAnyElementsOf(zoneB);
        assertThat(env.mesosRunningTasks().stream().filter(id -> id.startsWith("wc-exec-exec-"))).hasSize(2);
        // in the master's /state, each executor task says whose it is: the run, the driver attempt, Spark's executor id
        Set<String> labelled = new HashSet<>();
        env.masterState().path("frameworks").forEach(f -> f.path("tasks").forEach(t -> {
            if (t.path("id").asText().startsWith("wc-exec-exec-")) {
                Map<String, String> labels = new HashMap<>();
                t.path("labels").forEach(l -> labels.put(l.path("key").asText(), l.path("value").asText()));
                labelled.add(labels.get("mesos-operator.io/spark-run") + "/" + labels.get("mesos-operator.io/spark-attempt")
                        + "/" + labels.get("mesos-operator.io/spark-executor-id"));
            }
        }));
        assertThat(labelled).containsExactlyInAnyOrder("0/1/1", "0/1/2");

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

        // the status lists the run's executors: ids 1 and 2, their tasks and agents, killed when the
        // driver ended (their ends may be heard just after the driver's)
        SparkJobE2ETest.awaitExecutorsEnded(() -> status("wc-exec"));
        JsonNode executors = status("wc-exec").path("workload").path("executors");
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
    void aJobAskingForSpark4RunsOnSpark4WithItsExecutorsAsTasks() throws Exception {
        apply(job("wc-spark4", "  sparkVersion: '4'\n"));

        await().atMost(RUN).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(executorTasks("wc-spark4").stream()
                        .filter(t -> t.path("state").asText().equals("TASK_RUNNING"))).hasSize(2));
        await().atMost(RUN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(status("wc-spark4").path("phase").asText()).isEqualTo("Succeeded"));
        JsonNode run = status("wc-spark4").path("workload").path("runs").get(0);
        // the driver says which Spark it is: Spark 4 (Scala 2.13), not the default 3.5
        assertThat(Files.readString(Path.of(run.path("driverLog").asText())))
                .contains("Running Spark version 4.1.1");
        assertThat(run.path("applicationId").asText()).startsWith("spark-application-");
        List<String> lines = counts(run);
        assertThat(lines).hasSize(271);
        assertThat(lines.subList(0, 4)).containsExactly("word,count", "the,33", "to,28", "that,21");
        assertThat(status("wc-spark4").path("workload").path("executors")).hasSize(2);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(executorTasksInMesos("wc-spark4")).isEmpty());
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

    @Test
    void anExecutorLostWithItsAgentIsReplacedElsewhereAndTheJobStillSucceeds() throws Exception {
        apply(job("wc-agent"));
        List<JsonNode> running = await().atMost(RUN).pollInterval(Duration.ofMillis(100))
                .until(() -> executorTasks("wc-agent").stream()
                        .filter(t -> t.path("state").asText().equals("TASK_RUNNING")).toList(), r -> r.size() == 2);
        String driverAgent = env.tasks("SparkJob/wc-agent").stream()
                .filter(t -> !t.path("taskId").asText().startsWith("wc-agent-exec-")).findFirst().orElseThrow()
                .path("agentId").asText();
        // an executor on an agent the driver does not share: the agent dies, the driver lives on
        JsonNode lost = running.stream().filter(t -> !t.path("agentId").asText().equals(driverAgent)).findFirst()
                .orElseThrow(() -> new AssertionError("both executors share the driver's agent: " + running));
        String lostAgent = lost.path("agentId").asText();
        env.removeAgent(lostAgent);

        await().atMost(RUN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(status("wc-agent").path("phase").asText()).isEqualTo("Succeeded"));
        JsonNode workload = status("wc-agent").path("workload");
        assertThat(counts(workload.path("runs").get(0))).hasSize(271);
        assertThat(workload.path("runs").get(0).path("attempts").asInt()).as("the driver was not retried").isEqualTo(1);
        // the lost executor's place was taken by a new one on an agent that is still there
        JsonNode replacement = null;
        for (JsonNode e : workload.path("executors")) {
            if (e.path("id").asText().equals("3")) {
                replacement = e;
            }
        }
        assertThat(replacement).as(workload.path("executors").toString()).isNotNull();
        assertThat(replacement.path("agentId").asText()).isNotEqualTo(lostAgent);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(executorTasksInMesos("wc-agent")).isEmpty());
    }

    @Test
    void aDriverKilledWithSigkillIsRetriedAndLeavesNoExecutorOfItsAttempt() throws Exception {
        apply(job("wc-driver", "  restartPolicy: {type: OnFailure, maxRetries: 2, backoffSeconds: 1}\n"));
        // mid-job: both executor tasks of attempt 1 run; the driver waits for them before its first stage
        List<String> firstExecutors = await().atMost(RUN).pollInterval(Duration.ofMillis(100))
                .until(() -> executorTasks("wc-driver").stream().filter(t -> t.path("state").asText().equals("TASK_RUNNING"))
                        .map(t -> t.path("taskId").asText()).toList(), running -> running.size() == 2);
        crashDriver("wc-driver");

        await().atMost(RUN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(status("wc-driver").path("phase").asText()).isEqualTo("Succeeded"));
        JsonNode workload = status("wc-driver").path("workload");
        JsonNode run = workload.path("runs").get(0);
        assertThat(run.path("attempts").asInt()).as("the killed attempt and its retry").isEqualTo(2);
        assertThat(counts(run)).hasSize(271);
        // the retry got executors of its own: their ids go on from the killed attempt's
        assertThat(workload.path("executors").findValuesAsText("id")).doesNotContain("1", "2").contains("3", "4");
        assertThat(workload.path("executors").findValuesAsText("task")).doesNotContainAnyElementsOf(firstExecutors);
        // no orphan of the killed attempt in Mesos (nor of the retry, which ended too)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(executorTasksInMesos("wc-driver")).isEmpty());

        // an executor's own log, through the CLI: executor 3 of the retry started and registered with the driver
        EmbeddedOperator.Run logs = env.cli("logs", "sparkjob", "wc-driver", "--executor", "3", "--stderr", "--tail", "10000000");
        assertThat(logs.code()).as(logs.err()).isZero();
        assertThat(logs.out()).contains("Starting executor ID 3");
    }

    @Test
    void dynamicAllocationGrowsPastOneExecutorWhileTasksWait() throws Exception {
        // many small shuffle tasks (adaptive execution would merge them) keep a backlog on one executor;
        // shuffle tracking is the operator's to set
        apply(job("wc-dyn", "", """
                    spark.sql.shuffle.partitions: '64'
                    spark.sql.adaptive.enabled: 'false'
                    spark.dynamicAllocation.enabled: 'true'
                    spark.dynamicAllocation.minExecutors: '1'
                    spark.dynamicAllocation.initialExecutors: '1'
                    spark.dynamicAllocation.maxExecutors: '3'
                    spark.dynamicAllocation.schedulerBacklogTimeout: 1s
                    spark.dynamicAllocation.sustainedSchedulerBacklogTimeout: 1s
                """, ""));
        int[] mostLive = {0};
        await().atMost(RUN).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            JsonNode status = status("wc-dyn");
            long live = 0;
            for (JsonNode e : status.path("workload").path("executors")) {
                if (Set.of("STARTING", "RUNNING").contains(e.path("state").asText())) {
                    live++;
                }
            }
            mostLive[0] = Math.max(mostLive[0], (int) live);
            assertThat(status.path("phase").asText()).isIn("Succeeded", "Failed");
        });
        JsonNode workload = status("wc-dyn").path("workload");
        assertThat(status("wc-dyn").path("phase").asText()).as(workload.toString()).isEqualTo("Succeeded");
        assertThat(counts(workload.path("runs").get(0))).hasSize(271);
        assertThat(mostLive[0]).as("executors launched at once; at the end: " + workload.path("executors"))
                .isGreaterThan(1).isLessThanOrEqualTo(3);
        // executors launched as tasks: never beyond maxExecutors (pending ones Spark no longer wanted were withdrawn
        // before they got a task, and a wish that grows again gets new ids: the list may hold more entries)
        long launched = 0;
        for (JsonNode e : workload.path("executors")) {
            launched += e.path("task").asText("").isEmpty() ? 0 : 1;
        }
        assertThat(launched).as("executors that got a task: " + workload.path("executors")).isBetween(2L, 3L);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(executorTasksInMesos("wc-dyn")).isEmpty());
    }

    /**
     * A Structured Streaming job with dynamic allocation from no executors: each file that arrives is a micro-batch,
     * for which Spark asks for an executor and the operator launches its task; idle between files, the executors
     * are given back (their tasks killed) while the job runs on. Then its driver is killed: the retry resumes from
     * the checkpoint, and the next file brings an executor task of the retry's own and is counted once, the
     * first file not again. What Spark's dynamic allocation does with the operator's executor tasks, for a job
     * that never ends on its own.
     */
    @Test
    void aStreamingJobsExecutorsComeWithItsMicroBatchesAndGoWhileItIdles() throws Exception {
        Path input = Files.createDirectories(work.resolve("stream-in"));
        Path output = work.resolve("stream-out");
        Path release = work.resolve("release-stream");
        apply("""
                apiVersion: mesos-operator.io/v1
                kind: SparkJob
                metadata: {name: wc-stream}
                spec:
                  mainApplicationFile: %s
                  mainClass: io.mesosoperator.samples.WordCount
                  arguments: [--stream-every, '2', --hold-until, %s, %s, %s]
                  executor: {cores: 1, memory: 512m}
                  restartPolicy: {type: OnFailure, maxRetries: 2, backoffSeconds: 1}
                  sparkConf:
                    spark.sql.shuffle.partitions: '2'
                    spark.dynamicAllocation.enabled: 'true'
                    spark.dynamicAllocation.minExecutors: '0'
                    spark.dynamicAllocation.initialExecutors: '0'
                    spark.dynamicAllocation.maxExecutors: '2'
                    spark.dynamicAllocation.schedulerBacklogTimeout: 1s
                    spark.dynamicAllocation.executorIdleTimeout: 5s
                    spark.dynamicAllocation.shuffleTracking.timeout: 5s
                """.formatted(SparkJobE2ETest.JAR.toUri(), release, input, output));
        await().atMost(RUN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(status("wc-stream").path("phase").asText()).isEqualTo("Running"));
        assertThat(executorsWithATask("wc-stream")).as("executors while nothing arrived").isZero();

        // a file: its micro-batch gets an executor task
        arrive(input, "first.txt");
        await().atMost(RUN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(output.resolve("batch-0").resolve("_SUCCESS")).exists());
        assertThat(executorsWithATask("wc-stream")).as("executors launched for the first micro-batch: %s", executors("wc-stream"))
                .isBetween(1L, 2L);

        // idle: given back while the job runs on
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(liveExecutors("wc-stream")).as("live executors while idle: %s", executors("wc-stream")).isZero();
            assertThat(executorTasksInMesos("wc-stream")).isEmpty();
        });
        assertThat(status("wc-stream").path("phase").asText()).isEqualTo("Running");

        // the driver dies while the job idles: retried, it resumes from the checkpoint
        crashDriver("wc-stream");
        await().atMost(RUN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(status("wc-stream").path("workload").path("runs").get(0).path("attempts").asInt()).isEqualTo(2);
            assertThat(status("wc-stream").path("phase").asText()).isEqualTo("Running");
        });

        // the next file: an executor of the retry's own for its micro-batch, the next after the checkpoint's
        arrive(input, "second.txt");
        await().atMost(RUN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(output.resolve("batch-1").resolve("_SUCCESS")).exists());
        assertThat(executorsWithATask("wc-stream")).as("the retry's executors: %s", executors("wc-stream")).isPositive();

        Files.createFile(release);
        await().atMost(RUN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(status("wc-stream").path("phase").asText()).isEqualTo("Succeeded"));
        for (String batch : List.of("batch-0", "batch-1")) {
            try (Stream<Path> parts = Files.list(output.resolve(batch))) {
                Path part = parts.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
                assertThat(Files.readAllLines(part)).as(batch).contains("the,33");
            }
        }
        // each file counted once: the retry did not read the first one again
        assertThat(output.resolve("batch-2")).doesNotExist();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(executorTasksInMesos("wc-stream")).isEmpty());
    }

    /** SIGKILL to the running driver of the job (its spark-submit JVM). */
    private void crashDriver(String name) {
        JsonNode driver = env.tasks("SparkJob/" + name).stream()
                .filter(t -> !t.path("taskId").asText().startsWith(name + "-exec-")
                        && t.path("state").asText().equals("TASK_RUNNING")).findFirst().orElseThrow();
        String sandbox = env.sandbox(driver);
        ProcessHandle sparkSubmit = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> EmbeddedOperator.processesIn(sandbox).stream()
                        .filter(p -> p.info().commandLine().map(c -> c.contains("org.apache.spark.deploy.SparkSubmit")).orElse(false))
                        .findFirst(), java.util.Optional::isPresent).orElseThrow();
        EmbeddedOperator.crash(sparkSubmit);
    }

    /** A copy of the sample's words arriving in {@code dir} as {@code name}, whole (moved in: the stream never reads half a file). */
    private static void arrive(Path dir, String name) throws Exception {
        Path hidden = dir.resolve("." + name); // Spark's file source skips names that start with a dot
        Files.copy(SparkJobE2ETest.WORDS, hidden);
        Files.move(hidden, dir.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private JsonNode executors(String name) {
        return status(name).path("workload").path("executors");
    }

    /** Executors of the job that got a task (pending ones Spark withdrew never do). */
    private long executorsWithATask(String name) {
        long n = 0;
        for (JsonNode e : executors(name)) {
            n += e.path("task").asText("").isEmpty() ? 0 : 1;
        }
        return n;
    }

    private long liveExecutors(String name) {
        long n = 0;
        for (JsonNode e : executors(name)) {
            n += Set.of("PENDING", "STARTING", "RUNNING").contains(e.path("state").asText()) ? 1 : 0;
        }
        return n;
    }
}
