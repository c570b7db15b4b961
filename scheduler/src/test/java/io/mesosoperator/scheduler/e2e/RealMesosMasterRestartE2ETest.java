package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mesosoperator.local.RequiresRealMesos;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The only master of a real Mesos crashes (SIGKILL) and starts again on the same port and work
 * directory (its replicated log keeps the registry): the operator finds it again through
 * ZooKeeper, re-subscribes with the same FrameworkID within the failover timeout and reconciles;
 * the agents re-register with their tasks; no task is lost, relaunched or duplicated, and the
 * operator still acts through the restarted master. Real Mesos only: mesos-local's masters fail
 * over to a standby (MasterFailoverE2ETest) and cannot restart in place.
 */
@RequiresRealMesos
class RealMesosMasterRestartE2ETest extends EmbeddedOperatorTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Override
    EmbeddedOperator.Options options() {
        return super.options().onRealMesos();
    }

    static String spec(int instances) {
        return Specs.service("steady", instances, "sleep 600");
    }

    private JsonNode status() {
        return env.get("/v1/resources/Service/steady").body().path("status");
    }

    @Test
    void operatorFollowsTheRestartedMasterWithoutLosingOrDuplicatingTasks() throws Exception {
        env.post("/v1/resources", "application/yaml", spec(2));
        await().atMost(WAIT).until(() -> status().path("readyReplicas").asInt() == 2);
        Map<String, ProcessHandle> before = env.tasks("Service/steady").stream().collect(Collectors.toMap(
                t -> t.path("taskId").asText(), env::awaitTaskProcess));
        String frameworkId = env.masterState().path("frameworks").get(0).path("id").asText();

        env.realMesos().killMaster();
        long killed = System.nanoTime();
        // nothing below the master notices: the tasks run on
        assertThat(before.values()).allMatch(ProcessHandle::isAlive);
        env.realMesos().startMaster();

        // the restarted master learns the tasks from the re-registering agents and the framework
        // from the operator's re-subscription, with the id it had (refused connections while it starts)
        await().atMost(WAIT).ignoreExceptionsInstanceOf(IllegalStateException.class).untilAsserted(() -> {
            JsonNode frameworks = env.masterState().path("frameworks");
            assertThat(frameworks).hasSize(1);
            assertThat(frameworks.get(0).path("id").asText()).isEqualTo(frameworkId);
            assertThat(frameworks.get(0).path("connected").asBoolean()).isTrue();
            assertThat(env.mesosRunningTasks()).containsExactlyInAnyOrderElementsOf(before.keySet());
        });
        System.out.printf("master restart: %d ms from SIGKILL to the operator subscribed again with its tasks%n",
                (System.nanoTime() - killed) / 1_000_000);
        assertThat(env.admin("/healthcheck")).contains("leader, subscribed");
        // the same tasks, the same processes: nothing was relaunched
        assertThat(env.tasks("Service/steady")).extracting(t -> t.path("taskId").asText())
                .containsExactlyInAnyOrderElementsOf(before.keySet());
        assertThat(before.values()).allMatch(ProcessHandle::isAlive);
        assertThat(status().path("readyReplicas").asInt()).isEqualTo(2);
        assertThat(status().path("instances")).allSatisfy(i -> assertThat(i.path("restarts").asInt()).isZero());

        // and it acts through the restarted master: offers, a launch
        env.post("/v1/resources", "application/yaml", spec(3));
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(status().path("readyReplicas").asInt()).isEqualTo(3);
            assertThat(env.mesosRunningTasks()).hasSize(3).containsAll(before.keySet());
        });
        assertThat(env.tasks("Service/steady")).hasSize(3);
        assertThat(env.masterState().path("frameworks").get(0).path("id").asText()).isEqualTo(frameworkId);
    }
}
