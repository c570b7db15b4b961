package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A real Pekko cluster service (the sample sample-apps/ builds) run by the operator as shipped in
 * sample-specs/akka-service.yaml: 3 replicas form one cluster; a replica killed with kill -9 is
 * relaunched and rejoins the same cluster (it never lists itself first in its seeds); scaling to 4
 * adds a member, scaling to 2 removes two; after all replicas are killed at once the cluster forms
 * anew. Every replica's own view agrees at each step, and the operator exports the membership as
 * metrics (4 members Up after the scale to 4) and each running replica's JVM heap and GC time (over
 * its JMX port, which the operator's executor opens with the service's secret; the /ready health
 * check runs in that executor too), and no longer those of replicas scaled away.
 */
class AkkaServiceE2ETest extends EmbeddedOperatorTest {
    static final Path SAMPLE = Path.of("..", "sample-specs", "akka-service.yaml");
    static final String RESOURCE = "AkkaService/members";
    static final Duration START = Duration.ofMinutes(3);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @Override
    EmbeddedOperator.Options options() {
        // the workload metrics every 2 s, so the membership series follow each step quickly
        return EmbeddedOperator.Options.defaults().config("monitoring.workloadIntervalSeconds", 2);
    }

    private JsonNode status() {
        return env.get("/v1/resources/" + RESOURCE).body().path("status");
    }

    /** The membership series the operator exports for the service, by status. */
    private Map<String, Double> exportedMembers() {
        Map<String, Double> members = new TreeMap<>();
        ServiceLifecycleE2ETest.prometheus(env.admin("/metrics/prometheus")).forEach((series, value) -> {
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("mesos_operator_akka_members\\{akkaservice=\"members\",status=\"(\\w+)\"}").matcher(series);
            if (m.matches()) {
                members.put(m.group(1), value);
            }
            if (series.equals("mesos_operator_akka_unreachable_members{akkaservice=\"members\"}")) {
                members.put("unreachable", value);
            }
        });
        return members;
    }

    /** The JVM series the operator exports for the service: "heap"/"gc" -> instance -> value. */
    private Map<String, Map<Integer, Double>> exportedJvms() {
        Map<String, Map<Integer, Double>> jvms = new TreeMap<>(Map.of("heap", new TreeMap<>(), "gc", new TreeMap<>()));
        java.util.regex.Pattern jvm = java.util.regex.Pattern.compile(
                "mesos_operator_jvm_(heap_used_bytes|gc_seconds_total)\\{instance=\"(\\d+)\",kind=\"AkkaService\",resource=\"members\"}");
        ServiceLifecycleE2ETest.prometheus(env.admin("/metrics/prometheus")).forEach((series, value) -> {
            java.util.regex.Matcher m = jvm.matcher(series);
            if (m.matches()) {
                jvms.get(m.group(1).startsWith("heap") ? "heap" : "gc").put(Integer.parseInt(m.group(2)), value);
            }
        });
        return jvms;
    }

    private List<JsonNode> running() {
        return env.tasks(RESOURCE).stream().filter(t -> t.path("state").asText().equals("TASK_RUNNING")).toList();
    }

    private static String address(JsonNode task, String port) {
        return task.path("host").asText() + ":" + task.path("ports").path(port).asText();
    }

