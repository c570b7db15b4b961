package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Two masters in ZooKeeper; the operator finds the leader through zk://. The leader dies: the
 * standby takes over, agents re-register with their tasks, the operator follows the new leader
 * with the same FrameworkID, and no task is lost or duplicated.
 */
class MasterFailoverE2ETest extends EmbeddedOperatorTest {
    @Override
    EmbeddedOperator.Options options() {
        return EmbeddedOperator.Options.defaults().masters(2);
    }

    static String spec(int instances) {
        return Specs.service("steady", instances, "sleep 600");
    }

    private JsonNode status() {
        return env.get("/v1/resources/Service/steady").body().path("status");
    }

    @Test
    void operatorFollowsTheNewLeaderWithoutLosingOrDuplicatingTasks() throws Exception {
        String firstLeader = env.cluster().masterUrl();
        env.post("/v1/resources", "application/yaml", spec(2));
        await().atMost(Duration.ofSeconds(60)).until(() -> status().path("readyReplicas").asInt() == 2);
        Set<String> before = taskIds();
        String frameworkId = env.masterState().path("frameworks").get(0).path("id").asText();

        env.cluster().crashLeadingMaster();
        String newLeader = env.cluster().masterUrl();
        assertThat(newLeader).isNotEqualTo(firstLeader);

        // the new leader learns the tasks from the agents and the framework from its re-subscription
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode frameworks = env.masterState().path("frameworks");
            assertThat(frameworks).hasSize(1);
            assertThat(frameworks.get(0).path("id").asText()).isEqualTo(frameworkId);
            assertThat(frameworks.get(0).path("connected").asBoolean()).isTrue();
            assertThat(env.mesosRunningTasks()).containsExactlyInAnyOrderElementsOf(before);
        });
        assertThat(taskIds()).isEqualTo(before);
        assertThat(status().path("readyReplicas").asInt()).isEqualTo(2);

        // and the operator acts through the new leader: offers, launches
        env.post("/v1/resources", "application/yaml", spec(3));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(status().path("readyReplicas").asInt()).isEqualTo(3);
            assertThat(env.mesosRunningTasks()).hasSize(3).containsAll(before);
        });
        assertThat(env.get("/v1/resources/Service/steady").body().path("metadata").path("generation").asLong()).isEqualTo(2);
    }

    private Set<String> taskIds() {
        return env.tasks("Service/steady").stream().map(t -> t.path("taskId").asText()).collect(Collectors.toSet());
    }
}
