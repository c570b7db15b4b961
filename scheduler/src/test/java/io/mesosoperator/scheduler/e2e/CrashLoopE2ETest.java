package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A command that keeps crashing is relaunched with growing delays and reported as Degraded. */
class CrashLoopE2ETest extends EmbeddedOperatorTest {

    static String spec(String command) {
        return Specs.service("crasher", 1, command);
    }

    @Test
    void crashLoopBacksOffShowsDegradedAndRecoversOnAFixedSpec() {
        assertThat(env.post("/v1/resources", "application/yaml", spec("echo boom >&2; exit 3")).status()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode status = env.get("/v1/resources/Service/crasher").body().path("status");
            JsonNode degraded = condition(status, "Degraded");
            assertThat(degraded.path("status").asText()).isEqualTo("True");
            assertThat(degraded.path("reason").asText()).isEqualTo("CrashLoopBackOff");
            assertThat(degraded.path("message").asText()).contains("Command exited with status 3");
            assertThat(status.path("phase").asText()).isEqualTo("Degraded");
            JsonNode instance = status.path("instances").get(0);
            assertThat(instance.path("consecutiveFailures").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(instance.path("state").asText()).isEqualTo("BACKOFF");
            // no hot loop: after the 3rd failure the next launch waits initial * 2^2 = 4 s
            Duration wait = Duration.between(Instant.parse(instance.path("lastFailureTime").asText()),
                    Instant.parse(instance.path("nextLaunchTime").asText()));
            assertThat(wait).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
        });
        // while it waits out its backoff, no task of it runs: logs reads the one that crashed
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            EmbeddedOperator.Run logs = env.cli("logs", "service", "crasher", "--stderr");
            assertThat(logs.out()).contains("boom");
            assertThat(logs.err()).contains("ended: TASK_FAILED");
        });
        JsonNode instance = env.get("/v1/resources/Service/crasher").body().path("status").path("instances").get(0);
        assertThat(instance.path("lastExit").asText()).isEqualTo("TASK_FAILED: Command exited with status 3");
        assertThat(env.get("/v1/resources/Service/crasher/events").body().path("items"))
                .anySatisfy(e -> assertThat(e.path("reason").asText()).isEqualTo("InstanceFailed"))
                .anySatisfy(e -> {
                    assertThat(e.path("reason").asText()).isEqualTo("BackOff");
                    assertThat(e.path("message").asText()).contains("next launch at");
                });

        // fixing the command is a new configuration: it starts at once and the service recovers
        assertThat(env.post("/v1/resources", "application/yaml", spec("sleep 600")).body().path("change").asText())
                .isEqualTo("configured");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode status = env.get("/v1/resources/Service/crasher").body().path("status");
            assertThat(status.path("phase").asText()).isEqualTo("Running");
            assertThat(status.path("observedGeneration").asLong()).isEqualTo(2);
            assertThat(condition(status, "Degraded").path("status").asText()).isEqualTo("False");
        });
    }

    @Test
    void aServiceThatExitsCleanlyIsStillRelaunched() {
        env.post("/v1/resources", "application/yaml", spec("sleep 1; exit 0").replace("name: crasher", "name: quitter"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode instance = env.get("/v1/resources/Service/quitter").body().path("status").path("instances").get(0);
            assertThat(instance.path("restarts").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(instance.path("lastExit").asText()).isEqualTo("TASK_FINISHED: Command exited with status 0");
        });
        env.delete("/v1/resources/Service/quitter");
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
