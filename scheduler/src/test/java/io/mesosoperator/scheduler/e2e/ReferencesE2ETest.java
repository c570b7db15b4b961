package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * References between resources on the embedded cluster with real processes: Service b takes the
 * endpoints of Service a's http port into its environment. Applied first, b waits and its plan
 * names the reference; once a is Ready, b launches with a's address in $A_URL; when a is scaled
 * and its endpoints change, b rolls to the new value.
 */
class ReferencesE2ETest extends EmbeddedOperatorTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static String a(int instances) {
        return Specs.service("a", instances, "while true; do sleep 1; done", "cpus: 0.1", "ports: [{name: http}]");
    }

    private static String b() {
        return Specs.service("b", 1, "echo \"A_URL=$A_URL\"; while true; do sleep 1; done", "cpus: 0.1",
                "killGracePeriodSeconds: 1", "env:", "  A_URL: {valueFrom: {resource: Service/a, field: endpoints.http}}");
    }

    private JsonNode status(String resource) {
        return env.get("/v1/resources/" + resource).body().path("status");
    }

    /** "host:port" of a's http port, of each of its ready instances in order, as its status shows them. */
    private String endpointsOfA() {
        List<String> out = new ArrayList<>();
        for (JsonNode i : status("Service/a").path("instances")) {
            if (i.path("ready").asBoolean()) {
                out.add(i.path("host").asText() + ":" + i.path("ports").path("http").asInt());
            }
        }
        return String.join(",", out);
    }

    /** What b's running instance printed, read through the logs API. */
    private String stdoutOfB() {
        EmbeddedOperator.Reply logs = env.get("/v1/resources/Service/b/logs?instance=0");
        return logs.status() == 200 ? logs.body().path("data").asText() : "";
    }

    @Test
    void aDependentWaitsForItsReferenceThenLaunchesWithItsValueAndRollsWhenItChanges() {
        assertThat(applyOwned(b()).status()).isEqualTo(201);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode step = env.get("/v1/resources/Service/b/plan").body().path("phases").get(0).path("steps").get(0);
            assertThat(step.path("status").asText()).isEqualTo("WAITING");
            assertThat(step.path("blocker").asText()).isEqualTo("waits for Service/a, which does not exist yet"
                    + " (spec.env.A_URL takes its endpoints.http)");
        });
        assertThat(env.tasks("Service/b")).isEmpty();
        assertThat(status("Service/b").path("conditions").get(1).path("reason").asText()).isEqualTo("WaitingForReference");

        assertThat(applyOwned(a(1)).status()).isEqualTo(201);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(status("Service/a").path("readyReplicas").asInt()).isEqualTo(1);
            assertThat(status("Service/b").path("readyReplicas").asInt()).isEqualTo(1);
            assertThat(stdoutOfB()).contains("A_URL=" + endpointsOfA() + "\n");
        });
        String one = endpointsOfA();
        assertThat(one).matches("[^,:]+:\\d+");
        String firstTask = env.tasks("Service/b").get(0).path("taskId").asText();

        // a scaled: its endpoints change, so b's configuration does; b is replaced with the new value
        assertThat(applyOwned(a(2)).status()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode a = status("Service/a");
            assertThat(a.path("readyReplicas").asInt()).isEqualTo(2);
            assertThat(a.path("phase").asText()).isEqualTo("Running");
            assertThat(status("Service/b").path("phase").asText()).isEqualTo("Running");
            assertThat(env.tasks("Service/b")).filteredOn(t -> t.path("state").asText().equals("TASK_RUNNING"))
                    .singleElement().satisfies(t -> assertThat(t.path("taskId").asText()).isNotEqualTo(firstTask));
            assertThat(stdoutOfB()).contains("A_URL=" + endpointsOfA() + "\n");
        });
        assertThat(endpointsOfA()).startsWith(one + ",");

        // a reference back from a to b would make each wait for the other: refused, naming the field
        EmbeddedOperator.Reply cycle = env.post("/v1/resources", "application/yaml", a(2)
                + "  env: {B: {valueFrom: {resource: Service/b, field: endpoints.http}}}\n");
        assertThat(cycle.status()).isEqualTo(422);
        assertThat(cycle.body().path("errors").get(0).path("path").asText()).isEqualTo("spec.env.B.valueFrom.resource");
        assertThat(cycle.body().path("errors").get(0).path("message").asText()).isEqualTo("references form a cycle"
                + " (Service/a -> Service/b -> Service/a): resources that wait for each other's status never start");
    }
}
