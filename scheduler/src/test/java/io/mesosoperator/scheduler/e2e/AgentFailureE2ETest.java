package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mesosoperator.local.LocalAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Agents that are cut off or die: their tasks go TASK_UNREACHABLE, instances are replaced on other
 * agents after the configured delay, and a healed agent's stale copy is killed, so each instance
 * runs exactly once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentFailureE2ETest extends EmbeddedOperatorTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Override
    EmbeddedOperator.Options options() {
        return EmbeddedOperator.Options.defaults()
                .agentUnreachableAfter(Duration.ofSeconds(1))
                .config("reconcile.replaceUnreachableAfterSeconds", 2);
    }

    private static final String SPEC = Specs.service("spread", 3, "sleep 600", "killGracePeriodSeconds: 1");

    private JsonNode task(int instance) {
        return env.tasks("Service/spread").stream().filter(t -> t.path("instance").asInt() == instance)
                .filter(t -> !t.path("state").asText().equals("TASK_UNREACHABLE")).findFirst().orElse(null);
    }

    private LocalAgent agent(String id) {
        return env.cluster().agents().stream().filter(a -> a.id().equals(id)).findFirst().orElseThrow();
    }

    private void awaitThreeRunningExactlyOnce() {
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode status = env.get("/v1/resources/Service/spread").body().path("status");
            assertThat(status.path("readyReplicas").asInt()).isEqualTo(3);
            assertThat(env.mesosRunningTasks()).hasSize(3);
        });
    }

    @Test
    @Order(1)
    void partitionedAgentIsReplacedAndItsStaleCopyKilledWhenItHeals() {
        env.post("/v1/resources", "application/yaml", SPEC);
        awaitThreeRunningExactlyOnce();
        JsonNode before = task(0);
        LocalAgent agent = agent(before.path("agentId").asText());

        agent.partition();
        await().atMost(WAIT).untilAsserted(() -> assertThat(env.tasks("Service/spread"))
                .anySatisfy(t -> {
                    assertThat(t.path("taskId").asText()).isEqualTo(before.path("taskId").asText());
                    assertThat(t.path("state").asText()).isEqualTo("TASK_UNREACHABLE");
                }));
        // replaced on another agent after the delay
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode replacement = task(0);
            assertThat(replacement).isNotNull();
            assertThat(replacement.path("taskId").asText()).isNotEqualTo(before.path("taskId").asText());
            assertThat(replacement.path("agentId").asText()).isNotEqualTo(agent.id());
            assertThat(replacement.path("state").asText()).isEqualTo("TASK_RUNNING");
        });
        // the old copy was never told anything: it still runs behind the partition
        String sandbox = env.sandbox(before);
        assertThat(EmbeddedOperator.processesIn(sandbox)).isNotEmpty();

        agent.heal();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(EmbeddedOperator.processesIn(sandbox)).isEmpty();
            assertThat(env.tasks("Service/spread")).extracting(t -> t.path("taskId").asText())
                    .doesNotContain(before.path("taskId").asText());
        });
        awaitThreeRunningExactlyOnce();
    }

    @Test
    @Order(2)
    void deadAgentsInstancesMoveElsewhere() {
        JsonNode victim = Optional.ofNullable(task(1)).orElseThrow();
        LocalAgent agent = agent(victim.path("agentId").asText());
        String sandbox = env.sandbox(victim);
        agent.crash();
        long crashed = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(EmbeddedOperator.processesIn(sandbox)).isEmpty());

        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode replacement = task(1);
            assertThat(replacement).isNotNull();
            assertThat(replacement.path("agentId").asText()).isNotEqualTo(agent.id());
            JsonNode status = env.get("/v1/resources/Service/spread").body().path("status");
            assertThat(status.path("readyReplicas").asInt()).isEqualTo(3);
        });
        System.out.printf("repair time, agent crash -> replacement ready elsewhere: %d ms (1 s ping timeout +"
                + " 2 s replaceUnreachableAfter in this test)%n", (System.nanoTime() - crashed) / 1_000_000);
        List<String> running = env.mesosRunningTasks();
        assertThat(running).hasSize(3).doesNotContain(victim.path("taskId").asText());
    }
}
