package io.mesosoperator.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the operator's side of the executor API (docs/spark-executors.md), for one run:
 * each executor is a local child process started exactly as the operator's Mesos task will start it
 * ({@link #command}), with this machine for the agent. It keeps the wanted number of executors of
 * each profile alive (a dead one is replaced, one killed on request is not) and kills them all on
 * DELETE.
 */
final class LocalExecutorOperator implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    private static final ObjectMapper JSON = new ObjectMapper();

    enum State { RUNNING, FINISHED, FAILED, KILLED }

    /** One executor process. Fields guarded by the operator's lock. */
    static final class Executor {
        final String id;
        final int profileId;
        final Process process;
        State state = State.RUNNING;
        Integer exitCode;
        boolean killRequested;

        Executor(String id, int profileId, Process process) {
            this.id = id;
            this.profileId = profileId;
            this.process = process;
        }
    }

    private final HttpServer server;
    private final String runPath;
    private final Path sparkHome;
    private final Path workDir;
    private final Map<String, Executor> executors = new LinkedHashMap<>();
    private final List<JsonNode> wishes = new ArrayList<>();
    private int nextId = 1;
    private boolean allKilled;

    /** @param runPath what the master URL names, e.g. /v1/resources/SparkJob/sum/runs/1 */
    LocalExecutorOperator(Path sparkHome, Path workDir, String runPath) throws IOException {
        this.sparkHome = sparkHome;
        this.workDir = workDir;
        this.runPath = runPath;
        server = HttpServer.create(new InetSocketAddress(HOST, 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String master(String scheme) {
        return scheme + "://" + HOST + ":" + server.getAddress().getPort() + runPath;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String route = exchange.getRequestMethod() + " "
                    + (path.startsWith(runPath + "/") ? path.substring(runPath.length()) : path);
            JsonNode answer;
            synchronized (this) {
                switch (route) {
                    case "PUT /executors" -> {
                        JsonNode wish = JSON.readTree(exchange.getRequestBody());
                        wishes.add(wish);
                        reconcile();
                    }
                    case "POST /executors/kill" -> {
                        for (JsonNode id : JSON.readTree(exchange.getRequestBody()).path("ids")) {
                            Executor e = executors.get(id.asText());
                            if (e != null) {
                                kill(e);
                            }
                        }
                    }
                    case "DELETE /executors" -> {
                        allKilled = true;
                        executors.values().forEach(this::kill);
                    }
                    case "GET /executors" -> { }
                    default -> {
                        reply(exchange, 404, JSON.createObjectNode().put("message", "no such run or route: " + route));
                        return;
                    }
                }
                answer = state();
            }
            reply(exchange, 200, answer);
        }
    }

    /** Launches what is missing of each profile's total; an executor killed on request no longer counts. */
    private synchronized void reconcile() {
        if (allKilled || wishes.isEmpty()) {
            return;
        }
        JsonNode wish = wishes.get(wishes.size() - 1);
        for (JsonNode profile : wish.path("profiles")) {
            long alive = executors.values().stream()
                    .filter(e -> e.profileId == profile.path("id").asInt() && e.state == State.RUNNING && !e.killRequested)
                    .count();
            for (long i = alive; i < profile.path("total").asInt(); i++) {
                launch(wish, profile);
            }
        }
    }

    private void launch(JsonNode wish, JsonNode profile) {
        String id = Integer.toString(nextId++);
        Path dir = workDir.resolve("executor-" + id);
        try {
            Files.createDirectories(dir);
            ProcessBuilder builder = new ProcessBuilder(command(wish, profile, id, HOST, sparkHome,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString()))
                    .directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("executor-" + id + ".log").toFile());
            builder.environment().putAll(environment(wish, sparkHome, dir));
            Process process = builder.start();
            Executor executor = new Executor(id, profile.path("id").asInt(), process);
            executors.put(id, executor);
            process.onExit().thenRun(() -> exited(executor));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start executor " + id, e);
        }
    }

    /**
     * The executor's command line, as the operator's Mesos task runs it (docs/spark-executors.md):
     * the heap from the profile, the driver's Java options, the job's Spark jars.
     */
    static List<String> command(JsonNode wish, JsonNode profile, String id, String host, Path sparkHome, String java) {
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + profile.path("memoryMiB").asLong() + "m"));
        wish.path("javaOptions").forEach(o -> command.add(o.asText().replace("{{EXECUTOR_ID}}", id)));
        String extra = wish.path("extraClassPath").asText("");
        command.addAll(List.of("-cp", (extra.isEmpty() ? "" : extra + ":") + sparkHome.resolve("jars") + "/*",
                "org.apache.spark.executor.CoarseGrainedExecutorBackend",
                "--driver-url", wish.path("driverUrl").asText(),
                "--executor-id", id,
                "--hostname", host,
                "--cores", profile.path("cores").asText(),
                "--app-id", wish.path("applicationId").asText(),
                "--resourceProfileId", profile.path("id").asText()));
        return command;
    }

    static Map<String, String> environment(JsonNode wish, Path sparkHome, Path sandbox) {
        Map<String, String> env = new LinkedHashMap<>();
        wish.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_LOCAL_DIRS", sandbox.toString());
        env.put("SPARK_LOCAL_IP", HOST);
        String libraryPath = wish.path("extraLibraryPath").asText("");
        if (!libraryPath.isEmpty()) {
            env.put("LD_LIBRARY_PATH", libraryPath);
        }
        return env;
    }

    private synchronized void exited(Executor e) {
        e.exitCode = e.process.exitValue();
        e.state = e.killRequested ? State.KILLED : e.exitCode == 0 ? State.FINISHED : State.FAILED;
        reconcile();
    }

    /** SIGTERM, then SIGKILL after a grace period, as Mesos kills a task. */
    private void kill(Executor e) {
        if (e.state != State.RUNNING || e.killRequested) {
            return;
        }
        e.killRequested = true;
        e.process.destroy();
        CompletableFuture.delayedExecutor(10, TimeUnit.SECONDS).execute(e.process::destroyForcibly);
    }

    private synchronized JsonNode state() {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("executors");
        for (Executor e : executors.values()) {
            ObjectNode o = list.addObject().put("id", e.id).put("profileId", e.profileId).put("state", e.state.name())
                    .put("host", HOST).put("taskId", "executor-" + e.id);
            if (e.exitCode != null) {
                o.put("exitCode", e.exitCode);
            }
        }
        return body;
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** The wishes received, oldest first. */
    synchronized List<JsonNode> wishes() {
        return List.copyOf(wishes);
    }

    synchronized Map<String, State> states() {
        Map<String, State> states = new LinkedHashMap<>();
        executors.values().forEach(e -> states.put(e.id, e.state));
        return states;
    }

    synchronized Process process(String id) {
        return executors.get(id).process;
    }

    synchronized boolean allKilled() {
        return allKilled;
    }

    @Override
    public void close() {
        server.stop(0);
        synchronized (this) {
            executors.values().forEach(e -> e.process.destroyForcibly());
        }
    }

    @Override
    public String toString() {
        return "stand-in operator " + master("mesos-operator") + " " + states();
    }
}
