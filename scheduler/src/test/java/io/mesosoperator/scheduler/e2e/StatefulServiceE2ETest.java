package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Instances with a persistent volume: RESERVE + CREATE + LAUNCH on first start, relaunch onto
 * the same agent and the same data after a crash, DESTROY + UNRESERVE when the instance is gone.
 */
class StatefulServiceE2ETest extends EmbeddedOperatorTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Override
    EmbeddedOperator.Options options() {
        return EmbeddedOperator.Options.defaults().config("mesos.role", "mesos-operator");
    }

    static String spec(int instances) {
        return Specs.service("store", instances, "echo \"$MESOS_TASK_ID\" >> data/history; exec sleep 600",
                "volume: {sizeMb: 64, containerPath: data}", "killGracePeriodSeconds: 1");
    }

    private JsonNode instance(int i) {
        return env.tasks("Service/store").stream().filter(t -> t.path("instance").asInt() == i)
                .filter(t -> t.path("state").asText().equals("TASK_RUNNING")).findFirst().orElse(null);
    }

    private Path volumeOf(JsonNode task) throws Exception {
        return Path.of(env.sandbox(task), "data").toRealPath();
    }

    private void awaitReady(int n) {
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(env.get("/v1/resources/Service/store").body().path("status").path("readyReplicas").asInt()).isEqualTo(n);
            assertThat(env.mesosRunningTasks()).hasSize(n);
        });
    }

    @Test
    void volumesFollowTheirInstanceAndAreDestroyedWithIt() throws Exception {
        assertThat(env.post("/v1/resources", "application/yaml", spec(2)).status()).isEqualTo(201);
        awaitReady(2);
        JsonNode first = instance(0);
        Path volume0 = volumeOf(first);
        Path volume1 = volumeOf(instance(1));
        assertThat(volume0.toString()).contains("/volumes/roles/mesos-operator/store-0-");
        // RUNNING comes as the command starts, a moment before its echo reaches the file
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(volume0.resolve("history")).content().isEqualTo(first.path("taskId").asText() + "\n"));
        // the master accounts the reservation for the role
        assertThat(env.masterState().path("slaves")).anySatisfy(agent -> {
            JsonNode reserved = agent.path("reserved_resources").path("mesos-operator");
            assertThat(reserved.path("cpus").asDouble()).isEqualTo(0.1);
            assertThat(reserved.path("disk").asDouble()).isEqualTo(64);
        });

        // a crash: relaunched on the same agent, onto the same volume, with its data
        EmbeddedOperator.taskProcess(env.sandbox(first)).orElseThrow().destroyForcibly();
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode again = instance(0);
            assertThat(again).isNotNull();
            assertThat(again.path("taskId").asText()).isNotEqualTo(first.path("taskId").asText());
            assertThat(again.path("agentId").asText()).isEqualTo(first.path("agentId").asText());
            assertThat(volumeOf(again)).isEqualTo(volume0);
            assertThat(Files.readAllLines(volume0.resolve("history")))
                    .containsExactly(first.path("taskId").asText(), again.path("taskId").asText());
        });

        // restart in place: a new task on the same agent and volume, not counted as a failure
        JsonNode beforeRestart = instance(0);
        JsonNode restarted = env.post("/v1/resources/Service/store/restart?instance=0", "application/json", "").body();
        assertThat(restarted.path("tasksKilled").asInt()).isEqualTo(1);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode again = instance(0);
            assertThat(again).isNotNull();
            assertThat(again.path("taskId").asText()).isNotEqualTo(beforeRestart.path("taskId").asText());
            assertThat(volumeOf(again)).isEqualTo(volume0);
            assertThat(Files.readAllLines(volume0.resolve("history"))).hasSize(3);
        });
        assertThat(env.get("/v1/resources/Service/store").body().path("status").path("instances").get(0)
                .path("consecutiveFailures").asInt()).isEqualTo(1); // the crash above, not the restart

        // replace: a fresh volume; the old one is destroyed
        env.post("/v1/resources/Service/store/replace?instance=1", "application/json", "");
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode fresh = instance(1);
            assertThat(fresh).isNotNull();
            assertThat(volumeOf(fresh)).isNotEqualTo(volume1);
            assertThat(volume1).doesNotExist();
        });
        Path volume1Now = volumeOf(instance(1));
        assertThat(env.post("/v1/resources/Service/store/replace", "application/json", "").status()).isEqualTo(422);
        // what each instance reserved with its volume cannot be resized in place: refused, named
        EmbeddedOperator.Reply resized = env.post("/v1/resources", "application/yaml",
                spec(2).replace("sizeMb: 64", "sizeMb: 128").replace("mem: 32", "mem: 48"));
        assertThat(resized.status()).isEqualTo(422);
        assertThat(resized.body().path("errors")).extracting(e -> e.path("path").asText())
                .containsExactlyInAnyOrder("spec.mem", "spec.volume.sizeMb");
        assertThat(resized.body().path("errors").get(0).path("message").asText())
                .contains("each instance reserved its cpus, mem and volume at its first start");

        // scale down: instance 1 is gone for good, its volume destroyed and its resources unreserved
        env.post("/v1/resources", "application/yaml", spec(1));
        awaitReady(1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(volume1Now).doesNotExist());
        assertThat(volume0).exists();

        env.delete("/v1/resources/Service/store");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(volume0).doesNotExist();
            assertThat(env.masterState().path("slaves"))
                    .allSatisfy(agent -> assertThat(agent.path("reserved_resources").has("mesos-operator")).isFalse());
        });
        List<String> events = env.tasks("Service/store").stream().map(JsonNode::toString).toList();
        assertThat(events).isEmpty();
    }
}
