package io.mesosoperator.scheduler.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes, as an operations team runs them: `bin/mesos-operator cluster`, and two
 * `bin/mesos-operator server` instances on it. kill -9 of the leader; the other takes over and
 * the service keeps running exactly once. Prints the measured takeover time.
 */
class LeaderFailoverIT {
    static final Path HOME = Path.of(System.getProperty("mesos.operator.home", "..")).toAbsolutePath().normalize();
    final HttpClient http = HttpClient.newHttpClient();
    final List<Process> processes = new ArrayList<>();

    @TempDir
    Path work;

    @Test
    void killingTheLeaderHandsOverToTheFollower() throws Exception {
        int zk = FreePorts.one();
        int master = FreePorts.block(3);
        try {
            Process cluster = start("cluster.log", "cluster", "--work-dir", work.resolve("state").toString(), "--agents", "2",
                    "--zk-port", Integer.toString(zk), "--master-port", Integer.toString(master));
            await().atMost(Duration.ofSeconds(90)).until(() -> log("cluster.log").contains("embedded cluster is up"));
            String masterUrl = "zk://127.0.0.1:" + zk + "/mesos";
            int apiA = FreePorts.one();
            int apiB = FreePorts.one();
            Process a = server("a.log", masterUrl, zk, apiA);
            await().atMost(Duration.ofSeconds(90)).until(() -> log("a.log").contains("is now the leading operator"));
            server("b.log", masterUrl, zk, apiB);
            await().atMost(Duration.ofSeconds(90)).until(() -> status("http://127.0.0.1:" + apiB + "/v1/resources") == 200);

            String spec = Files.readString(HOME.resolve("sample-specs/service.yaml"));
            assertThat(post("http://127.0.0.1:" + apiA + "/v1/resources", spec).statusCode()).isEqualTo(201);
            assertThat(post("http://127.0.0.1:" + apiB + "/v1/resources", spec).statusCode()).isEqualTo(503);
            await().atMost(Duration.ofSeconds(90)).until(() ->
                    body("http://127.0.0.1:" + apiB + "/v1/resources/Service/hello").contains("\"readyReplicas\":3"));
            java.util.Set<String> tasksBefore = taskIds(body("http://127.0.0.1:" + apiB + "/v1/tasks"));
            assertThat(tasksBefore).hasSize(3);

            a.destroyForcibly(); // kill -9: no goodbye to ZooKeeper or Mesos
            long killed = System.nanoTime();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> post("http://127.0.0.1:" + apiB + "/v1/resources", spec).statusCode() == 200);
            long writable = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> log("b.log").contains("explicit reconciliation done"));
            long reconciled = System.nanoTime();
            System.out.printf("leader takeover after kill -9: %d ms until the follower accepts writes, %d ms until it"
                    + " has re-subscribed and reconciled%n", (writable - killed) / 1_000_000, (reconciled - killed) / 1_000_000);

            assertThat(taskIds(body("http://127.0.0.1:" + apiB + "/v1/tasks"))).isEqualTo(tasksBefore);
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    body("http://127.0.0.1:" + apiB + "/v1/resources/Service/hello").contains("\"readyReplicas\":3"));
            assertThat(cluster.isAlive()).isTrue();
        } finally {
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                p.waitFor(60, TimeUnit.SECONDS);
            }
        }
    }

    private Process server(String log, String masterUrl, int zk, int api) throws IOException {
        return start(log, "server", "--master", masterUrl, "--zk", "127.0.0.1:" + zk, "--api-port", Integer.toString(api),
                "--admin-port", Integer.toString(FreePorts.one()));
    }

    private Process start(String log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(HOME.resolve("bin/mesos-operator").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve(log).toFile());
        builder.environment().put("MESOS_OPERATOR_NO_BUILD", "1");
        Process p = builder.start();
        processes.add(p);
        return p;
    }

    private String log(String name) throws IOException {
        Path file = work.resolve(name);
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private String body(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpResponse<String> post(String url, String yaml) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static java.util.Set<String> taskIds(String tasksJson) throws IOException {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(tasksJson).path("items")
                .forEach(t -> ids.add(t.path("taskId").asText()));
        return ids;
    }


}
