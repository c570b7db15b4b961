package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Deploy plans as a user steers them: canary, serial, pause, continue, restart, through the CLI and the API. */
class PlanE2ETest extends EmbeddedOperatorTest {

    private int apply(String yaml) throws Exception {
        Path file = Files.createTempFile(work, "spec", ".yaml");
        Files.writeString(file, yaml);
        return env.cli("apply", "-f", file.toString()).code();
    }

    private String plan(String name) {
        return env.cli("plan", "service", name).out();
    }

    private List<JsonNode> running(String name) {
        return env.tasks("Service/" + name).stream().filter(t -> t.path("state").asText().equals("TASK_RUNNING")).toList();
    }

    private JsonNode status(String name) {
        return env.get("/v1/resources/Service/" + name).body().path("status");
    }

    @Test
    void canaryWaitsForContinueAndTheDecisionSurvivesAnOperatorRestart() throws Exception {
        assertThat(apply(Specs.service("canary", 3, "sleep 600", "strategy: canary"))).isZero();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(plan("canary"))
                .contains("Plan deploy (WAITING)", "Phase instances (canary, WAITING)")
                .containsPattern("canary-0\\s+COMPLETE")
                .containsPattern("canary-1\\s+WAITING\\s+not launched yet\\s+canary: canary-0 runs the new configuration; "
                        + "check it, then plan continue deploys the rest"));
        assertThat(running("canary")).hasSize(1);
        assertThat(status("canary").path("conditions").toString()).contains("CanaryWaiting");

        // the wait is kept in ZooKeeper: a restarted operator does not deploy the rest on its own
        env.stopOperator();
        env.startOperator();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20))
                .until(() -> running("canary").size() == 1 && plan("canary").contains("canary-2  "));
        assertThat(plan("canary")).containsPattern("canary-2\\s+WAITING");

        assertThat(env.cli("plan", "continue", "service", "canary").out()).contains("service/canary plan continued");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(plan("canary"))
                .contains("Plan deploy (COMPLETE)"));
        assertThat(running("canary")).hasSize(3);

        // a new configuration: only the canary instance is replaced, the others wait with the old one
        Set<String> before = ids(running("canary"));
        assertThat(apply(Specs.service("canary", 3, "sleep 601", "strategy: canary"))).isZero();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(plan("canary"))
                .containsPattern("canary-0\\s+COMPLETE")
                .containsPattern("canary-1\\s+WAITING\\s+task \\S+ runs an older configuration\\s+canary: canary-0"));
        assertThat(ids(running("canary"))).hasSize(3).containsAll(before.stream()
                .filter(id -> !id.startsWith("canary-0.")).toList());
        assertThat(status("canary").path("phase").asText()).isEqualTo("Updating");

        assertThat(env.cli("plan", "continue", "service", "canary").code()).isZero();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(plan("canary")).contains("Plan deploy (COMPLETE)");
            assertThat(ids(running("canary"))).hasSize(3).doesNotContainAnyElementsOf(before);
        });
        assertThat(env.cli("delete", "service", "canary").code()).isZero();
    }

    @Test
    void pausedPlanHoldsNewInstancesAndPlanRestartRedeploysEveryInstance() throws Exception {
        assertThat(apply(Specs.service("steady", 2, "sleep 600"))).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> running("steady").size() == 2);

        assertThat(env.cli("plan", "pause", "service", "steady").out()).contains("service/steady plan paused");
        assertThat(apply(Specs.service("steady", 3, "sleep 600"))).isZero();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(plan("steady"))
                .contains("paused by the user")
                .containsPattern("steady-2\\s+WAITING\\s+not launched yet\\s+paused by the user \\(plan continue resumes it\\)"));
        assertThat(status("steady").path("conditions").toString()).contains("PlanPaused");
        assertThat(running("steady")).hasSize(2);

        assertThat(env.cli("plan", "continue", "service", "steady").code()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> running("steady").size() == 3);

        Set<String> before = ids(running("steady"));
        assertThat(env.cli("plan", "restart", "service", "steady").out()).contains("service/steady plan restarted");
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(ids(running("steady"))).hasSize(3).doesNotContainAnyElementsOf(before);
            assertThat(plan("steady")).contains("Plan deploy (COMPLETE)");
        });
        // the API refuses an action it does not know, naming the ones it does
        EmbeddedOperator.Reply unknown = env.post("/v1/resources/Service/steady/plan/resume", "application/json", "");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().toString()).contains("unknown plan action 'resume' (known: pause, continue, restart)");
        assertThat(env.cli("delete", "service", "steady").code()).isZero();
    }

    @Test
    void aFailingReadinessCheckHoldsASerialPlanAndSaysSo() throws Exception {
        assertThat(apply(Specs.service("unready", 2, "sleep 600", "strategy: serial",
                "healthCheck: {type: command, command: 'exit 1', intervalSeconds: 0.5, gracePeriodSeconds: 600,"
                        + " consecutiveFailures: 1000}"))).isZero();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(plan("unready"))
                .containsPattern("unready-0\\s+STARTED\\s+task \\S+ runs\\s+waiting for readiness \\(health check\\)")
                .containsPattern("unready-1\\s+PENDING\\s+not launched yet\\s+serial: waits for unready-0 to be ready"));
        assertThat(env.tasks("Service/unready")).hasSize(1);
        assertThat(env.cli("delete", "service", "unready").code()).isZero();
    }

    private static Set<String> ids(List<JsonNode> tasks) {
        return tasks.stream().map(t -> t.path("taskId").asText()).collect(Collectors.toSet());
    }
}
