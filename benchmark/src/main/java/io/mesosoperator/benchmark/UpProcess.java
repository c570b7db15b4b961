package io.mesosoperator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
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

/**
 * {@code bin/mesos-operator up} as a user starts it, from the repository root, as a process of its own (free
 * ports, its own work directory), and the CLI and REST calls a user makes against it. For the benchmarks that
 * measure what a user sees of whole workloads, not the operator alone.
 */
final class UpProcess implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Path repo;
    private final Path work;
    private final Process up;
    private final String api;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** Starts `up` with this many agents and waits until its API answers. */
    static UpProcess start(Path repo, Path work, int agents, Duration atMost) throws Exception {
        Path launcher = repo.resolve("bin/mesos-operator");
        if (!Files.isExecutable(launcher) || !Files.isDirectory(repo.resolve("sample-specs"))) {
            throw new IllegalStateException("run this benchmark from the repository root (no " + launcher
                    + " or sample-specs/ in " + repo + ")");
        }
        Files.createDirectories(work);
        return new UpProcess(repo, work, agents, atMost);
    }

    private UpProcess(Path repo, Path work, int agents, Duration atMost) throws Exception {
        this.repo = repo;
        this.work = work;
        int apiPort = Benchmark.freePort();
        this.api = "http://127.0.0.1:" + apiPort;
        this.up = process(work.resolve("up.log"), "up", "--work-dir", work.resolve("up").toString(),
                "--agents", String.valueOf(agents), "--zk-port", String.valueOf(Benchmark.freePort()),
                "--master-port", String.valueOf(freeBlock(agents + 1)), "--api-port", String.valueOf(apiPort),
                "--admin-port", String.valueOf(Benchmark.freePort()));
        try {
            waitFor("the operator's API at " + api + " (see " + log() + ")", atMost,
                    () -> get(api + "/v1/resources").statusCode() == 200);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** The API's base URL, http://127.0.0.1:PORT. */
    String api() {
        return api;
    }

    Path log() {
        return work.resolve("up.log");
    }

    /** `bin/mesos-operator ARGS --server API` from the repository root; its output if it exits 0. */
    String cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of("--server", api));
        Path out = work.resolve("cli.log");
        Process p = process(out, command.toArray(String[]::new));
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", args) + " failed: " + Files.readString(out));
        }
        return Files.readString(out);
    }

    /** GET /v1/resources/KIND/NAME, or null while there is none. */
    JsonNode resource(String kindAndName) throws Exception {
        HttpResponse<String> r = get(api + "/v1/resources/" + kindAndName);
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    }

    /** http://host:port of a Service's ready instance (the port named http), from its endpoints in status; null while none. */
    String serviceUrl(String service) throws Exception {
        JsonNode resource = resource("Service/" + service);
        if (resource != null) {
            for (JsonNode i : resource.path("status").path("instances")) {
                if (i.path("ready").asBoolean()) {
                    return "http://" + i.path("host").asText() + ":" + i.path("ports").path("http").asInt();
                }
            }
        }
        return null;
    }

    HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    int post(String url, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private Process process(Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(repo.resolve("bin/mesos-operator").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("MESOS_OPERATOR_NO_BUILD", "1"); // measure what is built
        return pb.start();
    }

    /** `up` stops its cluster on SIGTERM; whatever is left after a minute is killed. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> descendants = up.descendants().toList();
        up.destroy();
        if (!up.waitFor(60, TimeUnit.SECONDS)) {
            up.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    /** Polls until the check holds (connection refusals count as "not yet"); fails naming what it waited for. */
    static void waitFor(String what, Duration atMost, Check check) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("gave up after " + atMost.toSeconds() + " s waiting for " + what);
    }

    /** A port whose next {@code n - 1} are free too (the master's, then one per agent). */
    private static int freeBlock(int n) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = Benchmark.freePort();
            boolean free = first + n < 65536;
            for (int p = first + 1; p < first + n && free; p++) {
                try (ServerSocket s = new ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress())) {
                    free = s.getLocalPort() == p;
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return first;
            }
        }
        throw new IOException("no block of " + n + " free ports");
    }
}
