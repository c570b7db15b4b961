package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mesosoperator.local.LocalAgent;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults below the operator: a crashed executor, a lost status update, an agent process restart
 * while its executors keep running. Each ends with every instance running exactly once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentAndExecutorFaultsE2ETest extends EmbeddedOperatorTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SPEC = Specs.service("sturdy", 3, "sleep 600");

    private JsonNode task(int instance) {
        return env.tasks("Service/sturdy").stream().filter(t -> t.path("instance").asInt() == instance).findFirst()
                .orElse(EmbeddedOperator.JSON.createObjectNode()); // none while the instance waits to relaunch
    }

    private LocalAgent agentOf(JsonNode task) {
        return env.cluster().agents().stream().filter(a -> a.id().equals(task.path("agentId").asText())).findFirst().orElseThrow();
    }

    private Set<String> taskIds() {
        return env.tasks("Service/sturdy").stream().map(t -> t.path("taskId").asText()).collect(Collectors.toSet());
    }

    private void awaitThreeExactlyOnce() {
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(env.get("/v1/resources/Service/sturdy").body().path("status").path("readyReplicas").asInt()).isEqualTo(3);
            assertThat(env.mesosRunningTasks()).hasSize(3).containsExactlyInAnyOrderElementsOf(taskIds());
        });
    }

    @Test
    @Order(1)
    void crashedExecutorsTaskIsReportedAndRelaunched() {
        env.post("/v1/resources", "application/yaml", SPEC);
        awaitThreeExactlyOnce();
        JsonNode victim = task(0);
        String sandbox = env.sandbox(victim);
        assertThat(agentOf(victim).crashExecutorOf(victim.path("taskId").asText())).isTrue();
        long crashed = System.nanoTime();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> !task(0).path("taskId").asText()
                .equals(victim.path("taskId").asText()) && task(0).path("state").asText().equals("TASK_RUNNING"));
        System.out.printf("repair time, executor kill -9 -> replacement RUNNING: %d ms (includes the 1 s first backoff)%n",
                (System.nanoTime() - crashed) / 1_000_000);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(task(0).path("taskId").asText()).isNotEqualTo(victim.path("taskId").asText());
            JsonNode instance = env.get("/v1/resources/Service/sturdy").body().path("status").path("instances").get(0);
            assertThat(instance.path("lastExit").asText()).isEqualTo("TASK_FAILED: Executor terminated");
        });
        // the executor's process group went with it: nothing of the old task is left
        assertThat(EmbeddedOperator.processesIn(sandbox)).isEmpty();
        awaitThreeExactlyOnce();
    }

    @Test
    @Order(2)
    void aLostStatusUpdateIsRetriedUntilAcknowledged() {
        JsonNode victim = task(1);
        LocalAgent agent = agentOf(victim);
        agent.dropStatusUpdates(1); // the TASK_FAILED of the kill below is lost once
        EmbeddedOperator.taskProcess(env.sandbox(victim)).orElseThrow().destroyForcibly();
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(task(1).path("taskId").asText()).isNotEqualTo(victim.path("taskId").asText()));
        awaitThreeExactlyOnce();
    }

    @Test
    @Order(3)
    void agentRestartKeepsItsTasks() throws Exception {
        Set<String> before = taskIds();
        JsonNode onAgent = task(2);
        LocalAgent agent = agentOf(onAgent);
        agent.restart(Duration.ofSeconds(2));
        // executors re-subscribed: a kill still reaches its task through the restarted agent
        await().atMost(WAIT).untilAsserted(() -> assertThat(taskIds()).isEqualTo(before));
        awaitThreeExactlyOnce();
        EmbeddedOperator.taskProcess(env.sandbox(onAgent)).orElseThrow().destroyForcibly();
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(task(2).path("taskId").asText()).isNotEqualTo(onAgent.path("taskId").asText()));
        awaitThreeExactlyOnce();
    }
}