    /** One replica's view: member address -> status, plus "unreachable:<address>" entries. */
    private Map<String, String> members(JsonNode task) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address(task, "management") + "/cluster/members"))
                .timeout(Duration.ofSeconds(3)).GET().build();
        JsonNode body = EmbeddedOperator.JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
        Map<String, String> view = new TreeMap<>();
        body.path("members").forEach(m -> view.put(m.path("node").asText(), m.path("status").asText()));
        body.path("unreachable").forEach(u -> view.put("unreachable:" + u.path("node").asText(), "unreachable"));
        return view;
    }

    /**
     * Exactly {@code n} replicas run, and each of them sees the same cluster: exactly the running
     * replicas' remoting addresses, all Up, nothing unreachable.
     */
    private void oneClusterOf(int n) throws Exception {
        List<JsonNode> tasks = running();
        assertThat(tasks).hasSize(n);
        Map<String, String> expected = tasks.stream().collect(Collectors.toMap(
                t -> "pekko://sample-cluster@" + address(t, "remoting"), t -> "Up", (a, b) -> a, TreeMap::new));
        for (JsonNode t : tasks) {
            assertThat(members(t)).as("members seen by %s", t.path("taskId").asText()).isEqualTo(expected);
        }
        assertThat(status().path("readyReplicas").asInt()).isEqualTo(n);
    }

    @Test
    void replicasFormOneClusterRejoinItAfterAKillAndScaleUpAndDown() throws Exception {
        assertThat(env.cli("apply", "-f", SAMPLE.toString()).out()).contains("akkaservice/members created");
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            assertThat(status().path("phase").asText()).isEqualTo("Running");
            oneClusterOf(3);
        });
        JsonNode workload = status().path("workload");
        assertThat(workload.path("formed").asBoolean()).isTrue();
        assertThat(workload.path("seedNodes")).hasSize(3);
        assertThat(env.cli("plan", "akkaservice", "members").out()).contains("Phase instances (serial, COMPLETE)");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(status().path("workload").path("members")).hasSize(3));

        // kill -9 replica 1: relaunched, it joins the cluster that lives on (it is never first in its own seeds)
        JsonNode victim = running().stream().filter(t -> t.path("instance").asInt() == 1).findFirst().orElseThrow();
        ProcessHandle process = EmbeddedOperator.taskProcess(env.sandbox(victim)).orElseThrow();
        process.destroyForcibly();
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            Set<String> ids = running().stream().map(t -> t.path("taskId").asText()).collect(Collectors.toSet());
            assertThat(ids).doesNotContain(victim.path("taskId").asText());
            assertThat(running()).extracting(t -> t.path("instance").asInt()).containsExactlyInAnyOrder(0, 1, 2);
            oneClusterOf(3);
        });
        JsonNode back = running().stream().filter(t -> t.path("instance").asInt() == 1).findFirst().orElseThrow();
        assertThat(Files.readString(Path.of(env.sandbox(back), "stdout")))
                .doesNotContain("seed nodes [pekko://sample-cluster@" + address(back, "remoting"));

        // scale to 4: replica 3 joins the same cluster
        Path four = work.resolve("akka-four.yaml");
        Files.writeString(four, Files.readString(SAMPLE).replace("replicas: 3", "replicas: 4"));
        assertThat(env.cli("apply", "-f", four.toString()).out()).contains("akkaservice/members scaled");
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> oneClusterOf(4));
        // the operator exports the membership: 4 members Up, none joining or unreachable
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(exportedMembers()).containsEntry("Up", 4.0).containsEntry("Joining", 0.0)
                        .containsEntry("unreachable", 0.0));
        // and every replica's JVM: heap in use within its -Xmx (heap: 256), GC time
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, Map<Integer, Double>> jvms = exportedJvms();
            assertThat(jvms.get("heap")).as("heap used by replica").containsOnlyKeys(0, 1, 2, 3)
                    .allSatisfy((instance, bytes) -> assertThat(bytes).isPositive().isLessThanOrEqualTo(256.0 * 1024 * 1024));
            assertThat(jvms.get("gc")).as("GC seconds of replica").containsOnlyKeys(0, 1, 2, 3)
                    .allSatisfy((instance, seconds) -> assertThat(seconds).isGreaterThanOrEqualTo(0.0));
        });

        // scale to 2: replicas 2 and 3 leave gracefully; the remaining two see exactly each other
        Path two = work.resolve("akka-two.yaml");
        Files.writeString(two, Files.readString(SAMPLE).replace("replicas: 3", "replicas: 2"));
        assertThat(env.cli("apply", "-f", two.toString()).out()).contains("akkaservice/members scaled");
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            assertThat(running()).extracting(t -> t.path("instance").asInt()).containsExactlyInAnyOrder(0, 1);
            oneClusterOf(2);
            assertThat(status().path("phase").asText()).isEqualTo("Running");
        });
        // the replicas scaled away are no longer asked
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(exportedJvms().get("heap")).containsOnlyKeys(0, 1));

        // kill -9 every replica at once: nothing is left to join, so replica 0 forms the cluster anew and 1 joins it
        List<JsonNode> all = running();
        for (JsonNode t : all) {
            EmbeddedOperator.taskProcess(env.sandbox(t)).orElseThrow().destroyForcibly();
        }
        Set<String> dead = all.stream().map(t -> t.path("taskId").asText()).collect(Collectors.toSet());
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            assertThat(running()).extracting(t -> t.path("taskId").asText()).doesNotContainAnyElementsOf(dead);
            oneClusterOf(2);
        });
    }
}
