package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Service with an HTTP health check, which Mesos' command executor runs against the task's port
 * on 127.0.0.1: the task becomes healthy (and only then ready); when its endpoint starts failing,
 * the executor kills it after the consecutive failures and the operator replaces it.
 */
class ServiceHealthCheckE2ETest extends EmbeddedOperatorTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Answers GET /health with 200 while the file "healthy" is in its working directory (the sandbox), else 503. */
    private static final String SERVER = """
            import com.sun.net.httpserver.HttpServer;
            import java.net.InetSocketAddress;
            import java.nio.file.Files;
            import java.nio.file.Path;

            public class HealthServer {
                public static void main(String[] args) throws Exception {
                    HttpServer server = HttpServer.create(new InetSocketAddress(Integer.parseInt(System.getenv("PORT_HTTP"))), 0);
                    server.createContext("/health", exchange -> {
                        int code = Files.exists(Path.of("healthy")) ? 200 : 503;
                        exchange.getRequestBody().readAllBytes();
                        exchange.sendResponseHeaders(code, -1);
                        exchange.close();
                    });
                    server.start();
                    System.out.println("serving /health on port " + System.getenv("PORT_HTTP"));
                }
            }
            """;

    private String spec() throws Exception {
        Path source = Files.writeString(work.resolve("HealthServer.java"), SERVER);
        return Specs.service("checked", 1,
                "touch healthy && exec \"$MESOS_OPERATOR_JAVA\" -Xmx32m -XX:TieredStopAtLevel=1 -Xss512k " + source,
                "ports: [{name: http}]",
                "healthCheck: {type: http, portName: http, path: /health, intervalSeconds: 1, timeoutSeconds: 2,"
                        + " consecutiveFailures: 2, gracePeriodSeconds: 60}",
                "killGracePeriodSeconds: 1");
    }

    private JsonNode status() {
        return env.get("/v1/resources/Service/checked").body().path("status");
    }

    private JsonNode task() {
        List<JsonNode> tasks = env.tasks("Service/checked");
        return tasks.isEmpty() ? EmbeddedOperator.JSON.createObjectNode() : tasks.get(0);
    }

    @Test
    void aFailingHttpHealthCheckGetsTheTaskKilledAndReplaced() throws Exception {
        assertThat(env.post("/v1/resources", "application/yaml", spec().replace("mem: 32", "mem: 128")).status())
                .isEqualTo(201);
        // ready only once Mesos says healthy: the executor's HTTP check reached the task's port
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(status().path("readyReplicas").asInt()).isEqualTo(1);
            assertThat(task().path("state").asText()).isEqualTo("TASK_RUNNING");
            assertThat(task().path("healthy").asBoolean()).isTrue();
        });
        JsonNode first = task();
        ProcessHandle process = env.awaitTaskProcess(first);

        // the endpoint starts answering 503: after 2 failures the executor kills the task
        Files.delete(Path.of(env.sandbox(first)).resolve("healthy"));
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode now = task();
            assertThat(now.path("taskId").asText()).isNotEqualTo(first.path("taskId").asText());
            assertThat(now.path("instance").asInt()).isZero();
            assertThat(now.path("state").asText()).isEqualTo("TASK_RUNNING");
            assertThat(now.path("healthy").asBoolean()).isTrue();
            assertThat(status().path("readyReplicas").asInt()).isEqualTo(1);
            assertThat(env.mesosRunningTasks()).containsExactly(now.path("taskId").asText());
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
        JsonNode instance = status().path("instances").get(0);
        System.out.println("health-check kill, as the operator reports it: " + instance.path("lastExit").asText());
        assertThat(instance.path("restarts").asInt()).isEqualTo(1);
        assertThat(instance.path("lastExit").asText()).startsWith("TASK_KILLED");
    }
}
