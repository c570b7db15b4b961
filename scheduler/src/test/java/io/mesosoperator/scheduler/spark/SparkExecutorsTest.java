package io.mesosoperator.scheduler.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.kind.KindCall;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.ReconcileResult;
import io.mesosoperator.scheduler.kind.Reconciler;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The operator's side of the executor API, through the SparkJob kind as the loop drives it: the
 * driver's wish becomes executor pods, a dead executor is replaced, one the driver killed is not,
 * and the end of the driver kills them all.
 */
class SparkExecutorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "job-secret";
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    private final SparkJobReconciler kind = new SparkJobReconciler(SparkDistributions.only("file:///dists/spark.tgz"),
            "file:///lib/mesos-operator-spark-plugin.jar", () -> "10.0.0.1:8080", key -> SECRET);
    private final Resource resource = resource();
    private final List<TaskRecord> tasks = new ArrayList<>();
    private ResourceStatus status;

    private static Resource resource() {
        return resource(null);
    }

    /** The job with 2 executors, and this placement (null: none). */
    private static Resource resource(ObjectNode placement) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("kind", "SparkJob");
        ObjectNode spec = doc.putObject("spec");
        spec.put("mainApplicationFile", "file:///apps/wc.jar");
        spec.putObject("executor").put("instances", 2).put("cores", 1).put("memory", "512m");
        spec.putObject("driver").put("cores", 1).put("memory", "512m");
        spec.putObject("restartPolicy").put("type", "OnFailure").put("maxRetries", 3).put("backoffSeconds", 0)
                .put("backoffFactor", 1).put("maxBackoffSeconds", 0);
        spec.putArray("arguments");
        spec.putArray("files");
        spec.put("concurrencyPolicy", "Allow").put("successfulRunHistoryLimit", 1).put("failedRunHistoryLimit", 1);
        if (placement != null) {
            spec.set("placement", placement);
        }
        doc.putObject("metadata").put("name", "wc").put("generation", 1);
        return new Resource(doc);
    }

    private ReconcileResult reconcile() {
        ReconcileResult result = kind.reconcile(resource, new Reconciler.Observed(List.copyOf(tasks), status, Set.of()), NOW);
        status = result.status();
        return result;
    }

    private KindCall.Answer call(String method, String path, JsonNode body) {
        KindCall.Answer answer = kind.call(resource, status, new KindCall(method, List.of(path.split("/")), body), NOW);
        if (answer.status() != null) {
            status = answer.status();
        }
        return answer;
    }

    private TaskRecord launch(PodSpec pod, String agent) {
        TaskRecord t = TaskRecord.staging(pod.name() + ".x", pod.resource(), pod.instance(), pod.configHash(), agent,
                null, "host-" + agent, Map.of(), pod.group(), NOW.toString()).withUpdate("TASK_RUNNING", null, null, null,
                null, null, NOW.toString());
        tasks.add(t);
        return t;
    }

    private void end(TaskRecord t, String state, String message) {
        tasks.removeIf(x -> x.taskId().equals(t.taskId()));
        status = kind.taskEnded(resource, status, t.withUpdate(state, null, message, null, null, null, NOW.toString()), NOW);
    }

    private static JsonNode wish(int total) {
        ObjectNode wish = JSON.createObjectNode().put("applicationId", "spark-application-1")
                .put("driverUrl", "spark://CoarseGrainedScheduler@10.0.0.5:40123").put("uiUrl", "http://10.0.0.5:4040");
        wish.putArray("javaOptions").add("-Dlog.id=spark-application-1-{{EXECUTOR_ID}}");
        wish.putArray("profiles").addObject().put("id", 0).put("total", total).put("cores", 1).put("memoryMiB", 512)
                .put("memoryOverheadMiB", 384);
        return wish;
    }

    private static List<String> ids(KindCall.Answer answer) {
        return answer.body().path("executors").findValuesAsText("id");
    }

    @Test
    void theDriversWishBecomesExecutorTasksThatAreReplacedUntilTheDriverEnds() throws Exception {
        // the driver: the operator's master for run 0, attempt 1, the plugin fetched, ports for executors to connect to
        PodSpec driverPod = reconcile().launches().get(0);
        JsonNode settings = JSON.readTree(driverPod.env().get("MESOS_OPERATOR_SPARK"));
        assertThat(settings.path("master").asText())
                .isEqualTo("spark+mesos-operator://10.0.0.1:8080/v1/resources/SparkJob/wc/runs/0/attempts/1");
        assertThat(settings.path("conf").path("spark.driver.extraClassPath").asText())
                .isEqualTo("${MESOS_SANDBOX}/mesos-operator-spark-plugin.jar");
        assertThat(driverPod.uris()).extracting(PodSpec.Artifact::outputFile).contains("mesos-operator-spark-plugin.jar");
        assertThat(driverPod.portNames()).containsExactly("driver", "blockmanager", "ui");
        // the token its calls carry when the API needs one: this attempt's, not the API's own
        assertThat(driverPod.env().get("MESOS_OPERATOR_TOKEN"))
                .isEqualTo(io.mesosoperator.scheduler.kind.KindCall.scopedToken(SECRET, resource.key(), "runs/0/attempts/1"));
        // an attempt the operator has not seen start yet: ask again
        assertThat(call("PUT", "runs/0/attempts/1/executors", wish(2)).code()).isEqualTo(503);
        TaskRecord driver = launch(driverPod, "a1");
        assertThat(reconcile().launches()).isEmpty();

        // the first PUT: two pending executors, launched as pods of their own group, spread by it
        KindCall.Answer put = call("PUT", "runs/0/attempts/1/executors", wish(2));
        assertThat(put.code()).isEqualTo(200);
        assertThat(ids(put)).containsExactly("1", "2");
        assertThat(put.body().path("executors").get(0).path("state").asText()).isEqualTo("PENDING");
        List<PodSpec> executors = reconcile().launches();
        assertThat(executors).hasSize(2).allSatisfy(p -> {
            assertThat(p.group()).isEqualTo("exec");
            assertThat(p.cpus()).isEqualTo(1);
            assertThat(p.memMb()).isEqualTo(512 + 384);
            assertThat(p.command()).contains("CoarseGrainedExecutorBackend")
                    .contains("--driver-url 'spark://CoarseGrainedScheduler@10.0.0.5:40123'")
                    .contains("'-Dlog.id=spark-application-1-" + (p.name().endsWith("1") ? "1" : "2") + "'");
            // their tasks say, for anyone reading the master's /state, whose executor they are
            assertThat(p.labels()).containsEntry("mesos-operator.io/spark-run", "0")
                    .containsEntry("mesos-operator.io/spark-attempt", "1")
                    .containsEntry("mesos-operator.io/spark-executor-id", p.name().endsWith("1") ? "1" : "2");
        });
        TaskRecord first = launch(executors.get(0), "a2");
        TaskRecord second = launch(executors.get(1), "a3");
        ReconcileResult steady = reconcile();
        assertThat(steady.launches()).isEmpty();
        assertThat(steady.kills()).isEmpty();
        JsonNode shown = status.workload().path("executors");
        assertThat(shown.findValuesAsText("state")).containsExactly("RUNNING", "RUNNING");
        assertThat(shown.findValuesAsText("agent")).containsExactly("host-a2", "host-a3");
        assertThat(status.workload().path("applicationId").asText()).isEqualTo("spark-application-1");

        // executor 1 dies: it is FAILED, and executor 3 replaces it while the driver wants 2
        end(first, "TASK_FAILED", "Command terminated with signal Killed");
        List<PodSpec> replacement = reconcile().launches();
        assertThat(replacement).extracting(PodSpec::instance).containsExactly(SparkExecutors.instance(0, 3));
        KindCall.Answer get = call("GET", "runs/0/attempts/1/executors", null);
        assertThat(get.body().path("executors").get(0).path("state").asText()).isEqualTo("FAILED");
        TaskRecord third = launch(replacement.get(0), "a2");
        reconcile(); // its first status update

        // the driver gives executor 2 back (a lower total first, then the kill, as the plugin sends them):
        // its task is killed and it is not replaced
        call("PUT", "runs/0/attempts/1/executors", wish(1));
        call("POST", "runs/0/attempts/1/executors/kill", JSON.createObjectNode().set("ids", JSON.createArrayNode().add("2")));
        ReconcileResult afterKill = reconcile();
        assertThat(afterKill.kills()).as(afterKill.kills().toString()).extracting(ReconcileResult.Kill::taskId).containsExactly(second.taskId());
        end(second.withKillRequested(), "TASK_KILLED", null);
        assertThat(reconcile().launches()).isEmpty();

        // the driver ends: every executor task of the run is killed, and its calls answer 410
        end(driver, "TASK_FINISHED", "Spark application spark-application-1 FINISHED");
        ReconcileResult afterDriver = reconcile();
        assertThat(afterDriver.kills()).extracting(ReconcileResult.Kill::taskId).containsExactly(third.taskId());
        assertThat(afterDriver.launches()).isEmpty();
        // while its kill is under way (TASK_KILLING) executor 3 still runs, and says why it stops
        tasks.replaceAll(t -> t.taskId().equals(third.taskId())
                ? t.withKillRequested().withUpdate("TASK_KILLING", null, null, null, null, null, NOW.toString()) : t);
        reconcile();
        JsonNode stopping = status.workload().path("executors").get(2);
        assertThat(stopping.path("id").asText()).isEqualTo("3");
        assertThat(stopping.path("state").asText()).isEqualTo("RUNNING");
        assertThat(stopping.path("message").asText()).contains("ended");
        assertThat(call("PUT", "runs/0/attempts/1/executors", wish(2)).code()).isEqualTo(410);
        assertThat(call("GET", "runs/7/attempts/1/executors", null).code()).isEqualTo(404);
    }

    @Test
    void thePlacementBindsTheDriverAndEveryExecutorToAgentsWithTheAttributes() {
        ObjectNode placement = JSON.createObjectNode().put("maxExecutorsPerAgent", 1);
        placement.putObject("agentAttributes").put("zone", "a").put("disk", "ssd");
        Resource placed = resource(placement);
        List<PodSpec.RequiredAttribute> required = List.of(new PodSpec.RequiredAttribute("zone", "a"),
                new PodSpec.RequiredAttribute("disk", "ssd"));

        ReconcileResult first = kind.reconcile(placed, new Reconciler.Observed(List.of(), null, Set.of()), NOW);
        PodSpec driverPod = first.launches().get(0);
        assertThat(driverPod.requiredAttributes()).isEqualTo(required);
        launch(driverPod, "a1");
        status = kind.reconcile(placed, new Reconciler.Observed(List.copyOf(tasks), first.status(), Set.of()), NOW).status();
        status = kind.call(placed, status, new KindCall("PUT", List.of("runs/0/attempts/1/executors".split("/")), wish(2)),
                NOW).status();
        List<PodSpec> executors = kind.reconcile(placed, new Reconciler.Observed(List.copyOf(tasks), status, Set.of()), NOW)
                .launches();
        assertThat(executors).hasSize(2).allSatisfy(e -> {
            assertThat(e.requiredAttributes()).isEqualTo(required);
            assertThat(e.maxPerAgent()).isEqualTo(1);
        });

        // without a placement: any agent, executors spread by their group only
        assertThat(kind.reconcile(resource(), new Reconciler.Observed(List.of(), null, Set.of()), NOW).launches().get(0)
                .requiredAttributes()).isEmpty();
    }

    @Test
    void replacementsStopAtTheFailureLimit() {
        TaskRecord driver = launch(reconcile().launches().get(0), "a1");
        reconcile();
        call("PUT", "runs/0/attempts/1/executors", wish(1));
        // max(3, 2 x 2 instances) = 4 failures, then no more executors
        for (int i = 0; i < 4; i++) {
            List<PodSpec> launches = reconcile().launches();
            assertThat(launches).hasSize(1);
            end(launch(launches.get(0), "a2"), "TASK_FAILED", "Command exited with status 1");
        }
        assertThat(reconcile().launches()).isEmpty();
        JsonNode set = status.workload().path("runs").get(0).path("executorSet");
        assertThat(set.path("blocked").asText()).contains("4 executors failed");
        assertThat(call("GET", "runs/0/attempts/1/executors", null).body().path("executors").get(0).path("exitCode").asInt())
                .isEqualTo(1);
        assertThat(driver.terminal()).isFalse();
    }

    @Test
    void anExecutorOnAnUnreachableAgentIsLostAndReplacedElsewhere() {
        launch(reconcile().launches().get(0), "a1");
        reconcile();
        call("PUT", "runs/0/attempts/1/executors", wish(1));
        TaskRecord cutOff = launch(reconcile().launches().get(0), "a2");
        reconcile();
        tasks.removeIf(t -> t.taskId().equals(cutOff.taskId()));
        tasks.add(cutOff.withUpdate("TASK_UNREACHABLE", null, null, null, null, null, NOW.toString()));
        ReconcileResult result = reconcile();
        assertThat(result.launches()).extracting(PodSpec::instance).containsExactly(SparkExecutors.instance(0, 2));
        assertThat(result.kills()).extracting(ReconcileResult.Kill::taskId).containsExactly(cutOff.taskId());
        KindCall.Answer get = call("GET", "runs/0/attempts/1/executors", null);
        assertThat(get.body().path("executors").get(0).path("state").asText()).isEqualTo("LOST");
        assertThat(get.body().path("executors").get(1).path("state").asText()).isEqualTo("PENDING");
    }
}
