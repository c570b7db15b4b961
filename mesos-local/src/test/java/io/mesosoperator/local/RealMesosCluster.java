package io.mesosoperator.local;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Mesos master and agents for tests, started from {@code MESOS_HOME} (default: the
 * {@code shared/mesos} build beside the project). The master is found through ZooKeeper
 * ({@code zk://}), as users run it; every agent has its own port, work and runtime directories,
 * fetcher cache and a block of task ports leased machine-wide (so it never clashes with a
 * mesos-local cluster on the same machine). {@link #close()} stops everything, executors and tasks
 * included, and then kills whatever process is still working inside the cluster's directory.
 *
 * <p>Two facts of these hosts, from the build's README: the agent refuses the cgroup2 mount at
 * {@code /sys/fs/cgroup/unified}, so each agent runs in a mount namespace of its own without it
 * ({@code unshare -m}, which needs root); and this Mesos aborts with posix isolation unless the
 * launcher is posix too.
 */
public final class RealMesosCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RealMesosCluster.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** What a test varies. {@code agentAttributes} are per agent, in order, in `--attributes` syntax. */
    public record Settings(int agents, double cpus, int memMb, int diskMb, List<String> agentAttributes,
                           List<String> masterFlags) {
        public static Settings defaults() {
            return new Settings(3, 2, 3072, 20_000, List.of(), List.of());
        }

        public Settings agents(int n) {
            return new Settings(n, cpus, memMb, diskMb, agentAttributes, masterFlags);
        }

        public Settings agentAttributes(String... perAgent) {
            return new Settings(agents, cpus, memMb, diskMb, List.of(perAgent), masterFlags);
        }

        /** Extra master flags, e.g. {@code --agent_ping_timeout=1secs}. */
        public Settings masterFlags(String... flags) {
            return new Settings(agents, cpus, memMb, diskMb, agentAttributes, List.of(flags));
        }
    }

    private final Path home;
    private final Path dir;
    private final String zkUrl;
    private final Settings settings;
    private final int masterPort;
    private Process master;
    private final List<Agent> agents = new ArrayList<>();
    private final List<TaskPortBlocks.Lease> portLeases;
    private final Thread shutdownHook = new Thread(this::close, "real-mesos-cleanup");

    /** The Mesos build to use, if there is one. */
    public static Optional<Path> home() {
        String env = System.getenv("MESOS_HOME");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env).toAbsolutePath());
        }
        // the project root is where the parent pom is: walk up from the module's working directory
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("../shared/mesos").normalize();
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isExecutable(candidate.resolve("bin/mesos-master"))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Why real-Mesos tests cannot run here, or empty when they can: no build, a shared library the
     * build needs is not installed, or no permission for a mount namespace.
     */
    public static Optional<String> unavailable() {
        Optional<Path> home = home();
        if (home.isEmpty()) {
            return Optional.of("no Apache Mesos build: set MESOS_HOME or put one at ../shared/mesos beside the project");
        }
        Path master = home.get().resolve("bin/mesos-master");
        if (!Files.isExecutable(master)) {
            return Optional.of("MESOS_HOME=" + home.get() + " has no bin/mesos-master");
        }
        String missing = run("ldd", master.toString(), home.get().resolve("bin/mesos-agent").toString()).output().lines()
                .filter(l -> l.contains("not found")).map(l -> l.trim().split("\\s")[0]).distinct()
                .reduce((a, b) -> a + " " + b).orElse("");
        if (!missing.isEmpty()) {
            return Optional.of("the Mesos build at " + home.get() + " needs libraries that are not installed (" + missing
                    + "); its README lists the Debian packages (.ci/run installs them)");
        }
        if (run("unshare", "-m", "true").code() != 0) {
            return Optional.of("cannot create a mount namespace (unshare -m) for the Mesos agents: run as root");
        }
        return Optional.empty();
    }

    private record Result(int code, String output) {}

    private static Result run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(p.waitFor(), out);
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /**
     * Starts a master (registered in ZooKeeper at {@code zkConnect} under a path of its own) and
     * the agents, and waits until every agent is registered.
     */
    public static RealMesosCluster start(Path dir, String zkConnect, Settings settings) throws IOException, InterruptedException {
        Path home = home().orElseThrow(() -> new IllegalStateException(unavailable().orElse("no Mesos")));
        RealMesosCluster cluster = new RealMesosCluster(home, dir.toAbsolutePath(), zkConnect, settings);
        try {
            cluster.startMaster();
            for (int i = 0; i < settings.agents(); i++) {
                cluster.agents.add(cluster.new Agent(i));
            }
            for (Agent agent : cluster.agents) {
                agent.start();
            }
            cluster.awaitAgents(settings.agents(), Duration.ofSeconds(60));
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private RealMesosCluster(Path home, Path dir, String zkConnect, Settings settings) throws IOException {
        this.home = home;
        this.dir = dir;
        this.settings = settings;
        this.zkUrl = "zk://" + zkConnect + "/mesos";
        this.masterPort = freePort();
        this.portLeases = TaskPortBlocks.lease(settings.agents());
        Files.createDirectories(dir);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The master's {@code zk://host:port/mesos} URL, as the operator is given it. */
    public String zkUrl() {
        return zkUrl;
    }

    public String masterUrl() {
        return "http://127.0.0.1:" + masterPort;
    }

    public List<Agent> agents() {
        return List.copyOf(agents);
    }

    public Path dir() {
        return dir;
    }

    /** The master's {@code /state}. */
    public JsonNode state() {
        return getJson(masterUrl() + "/state");
    }

    /** Starts the master (again, after {@link #stopMaster}), on the same port and work dir. */
    public synchronized void startMaster() throws IOException {
        Path work = Files.createDirectories(dir.resolve("master"));
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/mesos-master").toString(),
                "--ip=127.0.0.1", "--port=" + masterPort, "--hostname=127.0.0.1", "--work_dir=" + work,
                "--zk=" + zkUrl, "--quorum=1", "--cluster=mesos-operator-test", "--allocation_interval=500ms"));
        command.addAll(settings.masterFlags());
        master = launch(command, dir.resolve("master.log"));
        LOG.info("real mesos-master pid {} on {} ({})", master.pid(), masterUrl(), zkUrl);
    }

    /** Kills the master at once (SIGKILL), as a crash would; agents and tasks keep running. */
    public synchronized void killMaster() throws InterruptedException {
        if (master != null) {
            master.destroyForcibly();
            master.waitFor(10, TimeUnit.SECONDS);
            master = null;
        }
    }

    /** Waits until the master (re)started answers and has this many agents registered and active. */
    public void awaitAgents(int count, Duration timeout) throws InterruptedException {
        java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions() // the master is still starting
                    .until(() -> {
                        active.set(state().path("activated_slaves").asInt());
                        return active.get() >= count;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("only " + active.get() + " of " + count + " real Mesos agents registered within "
                    + timeout.toSeconds() + "s; see the logs under " + dir, e);
        }
    }

    /** One {@code mesos-agent}: stopped and started again keeps its work dir (and so its id and checkpoints). */
    public final class Agent {
        private final int index;
        private final int port;
        private Process process;

        private Agent(int index) throws IOException {
            this.index = index;
            this.port = freePort();
        }

        public int index() {
            return index;
        }

        public int port() {
            return port;
        }

        public String url() {
            return "http://127.0.0.1:" + port;
        }

        public Path workDir() {
            return dir.resolve("agent" + index).resolve("work");
        }

        public long begin() {
            return portLeases.get(index).begin();
        }

        /** The agent's id as the master knows it (from its {@code /state}). */
        public String id() {
            return getJson(url() + "/state").path("id").asText();
        }

        public boolean isRunning() {
            return process != null && process.isAlive();
        }

        public synchronized void start() throws IOException {
            Path base = dir.resolve("agent" + index);
            Files.createDirectories(base.resolve("work"));
            Files.createDirectories(base.resolve("run"));
            TaskPortBlocks.Lease ports = portLeases.get(index);
            List<String> command = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                    "umount /sys/fs/cgroup/unified 2>/dev/null; exec \"$@\"", "sh",
                    home.resolve("bin/mesos-agent").toString(), "--master=" + zkUrl, "--ip=127.0.0.1",
                    "--port=" + port, "--hostname=127.0.0.1", "--work_dir=" + base.resolve("work"),
                    "--runtime_dir=" + base.resolve("run"), "--fetcher_cache_dir=" + base.resolve("fetch"),
                    "--launcher_dir=" + home.resolve("bin"), "--launcher=posix", "--isolation=posix/cpu,posix/mem",
                    "--no-systemd_enable_support", "--executor_registration_timeout=2mins",
                    "--resources=cpus:" + settings.cpus() + ";mem:" + settings.memMb() + ";disk:" + settings.diskMb()
                            + ";ports:[" + ports.begin() + "-" + ports.end() + "]"));
            if (index < settings.agentAttributes().size()) {
                command.add("--attributes=" + settings.agentAttributes().get(index));
            }
            process = launch(command, base.resolve("agent.log"));
            LOG.info("real mesos-agent {} pid {} on 127.0.0.1:{}", index, process.pid(), port);
        }

        /** SIGUSR1: the agent kills its executors and tasks and unregisters (what {@link #close} does). */
        public synchronized void stopAndRemove() throws InterruptedException {
            signal("USR1");
        }

        /** SIGTERM: the agent exits and leaves checkpointed executors running for its next start to recover. */
        public synchronized void terminate() throws InterruptedException {
            signal("TERM");
        }

        /** SIGKILL, as a crash of the host's agent process (its tasks keep running). */
        public synchronized void kill() throws InterruptedException {
            signal("KILL");
        }

        private void signal(String name) throws InterruptedException {
            if (process == null || !process.isAlive()) {
                return;
            }
            run("kill", "-" + name, Long.toString(process.pid()));
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                LOG.warn("mesos-agent {} did not exit within 30s of SIG{}: killing it", index, name);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    private static Process launch(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

    private static JsonNode getJson(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + " answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Processes working inside this cluster's directory: executors and tasks (cwd in a sandbox). */
    public List<ProcessHandle> processesInside() {
        String root = dir.toString();
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.filter(p -> p.pid() != ProcessHandle.current().pid()).filter(p -> {
                try {
                    return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd")).toString().startsWith(root);
                } catch (IOException | UnsupportedOperationException e) {
                    return false;
                }
            }).toList();
        }
    }

    private boolean closed;

    /** Agents stop with SIGUSR1 (killing their executors and tasks), then the master; leftovers are killed. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (Agent agent : agents) {
                agent.stopAndRemove();
            }
            killMaster();
            List<ProcessHandle> left = processesInside();
            if (!left.isEmpty()) {
                LOG.warn("{} process(es) still ran in {} after the agents stopped: killing them", left.size(), dir);
                left.forEach(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            portLeases.forEach(TaskPortBlocks.Lease::close);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // called from the hook itself
            }
        }
    }
}
