package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesosoperator.local.EmbeddedZooKeeperEnsemble;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A three-server ZooKeeper ensemble under the operator and the masters: one server dies and the
 * operator keeps acting; the whole ensemble restarts and the operator recovers without losing a
 * spec generation, its history or a task.
 */
class ZooKeeperFailureE2ETest extends EmbeddedOperatorTest {
    @Override
    EmbeddedOperator.Options options() {
        return EmbeddedOperator.Options.defaults().zkServers(3);
    }

    static String spec(int instances) {
        return Specs.service("keeper", instances, "sleep 600");
    }

    private int ready() {
        return env.get("/v1/resources/Service/keeper").body().path("status").path("readyReplicas").asInt();
    }

    private Set<String> taskIds() {
        return env.tasks("Service/keeper").stream().map(t -> t.path("taskId").asText()).collect(Collectors.toSet());
    }

    @Test
    void survivesLosingOneServerAndARestartOfTheWholeEnsemble() throws Exception {
        EmbeddedZooKeeperEnsemble zk = env.cluster().ensemble();
        env.post("/v1/resources", "application/yaml", spec(2));
        await().atMost(Duration.ofSeconds(60)).until(() -> ready() == 2);

        zk.stopServer(0);
        // the operator's connection may have been to that server: leadership pauses for a moment (503)
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> env.post("/v1/resources", "application/yaml", spec(3)).status() == 200);
        await().atMost(Duration.ofSeconds(60)).until(() -> ready() == 3);
        zk.startServer(0);
        Set<String> before = taskIds();

        zk.restartAll();
        // writes are refused while the operator has no ZooKeeper; it acts again once it has
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> env.post("/v1/resources", "application/yaml", spec(3)).status() == 200);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(taskIds()).isEqualTo(before);
            assertThat(env.mesosRunningTasks()).containsExactlyInAnyOrderElementsOf(before);
            assertThat(ready()).isEqualTo(3);
        });
        assertThat(env.get("/v1/resources/Service/keeper").body().path("metadata").path("generation").asLong()).isEqualTo(2);
        assertThat(env.get("/v1/resources/Service/keeper/history").body().path("items")).hasSize(2);
    }
}
