package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A Service autoscaled on its instances' CPU use, measured by the operator from the agents'
 * {@code /monitor/statistics} (the exported {@code mesos_operator_task_cpu_seconds_total}): while a
 * trigger file exists every instance burns CPU in short bursts of a long-lived shell (a few
 * hundredths of a core even on a loaded machine, above the 0.01-core target), so the autoscaler grows the Service from minReplicas to
 * maxReplicas; once the file is gone the instances idle, and after the (shortened) scale-down
 * stabilization window it shrinks back to minReplicas. Each decision shows in the events, in
 * status.autoscale and in `describe`.
 */
class AutoscaleE2ETest extends EmbeddedOperatorTest {

    @Override
    EmbeddedOperator.Options options() {
        return super.options().config("monitoring.taskUsageIntervalSeconds", 1);
    }

    @Test
    void aServiceGrowsWhileItsInstancesAreBusyAndShrinksAfterTheStabilizationWindow() throws Exception {
        Path burn = work.resolve("burn");
        // one shell per instance: it burns in short bursts while the trigger exists, else it sleeps
        assertThat(applyOwned("""
                apiVersion: mesos-operator.io/v1
                kind: Service
                metadata: {name: busy}
                spec:
                  instances: 1
                  cpus: 0.1
                  mem: 64
                  command: 'while :; do if [ -f %s ]; then i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 0.05; else sleep 0.5; fi; done'
                  autoscale:
                    minReplicas: 1
                    maxReplicas: 3
                    metric: {type: cpu}
                    target: 0.01
                    intervalSeconds: 2
                    scaleDown: {stabilizationWindowSeconds: 12}
                """.formatted(burn)).status()).isEqualTo(201);
        await("the idle instance's CPU measured").atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            JsonNode autoscale = env.get("/v1/resources/Service/busy/status").body().path("autoscale");
            assertThat(autoscale.has("value")).as("status.autoscale: %s", autoscale).isTrue();
            assertThat(autoscale.path("currentReplicas").asInt()).isEqualTo(1);
            assertThat(autoscale.path("desiredReplicas").asInt()).isEqualTo(1);
        });

        Files.writeString(burn, "");
        await("the Service scaled up to maxReplicas, every instance running").atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(instances()).isEqualTo(3);
            assertThat(runningInstances()).containsExactlyInAnyOrder("0", "1", "2");
        });
        assertThat(events()).anySatisfy(e -> {
            assertThat(e.path("reason").asText()).isEqualTo("ScaleUp");
            assertThat(e.path("type").asText()).isEqualTo("Normal");
            assertThat(e.path("message").asText()).startsWith("spec.instances 1 -> ").contains("CPU cores per instance");
        });
        JsonNode up = env.get("/v1/resources/Service/busy/status").body().path("autoscale");
        assertThat(up.path("desiredReplicas").asInt()).as("status.autoscale: %s", up).isEqualTo(3);
        assertThat(up.path("value").asDouble()).isGreaterThan(0.01);
        assertThat(up.has("lastScaleTime")).isTrue();
        EmbeddedOperator.Run busy = env.cli("describe", "service", "busy");
        assertThat(busy.code()).as(busy.err()).isZero();
        assertThat(busy.out()).contains("Autoscale:", "CPU cores per instance", "target 0.0100", "-> 3");
        System.out.println(busy.out());

        Files.delete(burn);
        await("the Service scaled back down to minReplicas").atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(instances()).isEqualTo(1);
            assertThat(runningInstances()).containsExactly("0");
            // a decision made at the new count
            JsonNode down = env.get("/v1/resources/Service/busy/status").body().path("autoscale");
            assertThat(down.path("currentReplicas").asInt()).as("status.autoscale: %s", down).isEqualTo(1);
            assertThat(down.path("desiredReplicas").asInt()).isEqualTo(1);
            assertThat(down.path("value").asDouble()).isLessThan(0.01);
        });
        // the stabilization window holds the highest recent recommendation: down in one step or more
        assertThat(events()).anySatisfy(e -> {
            assertThat(e.path("reason").asText()).isEqualTo("ScaleDown");
            assertThat(e.path("message").asText()).startsWith("spec.instances 3 -> ");
        }).anySatisfy(e -> {
            assertThat(e.path("reason").asText()).isEqualTo("ScaleDown");
            assertThat(e.path("message").asText()).containsPattern("^spec.instances [23] -> 1: ");
        });
        EmbeddedOperator.Run idle = env.cli("describe", "service", "busy");
        assertThat(idle.out()).contains("Autoscale:", "ScaleDown", "-> 1: CPU cores per instance");
        System.out.println(idle.out());
    }

    private int instances() {
        return env.get("/v1/resources/Service/busy").body().path("spec").path("instances").asInt();
    }

    private Set<String> runningInstances() {
        return env.tasks("Service/busy").stream().filter(t -> "TASK_RUNNING".equals(t.path("state").asText()))
                .map(t -> t.path("instance").asText()).collect(Collectors.toSet());
    }

    private java.util.List<JsonNode> events() {
        java.util.List<JsonNode> items = new java.util.ArrayList<>();
        env.get("/v1/resources/Service/busy/events").body().path("items").forEach(items::add);
        return items;
    }
}
