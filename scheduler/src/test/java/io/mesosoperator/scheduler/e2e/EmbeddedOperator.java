package io.mesosoperator.scheduler.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.DropwizardTestSupport;
import io.mesosoperator.local.EmbeddedZooKeeper;
import io.mesosoperator.local.RealMesosCluster;
import io.mesosoperator.scheduler.api.OperatorApplication;
import io.mesosoperator.scheduler.api.OperatorConfiguration;
import io.mesosoperator.scheduler.embedded.EmbeddedCluster;
import io.mesosoperator.scheduler.embedded.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded mode for tests: a real ZooKeeper, mesos-local with 3 agents running the real
 * executor jar, and the operator's Dropwizard server, all on loopback with free ports. The
 * operator can be restarted while the cluster and its tasks keep running. With
 * {@link Options#onRealMesos()} the same environment runs on a real Apache Mesos master and agents
 * instead of mesos-local, so one test class can run on both.
 */
final class EmbeddedOperator implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    record Reply(int status, JsonNode body) {}

    private final Path workDir;
    /** mesos-local, or null on a real Mesos. */
    private final EmbeddedCluster cluster;
    /** A real Mesos and the ZooKeeper it and the operator use, or null on mesos-local. */
    private final RealMesosCluster realMesos;
    private final EmbeddedZooKeeper realMesosZk;
    private final Path config;
    /** http, or https when the options declare an https API connector. */
    private final String apiScheme;
    private DropwizardTestSupport<OperatorConfiguration> operator;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** How the operator finds the master: through ZooKeeper (as `up` does) or at its http:// URL. */
    enum MasterUrl { ZK, HTTP }

    /** Which Mesos the operator runs on: mesos-local (the embedded default) or a real Apache Mesos. */
    enum Mesos { LOCAL, REAL }

    /** What a test class varies; the defaults are the embedded mode's. */
    record Options(int masters, MasterUrl masterUrl, String contentType, Duration agentUnreachableAfter,
                   Map<String, Object> config, int zkServers, int agents, List<String> agentAttributes, Mesos mesos) {
        static Options defaults() {
            return new Options(1, MasterUrl.ZK, "protobuf", Duration.ofSeconds(75), Map.of(), 1, 3, List.of(), Mesos.LOCAL);
        }

        /**
         * The same environment on a real Mesos master and agents (see RealMesosCluster): the
         * operator is configured exactly as for mesos-local, only its master URL differs. One
         * master: a second real master would need a replicated log quorum of its own.
         */
        Options onRealMesos() {
            return new Options(masters, masterUrl, contentType, agentUnreachableAfter, config, zkServers, agents,
                    agentAttributes, Mesos.REAL);
        }

        /** Attributes per agent, in order, as `mesos-agent --attributes` takes them ("rack:r0;zone:a"). */
        Options agentAttributes(String... perAgent) {
            return new Options(masters, masterUrl, contentType, agentUnreachableAfter, config, zkServers, agents,
                    List.of(perAgent), mesos);
        }

        Options agents(int n) {
            return new Options(masters, masterUrl, contentType, agentUnreachableAfter, config, zkServers, n, agentAttributes, mesos);
        }

        Options masters(int n) {
            return new Options(n, masterUrl, contentType, agentUnreachableAfter, config, zkServers, agents, agentAttributes, mesos);
        }

        Options masterUrl(MasterUrl url, String type) {
            return new Options(masters, url, type, agentUnreachableAfter, config, zkServers, agents, agentAttributes, mesos);
        }

        Options agentUnreachableAfter(Duration d) {
            return new Options(masters, masterUrl, contentType, d, config, zkServers, agents, agentAttributes, mesos);
        }

        Options zkServers(int n) {
            return new Options(masters, masterUrl, contentType, agentUnreachableAfter, config, n, agents, agentAttributes, mesos);
        }

        Options config(String dottedKey, Object value) {
            Map<String, Object> more = new java.util.HashMap<>(config);
            more.put(dottedKey, value);
            return new Options(masters, masterUrl, contentType, agentUnreachableAfter, more, zkServers, agents, agentAttributes, mesos);
        }
    }

    EmbeddedOperator(Path workDir) throws Exception {
        this(workDir, Options.defaults());
    }

    EmbeddedOperator(Path workDir, Options options) throws Exception {
        this.workDir = workDir;
        String zkUrl;
        if (options.mesos() == Mesos.REAL) {
            if (options.masters() != 1 || options.zkServers() != 1) {
                throw new IllegalArgumentException("on real Mesos the environment has one master and one ZooKeeper server");
            }
            cluster = null;
            realMesosZk = EmbeddedZooKeeper.start("127.0.0.1", 0, workDir.resolve("zookeeper"));
            RealMesosCluster started;
            try {
                started = RealMesosCluster.start(workDir.resolve("mesos"), realMesosZk.connectString(),
                        RealMesosCluster.Settings.defaults().agents(options.agents())
                                .agentAttributes(options.agentAttributes().toArray(String[]::new))
                                .masterFlags(agentPingFlags(options.agentUnreachableAfter())));
            } catch (Exception e) {
                realMesosZk.close();
                throw e;
            }
            realMesos = started;
            zkUrl = realMesos.zkUrl();
        } else {
            realMesos = null;
            realMesosZk = null;
            cluster = EmbeddedCluster.start(new EmbeddedCluster.Settings(workDir, 0, 0, 0, options.agents(), 2, 2048,
                    options.masters(), options.agentUnreachableAfter(), options.zkServers(), options.agentAttributes()));
            zkUrl = cluster.masterZkUrl();
        }
        apiScheme = String.valueOf(options.config().get("server.applicationConnectors")).contains("type=https") ? "https" : "http";
        ServerConfig server = ServerConfig.from(null);
        options.config().forEach(server::set);
        config = server
                .set("mesos.master", options.masterUrl() == MasterUrl.ZK ? zkUrl : masterUrl())
                .set("mesos.contentType", options.contentType())
                .set("mesos.javaCommand", ProcessHandle.current().info().command().orElse("java"))
                .set("zookeeper.connect", zkConnect())
                .api("127.0.0.1", 0) // keeps an https connector the options declare
                .admin(0)
                .logging(workDir.resolve("operator.log"), false)
                .write(workDir.resolve("operator.yaml"));
        startOperator();
    }

    /**
     * A real master's flags for marking an agent unreachable after about {@code after}: five pings
     * as Mesos' default, but a real master refuses a ping timeout under 1 s (mesos-local takes any),
     * and two missed pings at least, so that one late pong on a busy machine marks no agent
     * unreachable. So 1 s becomes 2 s there.
     */
    static String[] agentPingFlags(Duration after) {
        long pingMs = Math.max(1000, after.toMillis() / 5);
        long pings = Math.max(2, Math.round((double) after.toMillis() / pingMs));
        return new String[] {"--agent_ping_timeout=" + pingMs + "ms", "--max_agent_ping_timeouts=" + pings};
    }

    private DropwizardTestSupport<OperatorConfiguration> first;
    /** Every operator instance started and not stopped yet, in start order. */
    private final List<DropwizardTestSupport<OperatorConfiguration>> running = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Stops the operator started first, whichever instance the helper talks to now. */
    void stopFirst() {
        if (first != null) {
            stop(first);
            first = null;
        }
    }

    /**
     * Stops one instance. Dropwizard's test support resets logging for the whole JVM when an
     * instance stops, so the log of those still running is configured again: a takeover's lines
     * belong in the kept log most of all.
     */
    void stop(DropwizardTestSupport<OperatorConfiguration> instance) {
        try {
            instance.after();
        } finally {
            running.remove(instance);
            if (!running.isEmpty()) {
                DropwizardTestSupport<OperatorConfiguration> survivor = running.get(0);
                survivor.getConfiguration().getLoggingFactory().configure(survivor.getEnvironment().metrics(),
                        survivor.getApplication().getName());
            }
        }
    }

    void startOperator() throws Exception {
        operator = new DropwizardTestSupport<>(OperatorApplication.class, config.toString());
        first = operator;
        running.add(operator);
        operator.before();
        // alone in the election, it leads within moments; writes before that would get 503
        DropwizardTestSupport<OperatorConfiguration> started = operator;
        await("the operator leads").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> ((OperatorApplication) started.getApplication()).operator() != null);
    }

    /** Another operator instance on the same ZooKeeper and cluster (it follows while the first leads). */
    DropwizardTestSupport<OperatorConfiguration> startAnotherOperator() throws Exception {
        DropwizardTestSupport<OperatorConfiguration> other = new DropwizardTestSupport<>(OperatorApplication.class, config.toString());
        running.add(other);
        other.before();
        return other;
    }

    /** Switches the API calls of this helper to another instance (e.g. after a takeover). */
    void useOperator(DropwizardTestSupport<OperatorConfiguration> other) {
        operator = other;
    }

    /** Whether an operator instance serves this helper's calls (none from stopOperator to startOperator). */
    boolean operatorStarted() {
        return operator != null;
    }

    void stopOperator() {
        stop(operator);
        if (operator == first) {
            first = null;
        }
        operator = null;
    }

    /** mesos-local, for what only it can do (crash a master, partition an agent). */
    EmbeddedCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("this environment runs on a real Mesos: use realMesos()");
        }
        return cluster;
    }

    /** The real Mesos of an environment started with {@link Options#onRealMesos()}. */
    RealMesosCluster realMesos() {
        if (realMesos == null) {
            throw new IllegalStateException("this environment runs on mesos-local: use cluster()");
        }
        return realMesos;
    }

    boolean onRealMesos() {
        return realMesos != null;
    }

    /** The ZooKeeper the operator keeps its state in. */
    String zkConnect() {
        return realMesos != null ? realMesosZk.connectString() : cluster.zkConnect();
    }

    /** The leading master's http:// URL. */
    String masterUrl() {
        return realMesos != null ? realMesos.masterUrl() : cluster.masterUrl();
    }

    String api() {
        return apiScheme + "://127.0.0.1:" + operator.getLocalPort();
    }

    /** A GET on the admin port (health checks, metrics), as text. */
    String admin(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.getAdminPort() + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens GET /v1/events (Server-Sent Events) and collects its lines as they arrive. */
    List<String> watch(String query) {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(api() + "/v1/events" + query)).GET().build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().forEach(lines::add));
        return lines;
    }

    Reply post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(URI.create(api() + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(api() + path)).GET());
    }

    Reply delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(api() + path)).DELETE());
    }

    /** What a CLI command printed and returned. */
    record Run(int code, String out, String err) {}

    /** Runs bin/mesos-operator's CLI in this JVM against this operator, capturing its output. */
    Run cli(String... args) {
        java.io.PrintStream savedOut = System.out;
        java.io.PrintStream savedErr = System.err;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            String[] full = new String[args.length + 2];
            System.arraycopy(args, 0, full, 0, args.length);
            full[args.length] = "--server";
            full[args.length + 1] = api();
            int code = new picocli.CommandLine(new io.mesosoperator.scheduler.Main()).execute(full);
            return new Run(code, out.toString(java.nio.charset.StandardCharsets.UTF_8),
                    err.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    JsonNode masterState() {
        return masterGet("/state");
    }

    /** The leading master's {@code /metrics/snapshot}. */
    JsonNode masterMetrics() {
        return masterGet("/metrics/snapshot");
    }

    private JsonNode masterGet(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(masterUrl() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tasks of a resource as the operator reports them. */
    List<JsonNode> tasks(String resource) {
        List<JsonNode> out = new ArrayList<>();
        get("/v1/tasks?resource=" + resource).body().path("items").forEach(out::add);
        return out;
    }

    /** Running task ids Mesos itself knows of (the master's /state), for duplicate checks. */
    List<String> mesosRunningTasks() {
        List<String> out = new ArrayList<>();
        masterState().path("frameworks").forEach(f -> f.path("tasks").forEach(t -> {
            if (t.path("state").asText().equals("TASK_RUNNING")) {
                out.add(t.path("id").asText());
            }
        }));
        return out;
    }

    /**
     * A task's sandbox on this machine, from the one the operator shows: what our executor labels
     * is a host path already; for a command task it is the agent's virtual path
     * {@code /frameworks/FID/executors/EID/runs/latest}, which lies in the agent's work directory
     * under {@code slaves/<agent id>}. Links resolved (runs/latest names the run directory, the
     * processes' working directory); as shown when it cannot be resolved.
     */
    String sandbox(JsonNode task) {
        String shown = task.path("sandbox").asText();
        Path path = Path.of(shown);
        if (shown.startsWith("/frameworks/")) {
            String agentId = task.path("agentId").asText();
            Optional<Path> agentWorkDir = realMesos != null
                    ? realMesosAgent(agentId).map(RealMesosCluster.Agent::workDir)
                    : cluster.agents().stream().filter(a -> a.id().equals(agentId))
                            .map(io.mesosoperator.local.LocalAgent::workDir).findFirst();
            if (agentWorkDir.isPresent()) {
                path = agentWorkDir.get().resolve("slaves").resolve(agentId).resolve(shown.substring(1));
            }
        }
        try {
            return path.toRealPath().toString();
        } catch (IOException e) {
            return path.toString();
        }
    }

    /**
     * The real agent with this id, running or not: its work directory holds {@code slaves/<id>}
     * (a stopped agent cannot be asked for its id).
     */
    private Optional<RealMesosCluster.Agent> realMesosAgent(String agentId) {
        return realMesos.agents().stream()
                .filter(a -> Files.isDirectory(a.workDir().resolve("slaves").resolve(agentId))).findFirst();
    }

    private RealMesosCluster.Agent realAgent(String agentId) {
        return realMesosAgent(agentId).orElseThrow(() -> new IllegalArgumentException("no real agent " + agentId));
    }

    private io.mesosoperator.local.LocalAgent localAgent(String agentId) {
        return cluster.agents().stream().filter(a -> a.id().equals(agentId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no mesos-local agent " + agentId));
    }

    // ---------------------------------------------------------------- faults, the same on both Mesos

    /**
     * Cuts an agent off from the master while its tasks run on: mesos-local partitions it; a real
     * agent process is killed (SIGKILL), which leaves its executors and tasks running unseen. After
     * the master's ping timeout the agent is unreachable.
     */
    void cutOffAgent(String agentId) throws InterruptedException {
        if (realMesos != null) {
            realAgent(agentId).kill();
        } else {
            localAgent(agentId).partition();
        }
    }

    /**
     * Ends {@link #cutOffAgent}: the agent re-registers and reports the tasks it kept (a real agent
     * starts again and recovers its checkpointed executors).
     */
    void reconnectAgent(String agentId) throws IOException {
        if (realMesos != null) {
            realAgent(agentId).start();
        } else {
            localAgent(agentId).heal();
        }
    }

    /**
     * The agent process restarts while its executors and tasks keep running (checkpointing,
     * {@code --recover=reconnect}): a real agent gets SIGTERM and starts again; mesos-local's
     * closes its API for 2 s.
     */
    void restartAgent(String agentId) throws Exception {
        if (realMesos != null) {
            RealMesosCluster.Agent agent = realAgent(agentId);
            agent.terminate();
            agent.start();
        } else {
            localAgent(agentId).restart(Duration.ofSeconds(2));
        }
    }

    /**
     * The agent goes for good, and its tasks with it: a real agent gets SIGUSR1 (it kills its
     * executors and tasks and unregisters, so the master removes it at once); mesos-local's host
     * "crashes" (everything on it killed, the master marks it unreachable after the ping timeout).
     */
    void removeAgent(String agentId) throws InterruptedException {
        if (realMesos != null) {
            realAgent(agentId).stopAndRemove();
        } else {
            localAgent(agentId).crash();
        }
    }

    /**
     * Kills the executor of a task with SIGKILL: a real agent's {@code mesos-executor} (the
     * command executor, in the task's sandbox), or mesos-local's. False when there is none.
     */
    boolean crashExecutorOf(JsonNode task) {
        if (realMesos != null) {
            return processesIn(sandbox(task)).stream()
                    .filter(p -> p.info().commandLine().map(c -> c.contains("mesos-executor")).orElse(false))
                    .map(ProcessHandle::destroyForcibly).findFirst().orElse(false);
        }
        return localAgent(task.path("agentId").asText()).crashExecutorOf(task.path("taskId").asText());
    }

    /** The OS processes whose working directory is the given sandbox (the executor and the task). */
    static List<ProcessHandle> processesIn(String sandbox) {
        return ProcessHandle.allProcesses().filter(p -> cwd(p).map(c -> c.equals(sandbox)).orElse(false)).toList();
    }

    /**
     * The task's own process in a sandbox: not the executor (our JVM, or a real agent's
     * mesos-executor and the mesos-containerizer that launched the task, which share its sandbox).
     */
    static Optional<ProcessHandle> taskProcess(String sandbox) {
        return processesIn(sandbox).stream()
                .filter(p -> p.info().commandLine().map(c -> !c.contains("mesos-operator-executor.jar")
                        && !c.contains("mesos-executor") && !c.contains("mesos-containerizer")).orElse(false))
                .findFirst();
    }

    /**
     * The task's own process, once it runs: a real agent's TASK_RUNNING may come a moment before
     * mesos-containerizer has exec'ed the command in the sandbox.
     */
    ProcessHandle awaitTaskProcess(JsonNode task) {
        String sandbox = sandbox(task);
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> taskProcess(sandbox), Optional::isPresent).orElseThrow();
    }

    /**
     * A task's process dies at once with what it started (SIGKILL to the tree), as a crash of the
     * workload would: a real command executor's task is {@code sh -c COMMAND}, and killing only
     * the shell would leave its children running orphaned (the posix launcher does not track them).
     */
    static void crash(ProcessHandle task) {
        task.descendants().forEach(ProcessHandle::destroyForcibly);
        task.destroyForcibly();
    }

    private static Optional<String> cwd(ProcessHandle p) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd")).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body()));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    Path workDir() {
        return workDir;
    }

    @Override
    public void close() {
        close("e2e");
    }

    /** Stops everything; the operator's log is kept as target/e2e-logs/NAME.log for reading after a failure. */
    private boolean closed;

    void close(String name) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (DropwizardTestSupport<OperatorConfiguration> instance : running) {
                stop(instance);
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            } else {
                realMesos.close();
                realMesosZk.close();
            }
            try {
                Path kept = Files.createDirectories(Path.of("target", "e2e-logs"));
                Files.copy(workDir.resolve("operator.log"), kept.resolve(name + ".log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                if (realMesos != null) {
                    // the master's and agents' own logs, for reading what Mesos made of a failure
                    Files.copy(realMesos.dir().resolve("master.log"), kept.resolve(name + ".mesos-master.log"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    for (RealMesosCluster.Agent agent : realMesos.agents()) {
                        Files.copy(realMesos.dir().resolve("agent" + agent.index()).resolve("agent.log"),
                                kept.resolve(name + ".mesos-agent" + agent.index() + ".log"),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            } catch (IOException e) {
                // nothing to keep
            }
        }
    }
}
