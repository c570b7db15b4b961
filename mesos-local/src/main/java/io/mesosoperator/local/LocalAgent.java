package io.mesosoperator.local;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.mesosoperator.executor.InProcessCommandExecutor;
import io.mesosoperator.mesos.ContentType;
import io.mesosoperator.mesos.TaskStates;
import io.mesosoperator.mesos.Uuids;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ContainerID;
import org.apache.mesos.v1.Protos.ContainerStatus;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.NetworkInfo;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;
import org.apache.mesos.v1.executor.Protos.Event;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Mesos-compatible agent on loopback: runs each custom executor as a real child process in its
 * own sandbox and process group, and Mesos' command executor (for tasks that carry only a
 * CommandInfo) inside this JVM, where a real agent starts the small C++ mesos-executor (see
 * InProcessCommandExecutor); serves the v1 executor API (POST /api/v1/executor), and forwards
 * status updates reliably (head of each task's queue, retried until the scheduler acknowledges),
 * as slave.cpp and task_status_update_manager.cpp do (see TaskStatusUpdates).
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
    private final ExecutorService fetchers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mesos-local-fetcher");
        t.setDaemon(true);
        return t;
    });
    private Server server;
    private volatile LocalMaster master;
    private Resources total;
    /** The total with this agent's reservations and volumes, as the master last told it. */
    private volatile Resources checkpointed;
    private AgentID agentId;
    private AgentInfo agentInfo;
    private int port;
    private final Map<String, ExecutorRun> executors = new LinkedHashMap<>();
    /** Since when this agent is cut off from the master (fault injection), or -1. */
    private volatile long partitionedSinceNanos = -1;
    private final TaskStatusUpdates statusUpdates;
    private final AgentFiles files;

    /** One executor container: its process, sandbox, stream and the tasks given to it. */
    private static final class ExecutorRun {
        FrameworkInfo framework;
        ExecutorInfo info;
        String containerId;
        Path sandbox;
        /** Mesos' command executor, for a task that came without an ExecutorInfo. */
        boolean commandExecutor;
        ExecutorContainer container;
        EventStream stream;
        boolean shuttingDown;
        ScheduledFuture<?> registrationTimer;
        /** LAUNCH and LAUNCH_GROUP events waiting for the executor to subscribe. */
        final List<Event> queued = new ArrayList<>();
        final Map<String, TaskInfo> tasks = new LinkedHashMap<>();
        final Map<String, TaskState> states = new LinkedHashMap<>();

        String frameworkId() {
            return framework.getId().getValue();
        }
    }

    public LocalAgent(Config config) {
        this.config = config;
        this.actor = new Actor("mesos-local-" + config.name());
        this.statusUpdates = new TaskStatusUpdates(config.name(), config.statusUpdateRetry(), actor, this::partitioned,
                () -> master);
        this.files = new AgentFiles(config.workDir(), () -> agentId);
    }

    public void start(LocalMaster master) throws Exception {
        this.master = master;
        server = new Server(new InetSocketAddress(config.host(), config.port()));
        server.setHandler(new AbstractHandler() {
            @Override
            public void handle(String target, Request base, HttpServletRequest req, HttpServletResponse resp)
                    throws IOException {
                base.setHandled(true);
                route(target, req, resp);
            }
        });
        server.start();
        port = ((org.eclipse.jetty.server.NetworkConnector) server.getConnectors()[0]).getLocalPort();
        // a restarted agent comes back on the same port, where its executors look for it
        ((org.eclipse.jetty.server.ServerConnector) server.getConnectors()[0]).setPort(port);
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
        List<LocalMaster.AgentTask> tasks = new ArrayList<>();
        Map<String, Resources> executorResources = new LinkedHashMap<>();
        for (ExecutorRun ex : executors.values()) {
            for (TaskInfo task : ex.tasks.values()) {
                TaskState state = ex.states.getOrDefault(task.getTaskId().getValue(), TaskState.TASK_STAGING);
                tasks.add(new LocalMaster.AgentTask(ex.frameworkId(), task, state, null));
            }
            if (ex.container != null && ex.info.getResourcesCount() > 0) {
                executorResources.put(ex.frameworkId() + "/" + ex.info.getExecutorId().getValue(),
                        Resources.from(ex.info.getResourcesList()));
            }
        }
        leader.reregisterAgent(this, agentId, checkpointed != null ? checkpointed : total, config.host(), port, tasks,
                executorResources);
        statusUpdates.resume();
    }

    // ---------------------------------------------------------------- reservations and volumes

    @Override
    public void checkpoint(Resources withReservations) {
        checkpointed = withReservations;
    }

    /** A persistent volume's directory: under the agent's work dir, outliving every sandbox. */
    Path volumeDir(String role, String persistenceId) {
        return config.workDir().resolve(Path.of("volumes", "roles", role.replace('/', '_'), persistenceId));
    }

    @Override
    public void createVolume(String role, String persistenceId) {
        try {
            Files.createDirectories(volumeDir(role, persistenceId));
        } catch (IOException e) {
            LOG.error("agent {}: cannot create volume {}", config.name(), persistenceId, e);
        }
    }

    @Override
    public void destroyVolume(String role, String persistenceId) {
        Path dir = volumeDir(role, persistenceId);
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("agent {}: cannot remove volume {}: {}", config.name(), persistenceId, e.getMessage());
        }
    }

    /** Makes each persistent volume a task uses visible at its container_path in the sandbox. */
    private void linkVolumes(ExecutorRun ex, TaskInfo task) throws IOException {
        for (org.apache.mesos.v1.Protos.Resource r : task.getResourcesList()) {
            if (r.hasDisk() && r.getDisk().hasPersistence() && r.getDisk().hasVolume()) {
                Resources.Slot slot = Resources.slotOf(r);
                Path link = ex.sandbox.resolve(slot.containerPath());
                if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, volumeDir(slot.role(), slot.persistenceId()));
                }
            }
        }
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
            executors.values().forEach(ex -> ex.stream = null); // their connections died with the process
            return null;
        });
        server.start();
        heal();
    }

    /** The agent host dies: every executor and task is killed and the agent never comes back. */
    public void crash() {
        partition();
        actor.call(() -> {
            executors.values().forEach(ex -> {
                signal(ex, "KILL");
                if (ex.stream != null) {
                    ex.stream.close(); // the host's connections die with it (an in-agent executor's reader ends)
                }
            });
            executors.clear();
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
        return actor.call(() -> executors.values().stream()
                .filter(e -> e.tasks.containsKey(taskId) && e.container != null)
                .findFirst()
                .map(e -> {
                    e.container.signal("KILL");
                    return true;
                })
                .orElse(false));
    }

    /** Pids of the running executor processes, by executor id (the in-agent command executors have none). */
    public Map<String, Long> executorPids() {
        return actor.call(() -> {
            Map<String, Long> pids = new LinkedHashMap<>();
            executors.values().stream().filter(e -> e.container != null && e.container.pid().isPresent())
                    .forEach(e -> pids.put(e.info.getExecutorId().getValue(), e.container.pid().getAsLong()));
            return pids;
        });
    }

    /** The ids of the executors running on this agent, custom and command executors alike. */
    public java.util.Set<String> runningExecutors() {
        return actor.call(() -> {
            java.util.Set<String> ids = new java.util.LinkedHashSet<>();
            executors.values().stream().filter(e -> e.container != null).forEach(e -> ids.add(e.info.getExecutorId().getValue()));
            return ids;
        });
    }

    // ---------------------------------------------------------------- HTTP

    private void route(String target, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        try {
            switch (target) {
                case "/api/v1/executor" -> executorApi(req, resp);
                case "/files/read", "/files/read.json" -> files.read(req, resp);
                case "/health", "/slave(1)/health" -> resp.setStatus(200);
                default -> Http.text(resp, 404, "");
            }
        } catch (Http.Failure f) {
            Http.text(resp, f.status, f.getMessage());
        }
    }

    private void executorApi(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Http.requirePost(req, resp);
        ContentType type = Http.requestType(req);
        Call call;
        try {
            call = type.decode(Http.body(req), Call.newBuilder()).buildPartial();
        } catch (InvalidProtocolBufferException e) {
            throw Http.badRequest(type == ContentType.JSON
                    ? "Failed to parse body into JSON: " + e.getMessage() : "Failed to parse body into Call protobuf");
        }
        ExecutorCallValidation.validate(call);
        switch (call.getType()) {
            case SUBSCRIBE -> {
                ContentType responseType = Http.responseType(req);
                EventStream stream = new EventStream(UUID.randomUUID().toString(), responseType);
                String key = call.getFrameworkId().getValue() + "/" + call.getExecutorId().getValue();
                actor.call(() -> subscribe(key, call.getSubscribe(), stream));
                resp.setStatus(200);
                resp.setContentType(responseType.mediaType());
                stream.pump(resp, () -> { });
            }
            case HEARTBEAT -> Http.accepted(resp);
            default -> {
                actor.call(() -> {
                    ExecutorRun ex = find(call.getFrameworkId().getValue() + "/" + call.getExecutorId().getValue());
                    if (ex.stream == null) {
                        throw new Http.Failure(403, "Executor is not subscribed");
                    }
                    if (call.getType() == Call.Type.UPDATE) {
                        executorUpdate(ex, call.getUpdate().getStatus());
                    } else if (call.getType() == Call.Type.MESSAGE) {
                        master.frameworkMessage(agentId.getValue(), ex.frameworkId(), ex.info.getExecutorId().getValue(),
                                call.getMessage().getData());
                    }
                    return null;
                });
                Http.accepted(resp);
            }
        }
    }

    /** The executor a call is about (framework id/executor id), or the 400 an agent answers when it has none. */
    private ExecutorRun find(String key) {
        ExecutorRun ex = executors.get(key);
        if (ex == null) {
            throw Http.badRequest(executors.keySet().stream().anyMatch(k -> k.startsWith(key.split("/")[0] + "/"))
                    ? "Executor cannot be found" : "Framework cannot be found");
        }
        return ex;
    }

    private Void subscribe(String key, Call.Subscribe subscribe, EventStream stream) {
        ExecutorRun ex = find(key);
        if (ex.stream != null) {
            ex.stream.close();
        }
        ex.stream = stream;
        if (ex.registrationTimer != null) {
            ex.registrationTimer.cancel(false);
        }
        ExecutorInfo executorInfo = ex.info.toBuilder().setFrameworkId(ex.framework.getId()).clearResources()
                .addAllResources(Resources.from(ex.info.getResourcesList()).toProtos("*", true)).build();
        stream.send(Event.newBuilder().setType(Event.Type.SUBSCRIBED)
                .setSubscribed(Event.Subscribed.newBuilder()
                        .setExecutorInfo(executorInfo)
                        .setFrameworkInfo(ex.framework)
                        .setAgentInfo(agentInfo)
                        .setContainerId(ContainerID.newBuilder().setValue(ex.containerId)))
                .build());
        for (Call.Update update : subscribe.getUnacknowledgedUpdatesList()) {
            executorUpdate(ex, update.getStatus());
        }
        dropTasksUnknownToExecutor(ex, subscribe);
        if (ex.shuttingDown) {
            stream.send(Event.newBuilder().setType(Event.Type.SHUTDOWN).build());
            return null;
        }
        ex.queued.forEach(stream::send);
        ex.queued.clear();
        return null;
    }

    /**
     * A task delivered to the executor that has had no update and that the re-subscribing executor
     * does not list among the tasks it knows never reached it (slave.cpp subscribe): TASK_DROPPED,
     * or TASK_LOST for a framework that is not PARTITION_AWARE.
     */
    private void dropTasksUnknownToExecutor(ExecutorRun ex, Call.Subscribe subscribe) {
        java.util.Set<String> known = new java.util.HashSet<>();
        subscribe.getUnacknowledgedTasksList().forEach(t -> known.add(t.getTaskId().getValue()));
        ex.queued.forEach(event -> tasksOf(event).forEach(t -> known.add(t.getTaskId().getValue()))); // not delivered yet
        boolean partitionAware = ex.framework.getCapabilitiesList().stream()
                .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.PARTITION_AWARE);
        for (TaskInfo task : ex.tasks.values()) {
            String id = task.getTaskId().getValue();
            if (ex.states.containsKey(id) || known.contains(id)) {
                continue;
            }
            TaskState state = partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
            ex.states.put(id, state);
            statusUpdates.update(ex.frameworkId(), TaskStatus.newBuilder()
                    .setTaskId(task.getTaskId())
                    .setState(state)
                    .setSource(TaskStatus.Source.SOURCE_AGENT)
                    .setReason(TaskStatus.Reason.REASON_AGENT_RESTARTED)
                    .setMessage("Task launched during agent restart")
                    .setAgentId(agentId)
                    .setExecutorId(ex.info.getExecutorId())
                    .setTimestamp(LocalMaster.now())
                    .setUuid(Uuids.random())
                    .build());
        }
    }

    private void executorUpdate(ExecutorRun ex, TaskStatus status) {
        ex.stream.send(Event.newBuilder().setType(Event.Type.ACKNOWLEDGED)
                .setAcknowledged(Event.Acknowledged.newBuilder().setTaskId(status.getTaskId()).setUuid(status.getUuid()))
                .build());
        TaskStatus.Builder forwarded = status.toBuilder()
                .setAgentId(agentId)
                .setExecutorId(ex.info.getExecutorId());
        // what the containerizer knows of the executor's container, as slave.cpp adds it to every update
        ContainerStatus.Builder container = forwarded.getContainerStatusBuilder()
                .setContainerId(ContainerID.newBuilder().setValue(ex.containerId))
                .clearNetworkInfos().addNetworkInfos(NetworkInfo.newBuilder().addIpAddresses(NetworkInfo.IPAddress.newBuilder()
                        .setProtocol(NetworkInfo.Protocol.IPv4).setIpAddress(config.host())));
        if (ex.container != null && ex.container.pid().isPresent()) {
            container.setExecutorPid((int) ex.container.pid().getAsLong());
        }
        if (!status.hasTimestamp()) {
            forwarded.setTimestamp(LocalMaster.now());
        }
        ex.states.put(status.getTaskId().getValue(), status.getState());
        statusUpdates.update(ex.frameworkId(), forwarded.build());
    }

    // ---------------------------------------------------------------- status updates

    @Override
    public void acknowledge(String frameworkId, String taskId, ByteString uuid) {
        actor.dispatch(() -> {
            if (partitioned()) {
                return; // lost in the partition
            }
            statusUpdates.acknowledgement(frameworkId, taskId, uuid);
        });
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

    // ---------------------------------------------------------------- launching

    @Override
    public void launch(FrameworkInfo framework, TaskInfo task) {
        ExecutorInfo info = task.hasExecutor() ? task.getExecutor() : CommandExecutorInfo.forTask(framework, task);
        deliver(framework, info, !task.hasExecutor(), List.of(task), Event.newBuilder().setType(Event.Type.LAUNCH)
                .setLaunch(Event.Launch.newBuilder().setTask(allocated(framework, task))).build());
    }

    /** LAUNCH_GROUP: the tasks reach their (one) executor together, in one event. */
    @Override
    public void launchGroup(FrameworkInfo framework, ExecutorInfo executor, List<TaskInfo> group) {
        deliver(framework, executor, false, group, Event.newBuilder().setType(Event.Type.LAUNCH_GROUP)
                .setLaunchGroup(Event.LaunchGroup.newBuilder().setTaskGroup(org.apache.mesos.v1.Protos.TaskGroupInfo.newBuilder()
                        .addAllTasks(group.stream().map(t -> allocated(framework, t)).toList()))).build());
    }

    /**
     * A task as a master hands it over: its and its executor's resources allocated to the
     * framework's role, unreserved ones without a role (the format an agent with
     * RESERVATION_REFINEMENT gets).
     */
    private static TaskInfo allocated(FrameworkInfo framework, TaskInfo task) {
        String role = framework.getRolesCount() > 0 ? framework.getRoles(0) : framework.getRole();
        TaskInfo.Builder out = task.toBuilder().clearResources().addAllResources(allocated(task.getResourcesList(), role));
        if (task.hasExecutor()) {
            out.getExecutorBuilder().clearResources().addAllResources(allocated(task.getExecutor().getResourcesList(), role));
        }
        return out.build();
    }

    private static List<Resource> allocated(List<Resource> resources, String role) {
        return resources.stream().map(r -> {
            Resource.Builder b = r.toBuilder().setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role));
            if (!r.hasReservation() && r.getReservationsCount() == 0) {
                b.clearRole();
            }
            return b.build();
        }).toList();
    }

    private void deliver(FrameworkInfo framework, ExecutorInfo info, boolean commandExecutor, List<TaskInfo> tasks, Event event) {
        actor.dispatch(() -> {
            if (partitioned()) {
                return; // lost in the partition
            }
            String key = framework.getId().getValue() + "/" + info.getExecutorId().getValue();
            ExecutorRun ex = executors.get(key);
            if (ex == null) {
                ex = new ExecutorRun();
                ex.framework = framework.toBuilder().setCheckpoint(framework.getCheckpoint()).build();
                ex.info = info;
                ex.commandExecutor = commandExecutor;
                ex.containerId = UUID.randomUUID().toString();
                ex.sandbox = files.executorRun(framework.getId().getValue(), info.getExecutorId().getValue(), ex.containerId);
                executors.put(key, ex);
                startExecutor(key, ex);
            }
            for (TaskInfo task : tasks) {
                ex.tasks.put(task.getTaskId().getValue(), task);
                if (ex.container != null) {
                    try {
                        linkVolumes(ex, task);
                    } catch (IOException e) {
                        LOG.warn("agent {}: cannot link volumes of {}: {}", config.name(), task.getTaskId().getValue(), e.getMessage());
                    }
                }
            }
            if (ex.stream != null) {
                ex.stream.send(event);
            } else {
                ex.queued.add(event);
            }
        });
    }

    private void startExecutor(String key, ExecutorRun ex) {
        CompletableFuture.runAsync(() -> {
            try {
                Files.createDirectories(ex.sandbox);
                AgentFiles.linkLatestRun(ex.sandbox);
                for (CommandInfo.URI uri : ex.info.getCommand().getUrisList()) {
                    Fetcher.fetch(uri, ex.sandbox);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while fetching", e);
            }
        }, fetchers).whenComplete((ok, error) -> actor.dispatch(() -> {
            if (executors.get(key) != ex) {
                return; // shut down while fetching
            }
            if (error != null) {
                String message = "Failed to launch container: " + rootMessage(error);
                LOG.warn("agent {}: executor {}: {}", config.name(), ex.info.getExecutorId().getValue(), message);
                executorGone(key, ex, -1, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, message);
                return;
            }
            try {
                for (TaskInfo task : ex.tasks.values()) {
                    linkVolumes(ex, task);
                }
                ex.container = spawn(ex);
            } catch (IOException e) {
                executorGone(key, ex, -1, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED,
                        "Failed to launch container: " + e.getMessage());
                return;
            }
            LOG.info("agent {}: started executor {} {} in {}", config.name(), ex.info.getExecutorId().getValue(),
                    ex.container.pid().isPresent() ? "as pid " + ex.container.pid().getAsLong() : "(command executor)", ex.sandbox);
            ex.container.onExit().thenAccept(exitValue -> actor.dispatch(() -> {
                if (executors.get(key) == ex) {
                    executorGone(key, ex, exitValue, TaskStatus.Reason.REASON_EXECUTOR_TERMINATED, "Executor terminated");
                }
            }));
            ex.registrationTimer = actor.delay(config.registrationTimeout().toMillis(), () -> {
                if (executors.get(key) == ex && ex.stream == null) {
                    LOG.warn("agent {}: executor {} did not subscribe within {}", config.name(),
                            ex.info.getExecutorId().getValue(), config.registrationTimeout());
                    signal(ex, "KILL");
                    executorGone(key, ex, -1, TaskStatus.Reason.REASON_EXECUTOR_REGISTRATION_TIMEOUT,
                            "Executor did not register within " + config.registrationTimeout().toSeconds() + "secs");
                }
            });
        }));
    }

    private ExecutorContainer spawn(ExecutorRun ex) throws IOException {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        ex.info.getCommand().getEnvironment().getVariablesList().forEach(v -> env.put(v.getName(), v.getValue()));
        env.put("MESOS_FRAMEWORK_ID", ex.frameworkId());
        env.put("MESOS_EXECUTOR_ID", ex.info.getExecutorId().getValue());
        env.put("MESOS_DIRECTORY", ex.sandbox.toString());
        env.put("MESOS_SANDBOX", ex.sandbox.toString());
        env.put("MESOS_SLAVE_ID", agentId.getValue());
        env.put("MESOS_SLAVE_PID", "slave(1)@" + endpoint());
        env.put("MESOS_AGENT_ENDPOINT", endpoint());
        env.put("MESOS_CHECKPOINT", ex.framework.getCheckpoint() ? "1" : "0");
        env.put("MESOS_HTTP_COMMAND_EXECUTOR", ex.commandExecutor ? "1" : "0");
        env.put("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", shutdownGracePeriod(ex).toSeconds() + "secs");
        env.put("LIBPROCESS_IP", config.host());
        env.put("LIBPROCESS_PORT", "0");
        if (ex.framework.getCheckpoint()) {
            env.put("MESOS_RECOVERY_TIMEOUT", "15mins");
            env.put("MESOS_SUBSCRIPTION_BACKOFF_MAX", "2secs");
        }
        if (ex.commandExecutor) {
            return ExecutorContainer.of(InProcessCommandExecutor.start(env, ex.sandbox.resolve("stderr")));
        }
        return ExecutorContainer.start(ex.info.getCommand(), ex.sandbox, env);
    }

    /** The executor's own (ExecutorInfo.shutdown_grace_period, as a command executor's is), else the agent's flag. */
    private Duration shutdownGracePeriod(ExecutorRun ex) {
        if (ex.info.hasShutdownGracePeriod()) {
            return Duration.ofNanos(ex.info.getShutdownGracePeriod().getNanoseconds());
        }
        return config.shutdownGracePeriod();
    }

    /**
     * The executor is gone (exited, crashed, never started): its process group is killed, its
     * unfinished tasks get a terminal update from the agent, and the scheduler a FAILURE event.
     */
    private void executorGone(String key, ExecutorRun ex, int exitValue, TaskStatus.Reason reason, String message) {
        executors.remove(key);
        signal(ex, "KILL");
        if (ex.registrationTimer != null) {
            ex.registrationTimer.cancel(false);
        }
        if (ex.stream != null) {
            ex.stream.close();
        }
        for (TaskInfo task : ex.tasks.values()) {
            TaskState state = ex.states.get(task.getTaskId().getValue());
            if (state != null && TaskStates.isTerminal(state)) {
                continue;
            }
            TaskState terminal = ex.shuttingDown ? TaskState.TASK_KILLED : TaskState.TASK_FAILED;
            statusUpdates.update(ex.frameworkId(), TaskStatus.newBuilder()
                    .setTaskId(task.getTaskId())
                    .setState(terminal)
                    .setSource(TaskStatus.Source.SOURCE_AGENT)
                    .setReason(reason)
                    .setMessage(message)
                    .setAgentId(agentId)
                    .setExecutorId(ex.info.getExecutorId())
                    .setTimestamp(LocalMaster.now())
                    .setUuid(Uuids.random())
                    .build());
        }
        LOG.info("agent {}: executor {} of framework {} is gone ({}, exit value {}){}", config.name(),
                ex.info.getExecutorId().getValue(), ex.frameworkId(), message, exitValue,
                exitValue == 0 ? "" : "; last lines of its stderr:\n" + tail(ex.sandbox.resolve("stderr"), 5));
        // FAILURE carries a raw wait status: exit code << 8, or the signal number
        int waitStatus = exitValue > 128 ? exitValue - 128 : Math.max(exitValue, 0) << 8;
        // the master never knew a command executor (the agent made it up): its exit is not reported (slave.cpp)
        if (!partitioned() && !ex.commandExecutor) {
            master.executorTerminated(agentId.getValue(), ex.frameworkId(), ex.info.getExecutorId().getValue(), waitStatus);
        }
    }

    @Override
    public void killTask(String frameworkId, String taskId) {
        actor.dispatch(() -> {
            if (partitioned()) {
                return; // lost in the partition
            }
            for (ExecutorRun ex : executors.values()) {
                if (!ex.frameworkId().equals(frameworkId) || !ex.tasks.containsKey(taskId)) {
                    continue;
                }
                Event queued = ex.queued.stream().filter(e -> tasksOf(e).stream()
                        .anyMatch(t -> t.getTaskId().getValue().equals(taskId))).findFirst().orElse(null);
                if (queued != null) {
                    // killing one task of an undelivered group kills the whole group (scheduler-http-api.md KILL)
                    ex.queued.remove(queued);
                    for (TaskInfo t : tasksOf(queued)) {
                        ex.states.put(t.getTaskId().getValue(), TaskState.TASK_KILLED);
                        statusUpdates.update(frameworkId, TaskStatus.newBuilder()
                                .setTaskId(t.getTaskId())
                                .setState(TaskState.TASK_KILLED)
                                .setSource(TaskStatus.Source.SOURCE_AGENT)
                                .setReason(TaskStatus.Reason.REASON_TASK_KILLED_DURING_LAUNCH)
                                .setMessage("Killed before delivery to the executor")
                                .setAgentId(agentId)
                                .setExecutorId(ex.info.getExecutorId())
                                .setTimestamp(LocalMaster.now())
                                .setUuid(Uuids.random())
                                .build());
                    }
                } else if (ex.stream != null) {
                    ex.stream.send(Event.newBuilder().setType(Event.Type.KILL)
                            .setKill(Event.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId))).build());
                }
                return;
            }
        });
    }

    private static List<TaskInfo> tasksOf(Event launch) {
        return launch.getType() == Event.Type.LAUNCH_GROUP ? launch.getLaunchGroup().getTaskGroup().getTasksList()
                : List.of(launch.getLaunch().getTask());
    }

    @Override
    public void shutdownExecutor(String frameworkId, String executorId) {
        actor.dispatch(() -> {
            if (partitioned()) {
                return; // lost in the partition
            }
            ExecutorRun ex = executors.get(frameworkId + "/" + executorId);
            if (ex != null) {
                shutdown(ex);
            }
        });
    }

    @Override
    public void shutdownFramework(String frameworkId) {
        actor.dispatch(() -> {
            if (partitioned()) {
                return;
            }
            executors.values().stream().filter(e -> e.frameworkId().equals(frameworkId)).toList().forEach(this::shutdown);
            statusUpdates.cleanup(frameworkId);
        });
    }

    private void shutdown(ExecutorRun ex) {
        ex.shuttingDown = true;
        if (ex.stream != null) {
            ex.stream.send(Event.newBuilder().setType(Event.Type.SHUTDOWN).build());
        }
        // after the grace period the container is destroyed, whatever the executor did
        actor.delay(shutdownGracePeriod(ex).toMillis(), () -> signal(ex, "KILL"));
    }

    @Override
    public void frameworkMessage(String frameworkId, String executorId, ByteString data) {
        actor.dispatch(() -> {
            if (partitioned()) {
                return; // lost in the partition
            }
            ExecutorRun ex = executors.get(frameworkId + "/" + executorId);
            if (ex != null && ex.stream != null) {
                ex.stream.send(Event.newBuilder().setType(Event.Type.MESSAGE)
                        .setMessage(Event.Message.newBuilder().setData(data)).build());
            }
        });
    }

    private static void signal(ExecutorRun ex, String signal) {
        if (ex.container != null) {
            ex.container.signal(signal);
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no stderr)";
        }
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }


    /** Stops every executor (SIGTERM to each process group, SIGKILL after 3 s) and the HTTP server. */
    @Override
    public void close() throws Exception {
        List<ExecutorRun> running = actor.call(() -> new ArrayList<>(executors.values()));
        running.forEach(ex -> signal(ex, "TERM"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (ExecutorRun ex : running) {
            if (ex.container != null) {
                try {
                    ex.container.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    // still running: killed below
                }
            }
            signal(ex, "KILL");
        }
        actor.close();
        fetchers.shutdownNow();
        if (server != null) {
            server.stop();
        }
    }
}
