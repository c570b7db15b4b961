package io.mesosoperator.local;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Mesos-compatible agent on loopback: runs each custom executor as a real child process in its
 * own sandbox and process group, and Mesos' command executor (for tasks that carry only a
 * CommandInfo) inside this JVM, where a real agent starts the small C++ mesos-executor (see
 * InProcessCommandExecutor); serves the v1 executor API (POST /api/v1/executor), and forwards
 * status updates reliably (head of each task's queue, retried until the scheduler acknowledges),
 * as slave.cpp and task_status_update_manager.cpp do (see TaskStatusUpdates).
 *
 * <p>This class is the agent's identity, registration with its master, life cycle and fault
 * injection, and the door the master calls through (dropped while partitioned); the work is done
 * on its actor by {@link AgentExecutors} (executors and their tasks), {@link Containerizer}
 * (sandboxes, processes, volumes), {@link ExecutorApi} (the executor API), {@link TaskStatusUpdates}
 * {@link AgentFiles} (/files/read) and {@link ContainerStatistics} (/monitor/statistics).
 */
public final class LocalAgent implements Agent, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalAgent.class);

    public record Config(
            String name, String host, int port, double cpus, double memMb, double diskMb,
            long portsBegin, long portsEnd, List<Attribute> attributes, Path workDir,
            Duration registrationTimeout,
            Duration statusUpdateRetry, Duration shutdownGracePeriod) {}

    private final Config config;
    private final Actor actor;
    private Server server;
    private volatile LocalMaster master;
    private Resources total;
    /** The total with this agent's reservations and volumes, as the master last told it. */
    private volatile Resources checkpointed;
    private AgentID agentId;
    private AgentInfo agentInfo;
    private int port;
    /** Since when this agent is cut off from the master (fault injection), or -1. */
    private volatile long partitionedSinceNanos = -1;
    private final TaskStatusUpdates statusUpdates;
    private final AgentFiles files;
    private final Containerizer containerizer;
    private final AgentExecutors executors;
    private final ExecutorApi executorApi;

    public LocalAgent(Config config) {
        this.config = config;
        this.actor = new Actor("mesos-local-" + config.name());
        this.statusUpdates = new TaskStatusUpdates(config.name(), config.statusUpdateRetry(), actor, this::partitioned,
                () -> master);
        this.files = new AgentFiles(config.workDir(), () -> agentId);
        this.containerizer = new Containerizer(config, this::endpoint);
        this.executors = new AgentExecutors(this, config, actor, statusUpdates, files, containerizer);
        this.executorApi = new ExecutorApi(this, actor, executors, statusUpdates);
    }

    public void start(LocalMaster master) throws Exception {
        this.master = master;
        server = Http.server(config.host(), config.port(), (target, req, resp) -> {
            switch (target) {
                case "/api/v1/executor" -> executorApi.handle(req, resp);
                case "/files/read", "/files/read.json" -> files.read(req, resp);
                // /proc is read on the request's thread, not the actor's
                case "/monitor/statistics", "/monitor/statistics.json" ->
                        Http.json(resp, ContainerStatistics.json(actor.call(executors::containers)));
                case "/health", "/slave(1)/health" -> resp.setStatus(200);
                default -> Http.text(resp, 404, "");
            }
        });
        server.start();
        port = Http.localPort(server);
        // a restarted agent comes back on the same port, where its executors look for it
        ((ServerConnector) server.getConnectors()[0]).setPort(port);
        total = Resources.of(config.cpus(), config.memMb(), config.diskMb(), config.portsBegin(), config.portsEnd());
        agentId = master.registerAgent(this, total, config.host(), port);
        agentInfo = AgentInfo.newBuilder()
                .setId(agentId)
                .setHostname(config.host())
                .setPort(port)
                .addAllResources(ownResources(total))
                .addAllAttributes(attributes())
                .build();
        Files.createDirectories(config.workDir());
    }

    public String id() {
        return agentId.getValue();
    }

    public String endpoint() {
        return config.host() + ":" + port;
    }

    public Path workDir() {
        return config.workDir();
    }

    @Override
    public List<Attribute> attributes() {
        return config.attributes();
    }

    AgentID agentId() {
        return agentId;
    }

    AgentInfo agentInfo() {
        return agentInfo;
    }

    String host() {
        return config.host();
    }

    /** The master of the moment: a new leader replaces it after a master failover. */
    LocalMaster master() {
        return master;
    }

    /** The agent's resources as its --resources flag lists them: cpus, mem, disk, ports; unreserved ones without a role. */
    private static List<Resource> ownResources(Resources total) {
        List<Resource> out = new ArrayList<>();
        List<Resource> ports = new ArrayList<>();
        for (Resource r : total.toProtos("*", false)) {
            (r.getName().equals("ports") ? ports : out).add(r.getRole().equals("*") ? r.toBuilder().clearRole().build() : r);
        }
        out.addAll(ports);
        return out;
    }

    /**
     * A new master leads: re-register with it (same agent id), report every task, and send it the
     * pending status updates, as an agent does after a master failover.
     */
    void follow(LocalMaster leader) {
        actor.dispatch(() -> {
            if (leader != master) {
                reregister(leader);
            }
        });
    }

    private void reregister(LocalMaster leader) {
        master = leader;
        List<MasterAgents.AgentTask> tasks = new ArrayList<>();
        Map<String, Resources> executorResources = new LinkedHashMap<>();
        executors.report(tasks, executorResources);
        leader.reregisterAgent(this, agentId, checkpointed != null ? checkpointed : total, config.host(), port, tasks,
                executorResources);
        statusUpdates.resume();
    }

    // ---------------------------------------------------------------- what the master asks

    /** Work from the master, on the agent's actor; lost while the agent is partitioned from it. */
    private void fromMaster(Runnable work) {
        actor.dispatch(() -> {
            if (!partitioned()) {
                work.run();
            }
        });
    }

    @Override
    public void launch(FrameworkInfo framework, TaskInfo task) {
        fromMaster(() -> executors.launch(framework, task));
    }

    /** LAUNCH_GROUP: the tasks reach their (one) executor together, in one event. */
    @Override
    public void launchGroup(FrameworkInfo framework, ExecutorInfo executor, List<TaskInfo> group) {
        fromMaster(() -> executors.launchGroup(framework, executor, group));
    }

    @Override
    public void killTask(String frameworkId, String taskId) {
        fromMaster(() -> executors.kill(frameworkId, taskId));
    }

    @Override
    public void acknowledge(String frameworkId, String taskId, ByteString uuid) {
        fromMaster(() -> statusUpdates.acknowledgement(frameworkId, taskId, uuid));
    }

    @Override
    public void shutdownExecutor(String frameworkId, String executorId) {
        fromMaster(() -> executors.shutdownExecutor(frameworkId, executorId));
    }

    @Override
    public void shutdownFramework(String frameworkId) {
        fromMaster(() -> {
            executors.shutdownFramework(frameworkId);
            statusUpdates.cleanup(frameworkId);
        });
    }

    @Override
    public void frameworkMessage(String frameworkId, String executorId, ByteString data) {
        fromMaster(() -> executors.frameworkMessage(frameworkId, executorId, data));
    }

    // ---------------------------------------------------------------- reservations and volumes

    @Override
    public void checkpoint(Resources withReservations) {
        checkpointed = withReservations;
    }

    /** A persistent volume's directory: under the agent's work dir, outliving every sandbox. */
    Path volumeDir(String role, String persistenceId) {
        return containerizer.volumeDir(role, persistenceId);
    }

    @Override
    public void createVolume(String role, String persistenceId) {
        containerizer.createVolume(role, persistenceId);
    }

    @Override
    public void destroyVolume(String role, String persistenceId) {
        containerizer.destroyVolume(role, persistenceId);
    }

    // ---------------------------------------------------------------- fault injection

    /**
     * Cuts the agent off from the master, as a network partition would: nothing passes either
     * way; the tasks keep running. After the master's ping timeout it marks the agent unreachable.
     */
    public void partition() {
        partitionedSinceNanos = System.nanoTime();
        LOG.info("agent {} ({}) partitioned from the master", config.name(), id());
    }

    /** Ends a partition: the agent re-registers with the master and reports its tasks. */
    public void heal() {
        actor.dispatch(() -> {
            partitionedSinceNanos = -1;
            LOG.info("agent {} ({}) reconnected; re-registering", config.name(), id());
            reregister(master);
        });
    }

    /** The next {@code count} status updates this agent forwards are lost; the retry brings them again. */
    public void dropStatusUpdates(int count) {
        statusUpdates.dropNext(count);
    }

    /**
     * The agent process restarts while its executors keep running (`--recover=reconnect`): the
     * executor API goes away for {@code downtime}, the executors retry their subscription (they
     * run with checkpointing) and re-send what was not acknowledged; the agent re-registers.
     */
    public void restart(Duration downtime) throws Exception {
        partition();
        server.stop();
        Thread.sleep(downtime.toMillis());
        actor.call(() -> {
            executors.all().forEach(ex -> ex.stream = null); // their connections died with the process
            return null;
        });
        server.start();
        heal();
    }

    /** The agent host dies: every executor and task is killed and the agent never comes back. */
    public void crash() {
        partition();
        actor.call(() -> {
            executors.crash();
            statusUpdates.clear();
            return null;
        });
    }

    boolean partitioned() {
        return partitionedSinceNanos >= 0;
    }

    @Override
    public long partitionedForNanos() {
        long since = partitionedSinceNanos;
        return since < 0 ? 0 : System.nanoTime() - since;
    }

    /** Kills the executor running a task with SIGKILL, as a crash would (its tasks die with it). */
    public boolean crashExecutorOf(String taskId) {
        return actor.call(() -> executors.killExecutorOf(taskId));
    }

    /** Pids of the running executor processes, by executor id (the in-agent command executors have none). */
    public Map<String, Long> executorPids() {
        return actor.call(executors::pids);
    }

    /** The ids of the executors running on this agent, custom and command executors alike. */
    public Set<String> runningExecutors() {
        return actor.call(executors::running);
    }

    /** How long executors have between the SIGTERM and the SIGKILL when the agent stops. */
    static final Duration STOP_GRACE = Duration.ofSeconds(3);

    /** Stops every executor (SIGTERM to each process group, SIGKILL after 3 s) and the HTTP server. */
    @Override
    public void close() throws Exception {
        List<ExecutorRun> stopping = terminate();
        killExecutors(stopping, System.nanoTime() + STOP_GRACE.toNanos());
    }

    /**
     * The first half of {@link #close}: the agent starts nothing more (a launch in flight has
     * started by the time this returns, on the actor, and is among the executors it returns) and
     * every executor gets SIGTERM.
     */
    List<ExecutorRun> terminate() {
        if (actor.closed()) {
            return List.of(); // stopped before
        }
        List<ExecutorRun> running = actor.call(executors::terminate);
        running.forEach(ex -> signal(ex, "TERM"));
        return running;
    }

    /** The second half: SIGKILL to what has not ended by the deadline, then the agent's threads and server. */
    void killExecutors(List<ExecutorRun> running, long deadlineNanos) throws Exception {
        for (ExecutorRun ex : running) {
            if (ex.container != null) {
                try {
                    ex.container.onExit().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // still running: killed below
                }
            }
            signal(ex, "KILL");
        }
        actor.close();
        containerizer.close();
        if (server != null) {
            server.stop();
        }
    }

    /** One executor that cannot be signalled must not spare the others. */
    private void signal(ExecutorRun ex, String signal) {
        try {
            ex.signal(signal);
        } catch (RuntimeException e) {
            LOG.warn("agent {}: cannot send SIG{} to executor {}", config.name(), signal, ex.executorId(), e);
        }
    }
}
