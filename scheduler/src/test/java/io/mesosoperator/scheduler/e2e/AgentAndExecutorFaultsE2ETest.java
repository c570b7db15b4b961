package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Faults below the operator: a crashed executor, a lost status update, an agent process restart
 * while its executors keep running. Each starts its own Service and ends with every instance running
 * exactly once.
 */
class AgentAndExecutorFaultsE2ETest extends EmbeddedOperatorTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SPEC = Specs.service("sturdy", 3, "sleep 600");

    private JsonNode task(int instance) {
        return env.tasks("Service/sturdy").stream().filter(t -> t.path("instance").asInt() == instance).findFirst()
                .orElse(EmbeddedOperator.JSON.createObjectNode()); // none while the instance waits to relaunch
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

    /** The Service of three instances, running; deleted after the test. */
    private void threeRunning() {
        applyOwned(SPEC);
        awaitThreeExactlyOnce();
    }

    @Test
    void crashedExecutorsTaskIsReportedAndRelaunched() {
        threeRunning();
        JsonNode victim = task(0);
        String sandbox = env.sandbox(victim);
        assertThat(env.crashExecutorOf(victim)).isTrue();
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
        List<ProcessHandle> left = EmbeddedOperator.processesIn(sandbox);
        if (env.onRealMesos()) {
            // A real agent with the posix launcher (what agents without cgroups use, as here) destroys a
            // container by killing its executor's process tree, group and session; with that pid dead
            // already, the command executor's task (in a session of its own) is out of its reach and
            // runs on orphaned, unseen by Mesos and so by the operator. The linux launcher's freezer
            // cgroup would catch it; mesos-local kills it as that does. The executor itself is gone.
            assertThat(left).allSatisfy(p -> {
                assertThat(p.info().commandLine().orElse("")).doesNotContain("mesos-executor");
                assertThat(p.parent().flatMap(parent -> parent.info().commandLine()).orElse(""))
                        .doesNotContain("mesos-executor");
            });
            left.forEach(ProcessHandle::destroyForcibly);
        } else {
            // the executor's process group went with it: nothing of the old task is left
            assertThat(left).isEmpty();
        }
        awaitThreeExactlyOnce();
    }

    @Test
    void aLostStatusUpdateIsRetriedUntilAcknowledged() {
        // losing an update on its way is fault injection only mesos-local has
        Assumptions.assumeFalse(env.onRealMesos(), "a real agent cannot be made to lose a status update");
        threeRunning();
        JsonNode victim = task(1);
        env.cluster().agents().stream().filter(a -> a.id().equals(victim.path("agentId").asText())).findFirst().orElseThrow()
                .dropStatusUpdates(1); // the TASK_FAILED of the kill below is lost once
        EmbeddedOperator.crash(env.awaitTaskProcess(victim));
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(task(1).path("taskId").asText()).isNotEqualTo(victim.path("taskId").asText()));
        awaitThreeExactlyOnce();
    }

    @Test
    void agentRestartKeepsItsTasks() throws Exception {
        threeRunning();
        Set<String> before = taskIds();
        JsonNode onAgent = task(2);
        ProcessHandle process = env.awaitTaskProcess(onAgent);
        String agentId = onAgent.path("agentId").asText();
        env.restartAgent(agentId);
        // the agent is back (registered and active again), with the same tasks and processes: nothing
        // relaunched or duplicated
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(env.masterState().path("slaves")).anySatisfy(a -> {
                assertThat(a.path("id").asText()).isEqualTo(agentId);
                assertThat(a.path("active").asBoolean()).isTrue();
            });
            assertThat(taskIds()).isEqualTo(before);
        });
        awaitThreeExactlyOnce();
        assertThat(process.isAlive()).isTrue();
        assertThat(EmbeddedOperator.taskProcess(env.sandbox(onAgent))).contains(process);
        assertThat(env.get("/v1/resources/Service/sturdy").body().path("status").path("instances").get(2)
                .path("restarts").asInt()).isZero();
        // executors re-subscribed: a task's end still reaches the operator through the restarted agent
        EmbeddedOperator.crash(process);
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(task(2).path("taskId").asText()).isNotEqualTo(onAgent.path("taskId").asText()));
        awaitThreeExactlyOnce();
    }
}
