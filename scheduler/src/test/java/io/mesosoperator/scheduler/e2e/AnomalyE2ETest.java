package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A fault on the embedded cluster raises an anomaly whose likely cause is named: a Service instance
 * is killed with SIGKILL, and the restarted instance holds far more memory than the one before (a
 * trigger file makes it so, deterministically), so the watched series
 * {@code mesos_operator_task_memory_bytes} of that instance steps up. The operator's monitor, with
 * short intervals for the test (1 s, a 10-point warm-up, 3 points sustained), sets the Anomalous
 * condition (marked on the dashboard's charts), records an AnomalyDetected event, and `diagnose` names the restart first among the
 * correlated changes.
 */
class AnomalyE2ETest extends EmbeddedOperatorTest {
    private static final String MEMORY = "mesos_operator_task_memory_bytes";

    @Override
    EmbeddedOperator.Options options() {
        return super.options()
                .config("monitoring.taskUsageIntervalSeconds", 1)
                .config("monitoring.anomalies.intervalSeconds", 1)
                .config("monitoring.anomalies.warmUpPoints", 10)
                .config("monitoring.anomalies.sustainPoints", 3)
                .config("monitoring.historyIntervalSeconds", 1); // the dashboard's charts, sampled every second
    }

    @Test
    void aRestartedInstanceThatHoldsMoreMemoryIsAnomalousWithTheRestartAsItsLikelyCause() throws Exception {
        Path grow = work.resolve("grow");
        // 64 MB of "y\n" held in a shell variable once the trigger exists; before it, a shell and a sleep (a few MB)
        assertThat(applyOwned("""
                apiVersion: mesos-operator.io/v1
                kind: Service
                metadata: {name: leaky}
                spec:
                  instances: 1
                  mem: 256
                  command: 'if [ -f %s ]; then big=$(yes | head -c 64000000); echo grown; fi; sleep 600'
                """.formatted(grow)).status()).isEqualTo(201);
        JsonNode first = await().atMost(Duration.ofSeconds(60)).until(() -> env.tasks("Service/leaky").stream()
                .filter(t -> "TASK_RUNNING".equals(t.path("state").asText())).findFirst(), java.util.Optional::isPresent).orElseThrow();
        // the monitor has learnt the instance's memory (every series of the resource is past its warm-up)
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode series = env.get("/v1/resources/Service/leaky/diagnosis").body().path("series");
            assertThat(series).as("watched series of Service/leaky").anySatisfy(s -> {
                assertThat(s.path("selector").asText()).startsWith(MEMORY + "{");
                assertThat(s.path("warmedUp").asBoolean()).isTrue();
            });
        });
        assertThat(env.get("/v1/resources/Service/leaky/diagnosis").body().path("findings")).isEmpty();

        Files.writeString(grow, "");
        EmbeddedOperator.crash(env.awaitTaskProcess(first)); // kill -9
        String killed = first.path("taskId").asText();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode anomalous = condition(env.get("/v1/resources/Service/leaky/status").body(), "Anomalous");
            assertThat(anomalous.path("status").asText()).as("Anomalous condition: %s", anomalous).isEqualTo("True");
            assertThat(anomalous.path("reason").asText()).isEqualTo("SustainedDeviation");
            assertThat(anomalous.path("message").asText()).contains(MEMORY, "instance=\"0\"", "above baseline");
        });
        JsonNode finding = env.get("/v1/resources/Service/leaky/diagnosis").body().path("findings").get(0);
        assertThat(finding.path("series").asText()).isEqualTo(MEMORY);
        assertThat(finding.path("direction").asText()).isEqualTo("ABOVE");
        assertThat(finding.path("value").asDouble()).isGreaterThan(finding.path("baseline").asDouble() + 50e6);
        JsonNode cause = finding.path("correlated").get(0);
        assertThat(cause.path("category").asText()).isEqualTo("RESTART");
        assertThat(cause.path("resource").asText()).isEqualTo("Service/leaky");
        assertThat(cause.path("what").asText()).contains("task " + killed, "TASK_FAILED");
        assertThat(env.get("/v1/resources/Service/leaky/events").body().path("items")).anySatisfy(e -> {
            assertThat(e.path("reason").asText()).isEqualTo("AnomalyDetected");
            assertThat(e.path("message").asText()).contains(MEMORY, "correlated: ", "restart Service/leaky: instance 0 task " + killed);
        });

        EmbeddedOperator.Run diagnose = env.cli("diagnose", "service", "leaky");
        assertThat(diagnose.code()).as(diagnose.err()).isZero();
        assertThat(diagnose.out()).contains("service/leaky: Anomalous=True (SustainedDeviation", "1 series deviates",
                MEMORY + "{instance=\"0\",kind=\"Service\",resource=\"leaky\"}", "above its baseline", "restart", killed,
                "AnomalyDetected");
        System.out.println(diagnose.out());
        EmbeddedOperator.Run describe = env.cli("describe", "service", "leaky");
        assertThat(describe.out()).containsPattern("Anomalous +True +SustainedDeviation");

        // the dashboard's charts mark the anomaly where it began (CI installs the browser; elsewhere it may be absent)
        if (!HeadlessChromium.installed()) {
            System.out.println("the dashboard's anomaly mark is not checked: " + HeadlessChromium.MISSING);
            return;
        }
        try (HeadlessChromium chromium = new HeadlessChromium()) {
            chromium.driver.get(env.api() + "/dashboard/#/charts");
            await("the charts mark the anomaly of Service/leaky").atMost(HeadlessChromium.WAIT).ignoreExceptions()
                    .untilAsserted(() -> assertThat(chromium.driver.findElements(
                            org.openqa.selenium.By.cssSelector("#charts line.mark[data-mark^='Service/leaky']"))).isNotEmpty());
            chromium.screenshot("charts-anomaly");
        }
    }

    private static JsonNode condition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return EmbeddedOperator.JSON.createObjectNode();
    }
}
