package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Agents that are cut off or die: their tasks go TASK_UNREACHABLE, instances are replaced on other
 * agents after the configured delay, and a healed agent's stale copy is killed, so each instance
 * runs exactly once. On a real Mesos (RealMesosAgentFailureE2ETest) the cut-off agent is a killed
 * agent process whose tasks run on, healed by starting it again, and the dead one unregisters.
 * Each test starts its own Service; the agent one test removes stays gone (two are enough for three
 * instances).
 */
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

    private void awaitThreeRunningExactlyOnce() {
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode status = env.get("/v1/resources/Service/spread").body().path("status");
            assertThat(status.path("readyReplicas").asInt()).isEqualTo(3);
            assertThat(env.mesosRunningTasks()).hasSize(3);
        });
    }

    /** The Service of three instances, running; deleted after the test. */
    private void threeRunning() {
        applyOwned(SPEC);
        awaitThreeRunningExactlyOnce();
    }

    @Test
    void partitionedAgentIsReplacedAndItsStaleCopyKilledWhenItHeals() throws Exception {
        threeRunning();
        JsonNode before = task(0);
        String agent = before.path("agentId").asText();
        String sandbox = env.sandbox(before);

        env.cutOffAgent(agent);
        try {
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
                assertThat(replacement.path("agentId").asText()).isNotEqualTo(agent);
                assertThat(replacement.path("state").asText()).isEqualTo("TASK_RUNNING");
            });
            // the old copy was never told anything: it still runs behind the partition
            assertThat(EmbeddedOperator.processesIn(sandbox)).isNotEmpty();
        } finally {
            env.reconnectAgent(agent); // healed even when the test fails, so the next one has the agent
        }
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(EmbeddedOperator.processesIn(sandbox)).isEmpty();
            assertThat(env.tasks("Service/spread")).extracting(t -> t.path("taskId").asText())
                    .doesNotContain(before.path("taskId").asText());
        });
        awaitThreeRunningExactlyOnce();
    }

    @Test
    void deadAgentsInstancesMoveElsewhere() throws Exception {
        threeRunning();
        JsonNode victim = Optional.ofNullable(task(1)).orElseThrow();
        String agent = victim.path("agentId").asText();
        String sandbox = env.sandbox(victim);
        env.removeAgent(agent);
        long crashed = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(EmbeddedOperator.processesIn(sandbox)).isEmpty());

        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode replacement = task(1);
            assertThat(replacement).isNotNull();
            assertThat(replacement.path("agentId").asText()).isNotEqualTo(agent);
            JsonNode status = env.get("/v1/resources/Service/spread").body().path("status");
            assertThat(status.path("readyReplicas").asInt()).isEqualTo(3);
        });
        System.out.printf("repair time, agent gone -> replacement ready elsewhere: %d ms (%s)%n",
                (System.nanoTime() - crashed) / 1_000_000, env.onRealMesos()
                        ? "the real agent unregistered: its tasks were LOST at once"
                        : "mesos-local's crashed agent: 1 s ping timeout + 2 s replaceUnreachableAfter in this test");
        List<String> running = env.mesosRunningTasks();
        assertThat(running).hasSize(3).doesNotContain(victim.path("taskId").asText());
    }
}
