package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton end to end, through the HTTP API, on the embedded cluster with real
 * processes: apply, self-healing after kill -9, scaling, refused specs, an operator restart that
 * neither loses nor duplicates tasks, and delete. The tests share one cluster and operator; each
 * runs a Service of its own, deleted after it.
 */
class ServiceLifecycleE2ETest extends EmbeddedOperatorTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicInteger SERVICES = new AtomicInteger();
    /** This test's Service: web-1, web-2, ... */
    private String name;
    private String resourceKey;

    @BeforeEach
    void nameThisTestsService() {
        name = "web-" + SERVICES.incrementAndGet();
        resourceKey = "Service/" + name;
    }

    String spec(int instances) {
        return """
                apiVersion: mesos-operator.io/v1
                kind: Service
                metadata:
                  name: %s
                  labels: {team: data}
                spec:
                  instances: %d
                  cpus: 0.1
                  mem: 32
                  env: {GREETING: hi}
                  command: 'echo "$GREETING from $MESOS_TASK_ID"; while true; do touch alive; sleep 1; done'
                  healthCheck: {type: command, command: test -f alive, intervalSeconds: 1, gracePeriodSeconds: 10}
                  killGracePeriodSeconds: 1
                """.formatted(name, instances);
    }

    private JsonNode resource() {
        return env.get("/v1/resources/" + resourceKey).body();
    }

    /** This test's Service applied and ready with {@code instances}, at generation 1. */
    private void running(int instances) {
        assertThat(applyOwned(spec(instances)).status()).isEqualTo(201);
        awaitReady(instances, 1);
    }

    private void awaitReady(int instances, long generation) {
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode r = resource();
            assertThat(r.path("status").path("observedGeneration").asLong()).isEqualTo(generation);
            assertThat(r.path("status").path("readyReplicas").asInt()).isEqualTo(instances);
            assertThat(r.path("status").path("phase").asText()).isEqualTo("Running");
            List<JsonNode> tasks = env.tasks(resourceKey);
            assertThat(tasks).hasSize(instances).allSatisfy(t -> {
                assertThat(t.path("state").asText()).isEqualTo("TASK_RUNNING");
                assertThat(t.path("healthy").asBoolean()).isTrue();
            });
            assertThat(tasks.stream().map(t -> t.path("instance").asInt()).collect(Collectors.toSet()))
                    .hasSize(instances);
            assertThat(env.mesosRunningTasks()).hasSize(instances);
        });
    }

    @Test
    void applyRunsThreeInstances() {
        EmbeddedOperator.Reply created = applyOwned(spec(3));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().path("metadata").path("generation").asLong()).isEqualTo(1);
        assertThat(created.body().path("change").asText()).isEqualTo("created");

        awaitReady(3, 1);
        JsonNode status = resource().path("status");
        assertThat(status.path("conditions")).extracting(c -> c.path("type").asText() + "=" + c.path("status").asText())
                .containsExactly("Ready=True", "Progressing=False", "Degraded=False");
        JsonNode task = env.tasks(resourceKey).get(0);
        assertThat(task.path("resource").asText()).isEqualTo(resourceKey);
        assertThat(task.path("agentId").asText()).isNotBlank();
        assertThat(Path.of(env.sandbox(task)).resolve("stdout"))
                .content().contains("hi from " + task.path("taskId").asText());
        // a Service needs nothing only our executor provides: Mesos runs each instance as a command
        // task (no ExecutorInfo, so the master's /state shows no executor id), under a command
        // executor whose id is the task's, and the sandbox the operator shows is that executor's run
        JsonNode mesos = env.masterState().path("frameworks").get(0);
        assertThat(mesos.path("tasks")).hasSize(3).allSatisfy(t -> assertThat(t.path("executor_id").asText()).isEmpty());
        assertThat(env.tasks(resourceKey)).allSatisfy(t -> assertThat(t.path("sandbox").asText())
                .contains("/frameworks/" + mesos.path("id").asText() + "/executors/" + t.path("taskId").asText() + "/runs/"));
        // spread: three instances on three agents
        assertThat(env.tasks(resourceKey).stream().map(t -> t.path("agentId").asText()).collect(Collectors.toSet())).hasSize(3);
        // Prometheus text format on the admin port: well-formed, counting what just happened
        Map<String, Double> metrics = prometheus(env.admin("/metrics/prometheus"));
        assertThat(metrics.get("mesos_operator_tasks_launched_total{kind=\"Service\"}")).isGreaterThanOrEqualTo(3.0);
        assertThat(metrics.get("mesos_operator_offers_received_total")).isPositive();
        assertThat(metrics.get("mesos_operator_tasks{kind=\"Service\",state=\"TASK_RUNNING\"}")).isEqualTo(3.0);
        assertThat(metrics.get("mesos_operator_leader")).isEqualTo(1.0);
        assertThat(metrics.get("mesos_operator_reconcile_duration_seconds_count{kind=\"Service\"}")).isPositive();
        assertThat(metrics.get("mesos_operator_plan_step_duration_seconds_count{kind=\"Service\"}")).isGreaterThanOrEqualTo(3.0);
        assertThat(metrics.get("mesos_operator_reconciliation_last_duration_seconds")).isGreaterThanOrEqualTo(0.0);
        assertThat(metrics.get("jvm_memory_used_bytes{area=\"heap\"}")).isPositive(); // the standard JVM names
        // every instance's CPU and memory, from its agent's /monitor/statistics (collected every 15 s)
        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, Double> usage = prometheus(env.admin("/metrics/prometheus"));
            for (int instance = 0; instance < 3; instance++) {
                String labels = "{instance=\"" + instance + "\",kind=\"Service\",resource=\"" + name + "\"}";
                assertThat(usage.get("mesos_operator_task_memory_bytes" + labels)).as("memory of %s", labels).isPositive();
                assertThat(usage.get("mesos_operator_task_cpu_seconds_total" + labels)).as("CPU of %s", labels)
                        .isGreaterThanOrEqualTo(0.0);
            }
        });
        assertThat(env.admin("/healthcheck")).contains("\"mesos\"", "leader, subscribed", "\"zookeeper\"");
        // nothing waits for resources any more: offers are suppressed (a master's per-framework
        // metric says so; /state has no field for it) and none are held
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode framework = env.masterState().path("frameworks").get(0);
            assertThat(env.masterMetrics().path("master/frameworks/mesos-operator/" + framework.path("id").asText()
                    + "/roles/*/suppressed").asDouble()).isEqualTo(1.0);
            assertThat(framework.path("offers")).isEmpty();
        });
    }

    /** Parses the Prometheus text format strictly enough to catch a malformed line: series name with its labels -> value. */
    static Map<String, Double> prometheus(String text) {
        Map<String, Double> values = new java.util.HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                assertThat(line).matches("(|# (HELP|TYPE) \\w+ .*)");
                continue;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)").matcher(line);
            assertThat(m.matches()).as("metric line: %s", line).isTrue();
            values.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return values;
    }

    @Test
    void killedProcessIsRelaunched() {
        running(3);
        JsonNode victim = env.tasks(resourceKey).stream().filter(t -> t.path("instance").asInt() == 1).findFirst().orElseThrow();
        String sandbox = env.sandbox(victim);
        ProcessHandle process = EmbeddedOperator.taskProcess(sandbox).orElseThrow();
        assertThat(process.destroyForcibly()).isTrue(); // SIGKILL, like kill -9
        long killed = System.nanoTime();

        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            assertThat(env.tasks(resourceKey)).anySatisfy(replacement -> {
                assertThat(replacement.path("instance").asInt()).isEqualTo(1);
                assertThat(replacement.path("taskId").asText()).isNotEqualTo(victim.path("taskId").asText());
                assertThat(replacement.path("state").asText()).isEqualTo("TASK_RUNNING");
            });
        });
        System.out.printf("repair time, task kill -9 -> replacement RUNNING: %d ms (includes the 1 s first backoff)%n",
                (System.nanoTime() - killed) / 1_000_000);
        awaitReady(3, 1);
        JsonNode instance = resource().path("status").path("instances").get(1);
        assertThat(instance.path("restarts").asInt()).isEqualTo(1);
        assertThat(instance.path("lastExit").asText()).isEqualTo("TASK_FAILED: Command terminated with signal Killed");
        assertThat(EmbeddedOperator.processesIn(sandbox)).isEmpty(); // nothing of the old task is left behind
    }

    @Test
    void scalesUpAndDown() {
        running(3);
        List<String> watched = env.watch("?kind=service&name=" + name);
        await().atMost(WAIT).until(() -> watched.contains(": watching"));
        EmbeddedOperator.Reply up = applyOwned(spec(5));
        assertThat(up.status()).isEqualTo(200);
        assertThat(up.body().path("change").asText()).isEqualTo("scaled");
        assertThat(up.body().path("metadata").path("generation").asLong()).isEqualTo(2);
        awaitReady(5, 2);
        // the watch stream told it as it happened: the accepted change, launches, running tasks, the new status
        await().atMost(WAIT).untilAsserted(() -> assertThat(String.join("\n", watched))
                .contains("event: event", "\"reason\":\"SpecScaled\"", "\"reason\":\"Launching\"",
                        "event: task", "\"type\":\"TASK_RUNNING\"", "event: status", "\"reason\":\"5/5\""));

        List<String> sandboxes = env.tasks(resourceKey).stream().map(env::sandbox).toList();
        EmbeddedOperator.Reply down = applyOwned(spec(1));
        assertThat(down.body().path("metadata").path("generation").asLong()).isEqualTo(3);
        awaitReady(1, 3);
        assertThat(env.tasks(resourceKey).get(0).path("instance").asInt()).isZero();
        await().atMost(WAIT).untilAsserted(() -> assertThat(sandboxes.stream()
                .filter(s -> !EmbeddedOperator.processesIn(s).isEmpty())).hasSize(1));

        EmbeddedOperator.Reply again = applyOwned(spec(1));
        assertThat(again.body().path("change").asText()).isEqualTo("unchanged");
        assertThat(again.body().path("metadata").path("generation").asLong()).isEqualTo(3);
    }

    @Test
    void badSpecsAreRefusedAndChangeNothing() {
        running(1);
        String runningTask = env.tasks(resourceKey).get(0).path("taskId").asText();
        Map<String, String> bad = Map.of(
                "instances: 1", "instances: -1",
                "cpus: 0.1", "cpus: lots",
                "mem: 32", "mem: 32\n  colour: blue",
                "  command: 'echo", "  commandx: 'echo",
                "metadata:", "metadata: [");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            EmbeddedOperator.Reply reply = env.post("/v1/resources", "application/yaml", spec(1).replace(e.getKey(), e.getValue()));
            assertThat(reply.status()).as(e.getValue()).isEqualTo(422);
            JsonNode error = reply.body().path("errors").get(0);
            assertThat(error.has("path")).isTrue();
            assertThat(error.path("message").asText()).isNotBlank();
            assertThat(error.path("line").asInt()).isPositive();
        }
        EmbeddedOperator.Reply negative = env.post("/v1/resources", "application/yaml", spec(1).replace("instances: 1", "instances: -1"));
        assertThat(negative.body().path("errors")).anySatisfy(err -> {
            assertThat(err.path("path").asText()).isEqualTo("spec.instances");
            assertThat(err.path("message").asText()).isEqualTo("must be >= 0");
            assertThat(err.path("line").asInt()).isEqualTo(7);
        });
        EmbeddedOperator.Reply volume = env.post("/v1/resources", "application/yaml",
                spec(1).replace("mem: 32", "mem: 32\n  volume: {sizeMb: 10}"));
        assertThat(volume.status()).isEqualTo(422);
        assertThat(volume.body().path("errors").get(0).path("path").asText()).isEqualTo("spec.volume");
        assertThat(volume.body().path("errors").get(0).path("message").asText()).contains("mesos.role");
        assertThat(volume.body().path("errors").get(0).path("line").asInt()).isEqualTo(10);
        EmbeddedOperator.Reply json = env.post("/v1/resources", "application/json",
                "{\"apiVersion\":\"mesos-operator.io/v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{}}");
        assertThat(json.status()).isEqualTo(422);
        assertThat(json.body().path("errors").get(0).path("path").asText()).isEqualTo("spec.command");

        // the accepted spec keeps running untouched
        assertThat(resource().path("metadata").path("generation").asLong()).isEqualTo(1);
        assertThat(env.tasks(resourceKey)).extracting(t -> t.path("taskId").asText()).containsExactly(runningTask);
        awaitReady(1, 1);
    }

    @Test
    void operatorRestartNeitherLosesNorDuplicatesTasks() throws Exception {
        running(1);
        Set<String> before = env.tasks(resourceKey).stream().map(t -> t.path("taskId").asText()).collect(Collectors.toSet());
        String frameworkId = env.masterState().path("frameworks").get(0).path("id").asText();
        env.stopOperator();
        // time passes with no operator: nothing to wait for but that, and the tasks must not notice
        Thread.sleep(2000);
        assertThat(env.mesosRunningTasks()).containsExactlyInAnyOrderElementsOf(before);
        env.startOperator();

        awaitReady(1, 1);
        assertThat(env.tasks(resourceKey).stream().map(t -> t.path("taskId").asText()).collect(Collectors.toSet()))
                .isEqualTo(before);
        assertThat(env.masterState().path("frameworks")).hasSize(1);
        assertThat(env.masterState().path("frameworks").get(0).path("id").asText()).isEqualTo(frameworkId);
        assertThat(resource().path("metadata").path("generation").asLong()).isEqualTo(1);
    }

    @Test
    void aTaskMesosRunsThatTheOperatorHasNoRecordOfIsKilledAndReplaced() throws Exception {
        running(1);
        // the record of one task is lost while the operator is down (e.g. restored from an old backup)
        JsonNode orphan = env.tasks(resourceKey).get(0);
        String orphanId = orphan.path("taskId").asText();
        env.stopOperator();
        try (org.apache.curator.framework.CuratorFramework zk = org.apache.curator.framework.CuratorFrameworkFactory
                .newClient(env.zkConnect(), new org.apache.curator.retry.RetryOneTime(100))) {
            zk.start();
            zk.delete().forPath("/mesos-operator/mesos-operator/tasks/" + orphanId);
        }
        env.startOperator();

        // reconciliation finds it running in Mesos: unknown, so killed; its instance gets a new task
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(env.mesosRunningTasks()).doesNotContain(orphanId).hasSize(1);
            assertThat(env.tasks(resourceKey)).extracting(t -> t.path("instance").asInt()).containsExactly(0);
        });
        awaitReady(1, 1);
    }

    @Test
    void deleteKillsAllTasks() {
        running(1);
        List<String> sandboxes = env.tasks(resourceKey).stream().map(env::sandbox).toList();
        EmbeddedOperator.Reply deleted = env.delete("/v1/resources/service/" + name);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(env.get("/v1/resources/" + resourceKey).status()).isEqualTo(404);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(env.tasks(resourceKey)).isEmpty();
            assertThat(env.mesosRunningTasks()).isEmpty();
            assertThat(sandboxes).allSatisfy(s -> assertThat(EmbeddedOperator.processesIn(s)).isEmpty());
        });
        assertThat(env.delete("/v1/resources/" + resourceKey).status()).isEqualTo(404);
    }
}
