package io.mesosoperator.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import io.mesosoperator.mesos.ContentType;
import io.mesosoperator.mesos.TaskStates;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.Address;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.TimeInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Mesos-compatible master on loopback: the v1 scheduler API (POST /api/v1/scheduler) with its
 * RecordIO event stream, an allocator that offers agents' free resources every allocation
 * interval, and the task bookkeeping behind RECONCILE. Status codes, headers and error bodies
 * follow a real 1.12 master (../shared/mesos-transcripts). All state lives on one actor thread.
 */
public final class LocalMaster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalMaster.class);
    static final String VERSION = "1.12.0";

    /**
     * @param agentUnreachableAfter how long an agent may not answer before it is marked unreachable
     *     (Mesos: agent_ping_timeout x max_agent_ping_timeouts = 15 s x 5)
     */
    public record Config(String host, int port, Duration heartbeatInterval, Duration allocationInterval,
                         Duration agentUnreachableAfter, Map<String, String> credentials) {}

    private final Config config;
    private final String masterId = UUID.randomUUID().toString();
    private final double startTime = now();
    private volatile double electedTime = now();
    /** Whether this master leads (single-master clusters always do); set by the cluster's detector. */
    private volatile boolean leading = true;
    /** The leader's address for 307 redirects when not leading; null when none is known (503). */
    private volatile Address leaderAddress;
    private MasterContender contender;
    private final Actor actor = new Actor("mesos-local-master");
    private final ObjectMapper json = new ObjectMapper();
    private Server server;
    private MasterInfo info;
    private int frameworkSeq;
    private int agentSeq;

    private final Map<String, FrameworkEntry> frameworks = new LinkedHashMap<>();
    private final Map<String, AgentEntry> agents = new LinkedHashMap<>();
    private final Reservations reservations = new Reservations(agents);
    /** Agents marked unreachable, with the time they were marked (for unreachable_time). */
    private final Map<String, Double> unreachable = new LinkedHashMap<>();
    private final Map<String, OfferEntry> offers = new LinkedHashMap<>();
    /** Keyed by framework id + "/" + task id: task ids are unique per framework only. */
    private final Map<String, TaskEntry> tasks = new LinkedHashMap<>();
    private final RunningExecutors executors = new RunningExecutors();
    private final Allocator allocator;
    private final TaskValidation validation = new TaskValidation(tasks, executors);
    private volatile java.util.function.Consumer<TaskInfo> launchWatcher = t -> { };

    static final class FrameworkEntry {
        FrameworkID id;
        FrameworkInfo info;
        EventStream stream;
        ScheduledFuture<?> heartbeat;
        ScheduledFuture<?> failoverTimer;

        boolean partitionAware() {
            return info.getCapabilitiesList().stream()
                    .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.PARTITION_AWARE);
        }

        String role() {
            return info.getRolesCount() > 0 ? info.getRoles(0) : info.getRole();
        }
    }

    record AgentEntry(Agent agent, AgentID id, Resources total, String hostname, int port) {}

    record OfferEntry(Offer offer, String frameworkId, String agentId, Resources resources) {}

    static final class TaskEntry {
        final String frameworkId;
        final TaskInfo task;
        final String agentId;
        final Resources resources;
        TaskState state = TaskState.TASK_STAGING;
        TaskStatus lastStatus;
        final List<TaskStatus> statuses = new ArrayList<>();

        TaskEntry(String frameworkId, TaskInfo task, String agentId, Resources resources) {
            this.frameworkId = frameworkId;
            this.task = task;
            this.agentId = agentId;
            this.resources = resources;
        }
    }

    public LocalMaster(Config config) {
        this.config = config;
        // built here, not at its field, as it needs config
        this.allocator = new Allocator(masterId, config.host(), () -> leading,
                frameworks, agents, unreachable, tasks, executors, offers);
    }

    public void start() throws Exception {
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
        int port = ((org.eclipse.jetty.server.NetworkConnector) server.getConnectors()[0]).getLocalPort();
        info = MasterInfo.newBuilder()
                .setId(masterId)
                .setIp(ipv4AsNetworkOrderInt(config.host()))
                .setPort(port)
                .setPid("master@" + config.host() + ":" + port)
                .setHostname(config.host())
                .setVersion(VERSION)
                .setAddress(Address.newBuilder().setHostname(config.host()).setIp(config.host()).setPort(port))
                .addCapabilities(MasterInfo.Capability.newBuilder().setType(MasterInfo.Capability.Type.AGENT_UPDATE))
                .addCapabilities(MasterInfo.Capability.newBuilder().setType(MasterInfo.Capability.Type.AGENT_DRAINING))
                .build();
        allocator.start(actor, config.allocationInterval());
        actor.every(Math.min(1000, config.agentUnreachableAfter().toMillis()), this::checkAgents);
        LOG.info("mesos-local master {} listening on {}", masterId, url());
    }

    public String url() {
        return "http://" + config.host() + ":" + info.getPort();
    }

    public String id() {
        return masterId;
    }

    public MasterInfo info() {
        return info;
    }

    public boolean isLeading() {
        return leading;
    }

    /** Joins the ZooKeeper group of masters (as `--zk=zk://HOSTS/PATH` does). */
    void contend(String zkConnect, String zkPath) throws java.io.IOException, InterruptedException {
        contender = MasterContender.contend(zkConnect, zkPath, info);
        LOG.info("master {} published as {}", masterId, contender.node());
    }

    /** Told by the detector who leads: this master, another one (redirect to it), or nobody. */
    void leaderIs(MasterInfo leader) {
        boolean nowLeading = leader != null && leader.getId().equals(masterId);
        leaderAddress = leader == null ? null : leader.getAddress();
        if (nowLeading != leading) {
            LOG.info("master {} is {}", masterId, nowLeading ? "now the leader" : "no longer the leader");
            if (nowLeading) {
                electedTime = now();
            }
        }
        leading = nowLeading;
    }

    // ---------------------------------------------------------------- HTTP

    private void route(String target, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        try {
            switch (target) {
                // a master's endpoints live under its process id, "master"; Mesos' scheduler library uses that path
                case "/api/v1/scheduler", "/master/api/v1/scheduler" -> scheduler(req, resp);
                case "/state", "/master/state", "/state.json" -> Http.json(resp, actor.call(this::stateJson));
                case "/health", "/master/health" -> resp.setStatus(200);
                case "/metrics/snapshot" -> Http.json(resp, actor.call(this::metricsSnapshot));
                default -> Http.text(resp, 404, "");
            }
        } catch (Http.Failure f) {
            Http.text(resp, f.status, f.getMessage());
        }
    }

    private void scheduler(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!config.credentials().isEmpty() && !authenticated(req.getHeader("Authorization"))) {
            // libprocess' basic authenticator (--authenticate_http_frameworks)
            resp.setHeader("WWW-Authenticate", "Basic realm=\"mesos-master-scheduler\"");
            throw new Http.Failure(401, "");
        }
        if (!leading) {
            // http.cpp Master::Http::redirect: a protocol-relative Location to the leader
            Address leader = leaderAddress;
            if (leader == null) {
                throw new Http.Failure(503, "No leader elected");
            }
            resp.setHeader("Location", "//" + leader.getHostname() + ":" + leader.getPort() + "/api/v1/scheduler");
            throw new Http.Failure(307, "");
        }
        Http.requirePost(req, resp);
        ContentType type = Http.requestType(req);
        Call call;
        try {
            call = type.decode(Http.body(req), Call.newBuilder()).buildPartial();
        } catch (InvalidProtocolBufferException e) {
            throw Http.badRequest(type == ContentType.JSON
                    ? "Failed to parse body into JSON: " + e.getMessage()
                    : "Failed to parse body into Call protobuf");
        }
        SchedulerCallValidation.validate(call);
        if (call.getType() == Call.Type.SUBSCRIBE) {
            subscribeHttp(call, req, resp);
            return;
        }
        String streamId = req.getHeader("Mesos-Stream-Id");
        Integer status = actor.call(() -> handleCall(call, streamId));
        if (status == 200) {
            resp.setStatus(200);
            resp.setContentLength(0);
        } else {
            Http.accepted(resp);
        }
    }

    private void subscribeHttp(Call call, HttpServletRequest req, HttpServletResponse resp) {
        ContentType responseType = Http.responseType(req);
        if (req.getHeader("Mesos-Stream-Id") != null) {
            throw Http.badRequest("Subscribe calls should not include the 'Mesos-Stream-Id' header");
        }
        EventStream stream = new EventStream(UUID.randomUUID().toString(), responseType);
        String frameworkId = actor.call(() -> subscribe(call, stream));
        resp.setStatus(200);
        resp.setHeader("Mesos-Stream-Id", stream.id());
        resp.setContentType(responseType.mediaType());
        stream.pump(resp, () -> actor.dispatch(() -> disconnected(frameworkId, stream)));
    }

    private boolean authenticated(String authorization) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(java.util.Base64.getDecoder().decode(authorization.substring(6).trim()),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        return colon > 0 && decoded.substring(colon + 1).equals(config.credentials().get(decoded.substring(0, colon)));
    }

    // ---------------------------------------------------------------- fault injection

    /** Ends every subscription stream at once, as a dropped connection would. */
    public void dropSubscriptions() {
        actor.call(() -> {
            frameworks.values().forEach(fw -> {
                if (fw.stream != null) {
                    fw.stream.close();
                }
            });
            return null;
        });
    }

    /** The current streams stay open but carry nothing more, not even HEARTBEATs. */
    public void muteSubscriptions() {
        actor.call(() -> {
            frameworks.values().forEach(fw -> {
                if (fw.stream != null) {
                    fw.stream.mute();
                }
            });
            return null;
        });
    }

    // ---------------------------------------------------------------- calls (actor thread)

    private String subscribe(Call call, EventStream stream) {
        FrameworkInfo requested = call.getSubscribe().getFrameworkInfo();
        String error = validateFrameworkInfo(requested);
        if (error != null) {
            // validation failures arrive as an ERROR event on a 200 stream that is then closed
            stream.send(Event.newBuilder().setType(Event.Type.ERROR)
                    .setError(Event.Error.newBuilder().setMessage(error)).build());
            stream.close();
            return null;
        }
        FrameworkEntry fw;
        if (requested.hasId()) {
            fw = frameworks.get(requested.getId().getValue());
            if (fw == null) {
                // unknown id: a framework re-subscribing after master failover keeps its id
                fw = new FrameworkEntry();
                fw.id = requested.getId();
                frameworks.put(fw.id.getValue(), fw);
                LOG.info("framework {} ({}) re-registered after master failover", fw.id.getValue(), requested.getName());
            } else {
                LOG.info("framework {} ({}) re-subscribed", fw.id.getValue(), requested.getName());
            }
        } else {
            fw = new FrameworkEntry();
            fw.id = FrameworkID.newBuilder().setValue(masterId + String.format("-%04d", frameworkSeq++)).build();
            frameworks.put(fw.id.getValue(), fw);
            LOG.info("framework {} ({}) registered", fw.id.getValue(), requested.getName());
        }
        if (fw.stream != null && fw.stream != stream) {
            fw.stream.send(Event.newBuilder().setType(Event.Type.ERROR)
                    .setError(Event.Error.newBuilder().setMessage("Framework failed over")).build());
            fw.stream.close();
        }
        if (fw.failoverTimer != null) {
            fw.failoverTimer.cancel(false);
            fw.failoverTimer = null;
        }
        if (fw.heartbeat != null) {
            fw.heartbeat.cancel(false);
        }
        rescindAllOffers(fw, false);
        fw.info = requested.toBuilder().setId(fw.id).build();
        fw.stream = stream;
        allocator.subscribed(fw.id.getValue(), !call.getSubscribe().getSuppressedRolesList().isEmpty());
        stream.send(Event.newBuilder().setType(Event.Type.SUBSCRIBED)
                .setSubscribed(Event.Subscribed.newBuilder()
                        .setFrameworkId(fw.id)
                        .setHeartbeatIntervalSeconds(config.heartbeatInterval().toMillis() / 1000.0)
                        .setMasterInfo(info))
                .build());
        // the first HEARTBEAT goes out at once, then one every interval
        Event heartbeat = Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
        stream.send(heartbeat);
        fw.heartbeat = actor.every(config.heartbeatInterval().toMillis(), () -> stream.send(heartbeat));
        return fw.id.getValue();
    }

    private static String validateFrameworkInfo(FrameworkInfo info) {
        if (info.getRolesCount() > 0 && info.getCapabilitiesList().stream()
                .noneMatch(c -> c.getType() == FrameworkInfo.Capability.Type.MULTI_ROLE)) {
            return "'FrameworkInfo.roles' is set but the MULTI_ROLE capability is not";
        }
        return null;
    }

    private Integer handleCall(Call call, String streamId) {
        FrameworkEntry fw = frameworks.get(call.getFrameworkId().getValue());
        if (fw == null) {
            throw Http.badRequest("Framework cannot be found");
        }
        if (fw.stream == null) {
            throw new Http.Failure(403, "Framework is not subscribed");
        }
        if (streamId == null) {
            throw Http.badRequest("All non-subscribe calls should include the 'Mesos-Stream-Id' header");
        }
        if (!streamId.equals(fw.stream.id())) {
            throw Http.badRequest("The stream ID '" + streamId + "' included in this request didn't match the stream ID"
                    + " currently associated with framework ID " + fw.id.getValue());
        }
        switch (call.getType()) {
            case TEARDOWN -> removeFramework(fw, "teardown");
            case ACCEPT -> accept(fw, call.getAccept());
            case DECLINE -> decline(fw, call.getDecline().getOfferIdsList(), call.getDecline().getFilters());
            case REVIVE -> allocator.revive(fw.id.getValue());
            case SUPPRESS -> allocator.suppress(fw.id.getValue());
            case KILL -> kill(fw, call.getKill().getTaskId());
            case SHUTDOWN -> {
                AgentEntry agent = agents.get(call.getShutdown().getAgentId().getValue());
                if (agent != null) {
                    agent.agent().shutdownExecutor(fw.id.getValue(), call.getShutdown().getExecutorId().getValue());
                }
            }
            case ACKNOWLEDGE -> {
                Call.Acknowledge ack = call.getAcknowledge();
                AgentEntry agent = agents.get(ack.getAgentId().getValue());
                if (agent != null) {
                    agent.agent().acknowledge(fw.id.getValue(), ack.getTaskId().getValue(), ack.getUuid());
                }
            }
            case RECONCILE -> reconcile(fw, call.getReconcile());
            case MESSAGE -> {
                AgentEntry agent = agents.get(call.getMessage().getAgentId().getValue());
                if (agent != null) {
                    agent.agent().frameworkMessage(fw.id.getValue(), call.getMessage().getExecutorId().getValue(),
                            call.getMessage().getData());
                }
            }
            case UPDATE_FRAMEWORK -> {
                fw.info = call.getUpdateFramework().getFrameworkInfo().toBuilder().setId(fw.id).build();
                return 200;
            }
            case REQUEST, ACCEPT_INVERSE_OFFERS, DECLINE_INVERSE_OFFERS, ACKNOWLEDGE_OPERATION_STATUS ->
                    LOG.debug("{} from {} accepted and ignored (no inverse offers or operation feedback here)",
                            call.getType(), fw.id.getValue());
            case UNKNOWN -> throw new Http.Failure(501, "");
            default -> throw new Http.Failure(501, "Call type " + call.getType() + " is not implemented by mesos-local");
        }
        return 202;
    }

    private void accept(FrameworkEntry fw, Call.Accept accept) {
        List<OfferEntry> used = new ArrayList<>();
        String invalid = null;
        for (OfferID id : accept.getOfferIdsList()) {
            OfferEntry offer = offers.get(id.getValue());
            if (offer == null || !offer.frameworkId().equals(fw.id.getValue())) {
                invalid = "Offer " + id.getValue() + " is no longer valid";
            } else if (!used.isEmpty() && !used.get(0).agentId().equals(offer.agentId())) {
                invalid = "Aggregated offers must belong to one single agent";
            } else {
                used.add(offer);
            }
        }
        used.forEach(o -> offers.remove(o.offer().getId().getValue()));
        if (invalid != null || used.isEmpty()) {
            String reason = invalid != null ? invalid : "No offers given";
            for (org.apache.mesos.v1.Protos.Offer.Operation op : accept.getOperationsList()) {
                for (TaskInfo task : launchedTasks(op)) {
                    sendUpdate(fw, masterStatus(task.getTaskId(), task.hasAgentId() ? task.getAgentId() : null,
                            fw.partitionAware() ? TaskState.TASK_DROPPED : TaskState.TASK_LOST,
                            TaskStatus.Reason.REASON_INVALID_OFFERS, "Task launched with invalid offers: " + reason));
                }
            }
            return;
        }
        AgentEntry agent = agents.get(used.get(0).agentId());
        Resources pool = Resources.empty();
        for (OfferEntry o : used) {
            pool = pool.plus(o.resources());
        }
        // operations apply in order and are not atomic: a failing one is dropped, the rest go on
        for (org.apache.mesos.v1.Protos.Offer.Operation op : accept.getOperationsList()) {
            try {
                switch (op.getType()) {
                    case LAUNCH -> {
                        for (TaskInfo task : op.getLaunch().getTaskInfosList()) {
                            pool = launch(fw, agent, task, pool);
                        }
                    }
                    case LAUNCH_GROUP -> pool = launchGroup(fw, agent, op.getLaunchGroup(), pool);
                    case RESERVE -> pool = reservations.reserve(fw, agent, op.getReserve().getResourcesList(), pool);
                    case UNRESERVE -> pool = reservations.unreserve(fw, agent, op.getUnreserve().getResourcesList(), pool);
                    case CREATE -> pool = reservations.create(fw, agent, op.getCreate().getVolumesList(), pool);
                    case DESTROY -> pool = reservations.destroy(fw, agent, op.getDestroy().getVolumesList(), pool);
                    default -> LOG.warn("framework {}: offer operation {} is not supported by mesos-local yet; dropped",
                            fw.id.getValue(), op.getType());
                }
            } catch (Reservations.InvalidOperation e) {
                LOG.warn("framework {}: {} dropped: {}", fw.id.getValue(), op.getType(), e.getMessage());
            }
            agent = agents.get(agent.id().getValue()); // operations may have changed its total
        }
        allocator.refuse(fw.id.getValue(), agent.id().getValue(), accept.hasFilters() ? accept.getFilters() : null);
    }

    private Resources launch(FrameworkEntry fw, AgentEntry agent, TaskInfo task, Resources pool) {
        String key = fw.id.getValue() + "/" + task.getTaskId().getValue();
        Resources needed = Resources.from(task.getResourcesList());
        // the master fills in an ExecutorInfo's framework_id when the scheduler left it out
        ExecutorInfo executor = !task.hasExecutor() ? null : task.getExecutor().hasFrameworkId() ? task.getExecutor()
                : task.getExecutor().toBuilder().setFrameworkId(fw.id).build();
        if (executor != null) {
            needed = needed.plus(executors.extraFor(agent.id().getValue(), fw.id.getValue(), executor));
        }
        String error = validation.task(fw.id.getValue(), agent.id().getValue(), task, executor, needed, pool);
        if (error != null) {
            LOG.info("framework {}: task {} invalid: {}", fw.id.getValue(), task.getTaskId().getValue(), error);
            sendUpdate(fw, masterStatus(task.getTaskId(), agent.id(), TaskState.TASK_ERROR,
                    TaskStatus.Reason.REASON_TASK_INVALID, error));
            return pool;
        }
        TaskInfo.Builder builder = task.toBuilder().setAgentId(agent.id());
        if (executor != null) {
            builder.setExecutor(executor); // with the framework id the master filled in
        }
        TaskInfo launched = builder.build();
        tasks.put(key, new TaskEntry(fw.id.getValue(), launched, agent.id().getValue(), Resources.from(task.getResourcesList())));
        if (executor != null) {
            executors.launched(agent.id().getValue(), fw.id.getValue(), executor);
        }
        launchWatcher.accept(launched);
        agent.agent().launch(fw.info, launched);
        return pool.minus(needed);
    }

    /** LAUNCH_GROUP: all tasks or none, onto one executor (required), delivered together. */
    private Resources launchGroup(FrameworkEntry fw, AgentEntry agent, org.apache.mesos.v1.Protos.Offer.Operation.LaunchGroup op,
                                  Resources pool) {
        ExecutorInfo executor = op.getExecutor(); // its framework id is checked, not filled in
        List<TaskInfo> group = op.getTaskGroup().getTasksList();
        Resources needed = executors.extraFor(agent.id().getValue(), fw.id.getValue(), executor);
        for (TaskInfo task : group) {
            needed = needed.plus(Resources.from(task.getResourcesList()));
        }
        String error = validation.group(fw.id.getValue(), agent.id().getValue(), executor, group, needed, pool);
        if (error != null) {
            for (TaskInfo task : group) {
                sendUpdate(fw, masterStatus(task.getTaskId(), agent.id(), TaskState.TASK_ERROR,
                        TaskStatus.Reason.REASON_TASK_GROUP_INVALID, error));
            }
            return pool;
        }
        List<TaskInfo> launched = new ArrayList<>();
        for (TaskInfo task : group) {
            // the master gives each task of the group the group's executor (master.cpp accept)
            TaskInfo t = task.toBuilder().setAgentId(agent.id()).setExecutor(executor).build();
            launched.add(t);
            TaskEntry entry = new TaskEntry(fw.id.getValue(), t, agent.id().getValue(), Resources.from(task.getResourcesList()));
            tasks.put(fw.id.getValue() + "/" + task.getTaskId().getValue(), entry);
        }
        executors.launched(agent.id().getValue(), fw.id.getValue(), executor);
        agent.agent().launchGroup(fw.info, executor, launched);
        return pool.minus(needed);
    }

    private static List<TaskInfo> launchedTasks(org.apache.mesos.v1.Protos.Offer.Operation op) {
        return switch (op.getType()) {
            case LAUNCH -> op.getLaunch().getTaskInfosList();
            case LAUNCH_GROUP -> op.getLaunchGroup().getTaskGroup().getTasksList();
            default -> List.of();
        };
    }

    private void decline(FrameworkEntry fw, List<OfferID> ids, Filters filters) {
        for (OfferID id : ids) {
            OfferEntry offer = offers.get(id.getValue());
            if (offer != null && offer.frameworkId().equals(fw.id.getValue())) {
                offers.remove(id.getValue());
                allocator.refuse(fw.id.getValue(), offer.agentId(), filters);
            }
        }
    }

    private void kill(FrameworkEntry fw, TaskID taskId) {
        TaskEntry task = tasks.get(fw.id.getValue() + "/" + taskId.getValue());
        if (task == null) {
            // unknown task: the master answers as an explicit reconciliation of it would
            reconcile(fw, Call.Reconcile.newBuilder()
                    .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(taskId)).build());
            return;
        }
        if (!TaskStates.isTerminal(task.state) && !unreachable.containsKey(task.agentId)) {
            agents.get(task.agentId).agent().killTask(fw.id.getValue(), taskId.getValue());
        }
    }

    private void reconcile(FrameworkEntry fw, Call.Reconcile reconcile) {
        if (reconcile.getTasksCount() == 0) {
            tasks.values().stream()
                    .filter(t -> t.frameworkId.equals(fw.id.getValue()))
                    .forEach(t -> sendUpdate(fw, reconciliationStatus(t)));
            return;
        }
        for (Call.Reconcile.Task wanted : reconcile.getTasksList()) {
            TaskEntry known = tasks.get(fw.id.getValue() + "/" + wanted.getTaskId().getValue());
            if (known != null) {
                sendUpdate(fw, reconciliationStatus(known));
                continue;
            }
            AgentID agentId = wanted.hasAgentId() ? wanted.getAgentId() : null;
            boolean agentKnown = agentId != null && agents.containsKey(agentId.getValue());
            TaskState state;
            String message;
            if (agentKnown) {
                state = fw.partitionAware() ? TaskState.TASK_GONE : TaskState.TASK_LOST;
                message = "Reconciliation: Task is unknown to the agent";
            } else {
                state = fw.partitionAware() ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST;
                message = "Reconciliation: Task is unknown";
            }
            sendUpdate(fw, masterStatus(wanted.getTaskId(), agentId, state, TaskStatus.Reason.REASON_RECONCILIATION, message));
        }
    }

    private TaskStatus reconciliationStatus(TaskEntry task) {
        TaskStatus.Builder status = TaskStatus.newBuilder()
                .setTaskId(task.task.getTaskId())
                .setState(task.state)
                .setSource(TaskStatus.Source.SOURCE_MASTER)
                .setReason(TaskStatus.Reason.REASON_RECONCILIATION)
                .setMessage("Reconciliation: Latest task state")
                .setAgentId(AgentID.newBuilder().setValue(task.agentId))
                .setTimestamp(now());
        if (task.task.hasExecutor()) {
            status.setExecutorId(task.task.getExecutor().getExecutorId()); // a command task's executor is the agent's affair
        }
        if (task.lastStatus != null) {
            if (task.lastStatus.hasHealthy()) {
                status.setHealthy(task.lastStatus.getHealthy());
            }
            if (task.lastStatus.hasContainerStatus()) {
                status.setContainerStatus(task.lastStatus.getContainerStatus());
            }
        }
        return status.build();
    }

    private static TaskStatus masterStatus(TaskID taskId, AgentID agentId, TaskState state, TaskStatus.Reason reason, String message) {
        TaskStatus.Builder status = TaskStatus.newBuilder()
                .setTaskId(taskId)
                .setState(state)
                .setSource(TaskStatus.Source.SOURCE_MASTER)
                .setReason(reason)
                .setMessage(message)
                .setTimestamp(now());
        if (agentId != null) {
            status.setAgentId(agentId);
        }
        return status.build();
    }

    private void sendUpdate(FrameworkEntry fw, TaskStatus status) {
        if (fw.stream != null) {
            fw.stream.send(Event.newBuilder().setType(Event.Type.UPDATE)
                    .setUpdate(Event.Update.newBuilder().setStatus(status)).build());
        }
    }

    // ---------------------------------------------------------------- agents' health and offers (actor thread)

    /** The health check of agents: one that has not answered for too long is unreachable. */
    private void checkAgents() {
        for (AgentEntry agent : agents.values()) {
            String id = agent.id().getValue();
            if (!unreachable.containsKey(id) && agent.agent().partitionedForNanos() > config.agentUnreachableAfter().toNanos()) {
                markUnreachable(agent);
            }
        }
    }

    /**
     * Its tasks become TASK_UNREACHABLE (TASK_LOST without PARTITION_AWARE) and keep running as far
     * as anyone knows; its offers are rescinded and its resources no longer offered.
     */
    private void markUnreachable(AgentEntry agent) {
        String id = agent.id().getValue();
        double time = now();
        unreachable.put(id, time);
        LOG.info("agent {} is unreachable", id);
        for (FrameworkEntry fw : frameworks.values()) {
            offers.values().removeIf(o -> {
                if (!o.agentId().equals(id) || !o.frameworkId().equals(fw.id.getValue())) {
                    return false;
                }
                if (fw.stream != null) {
                    fw.stream.send(Event.newBuilder().setType(Event.Type.RESCIND)
                            .setRescind(Event.Rescind.newBuilder().setOfferId(o.offer().getId())).build());
                }
                return true;
            });
        }
        for (TaskEntry task : tasks.values()) {
            if (!task.agentId.equals(id) || TaskStates.isTerminal(task.state)) {
                continue;
            }
            FrameworkEntry fw = frameworks.get(task.frameworkId);
            boolean partitionAware = fw != null && fw.partitionAware();
            task.state = partitionAware ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST;
            if (fw != null) {
                sendUpdate(fw, TaskStatus.newBuilder()
                        .setTaskId(task.task.getTaskId())
                        .setState(task.state)
                        .setSource(TaskStatus.Source.SOURCE_MASTER)
                        .setReason(TaskStatus.Reason.REASON_AGENT_REMOVED)
                        .setMessage("Agent " + agent.hostname() + " is unreachable")
                        .setAgentId(agent.id())
                        .setTimestamp(time)
                        .setUnreachableTime(TimeInfo.newBuilder().setNanoseconds((long) (time * 1e9)))
                        .build());
            }
        }
    }

    private void rescindAllOffers(FrameworkEntry fw, boolean notify) {
        offers.values().removeIf(o -> {
            if (!o.frameworkId().equals(fw.id.getValue())) {
                return false;
            }
            if (notify && fw.stream != null) {
                fw.stream.send(Event.newBuilder().setType(Event.Type.RESCIND)
                        .setRescind(Event.Rescind.newBuilder().setOfferId(o.offer().getId())).build());
            }
            return true;
        });
    }

    // ---------------------------------------------------------------- framework lifecycle

    private void disconnected(String frameworkId, EventStream stream) {
        FrameworkEntry fw = frameworkId == null ? null : frameworks.get(frameworkId);
        if (fw == null || fw.stream != stream) {
            return;
        }
        LOG.info("framework {} disconnected; failover timeout {}s", frameworkId, fw.info.getFailoverTimeout());
        fw.stream = null;
        if (fw.heartbeat != null) {
            fw.heartbeat.cancel(false);
        }
        rescindAllOffers(fw, false);
        long timeoutMs = (long) (fw.info.getFailoverTimeout() * 1000);
        fw.failoverTimer = actor.delay(timeoutMs, () -> {
            if (fw.stream == null) {
                removeFramework(fw, "failover timeout of " + fw.info.getFailoverTimeout() + "s expired");
            }
        });
    }

    private void removeFramework(FrameworkEntry fw, String why) {
        LOG.info("removing framework {}: {}", fw.id.getValue(), why);
        frameworks.remove(fw.id.getValue());
        allocator.removeFramework(fw.id.getValue());
        if (fw.heartbeat != null) {
            fw.heartbeat.cancel(false);
        }
        rescindAllOffers(fw, false);
        if (fw.stream != null) {
            fw.stream.close();
        }
        agents.values().forEach(a -> a.agent().shutdownFramework(fw.id.getValue()));
        tasks.values().removeIf(t -> t.frameworkId.equals(fw.id.getValue()));
        executors.removeFramework(fw.id.getValue());
    }

    // ---------------------------------------------------------------- from agents

    /** Instrumentation (benchmarks): called on the master's thread with each task an ACCEPT launches. */
    public void watchLaunches(java.util.function.Consumer<TaskInfo> watcher) {
        launchWatcher = watcher;
    }

    AgentID registerAgent(Agent agent, Resources total, String hostname, int port) {
        return actor.call(() -> {
            AgentID id = AgentID.newBuilder().setValue(masterId + "-S" + agentSeq++).build();
            agents.put(id.getValue(), new AgentEntry(agent, id, total, hostname, port));
            LOG.info("agent {} registered at {}:{} with {}", id.getValue(), hostname, port, total);
            return id;
        });
    }

    /** A task an agent reports when it re-registers with a new leading master. */
    record AgentTask(String frameworkId, TaskInfo task, TaskState state, TaskStatus lastStatus) {}

    /**
     * An agent re-registers after a master failover (keeping its id) and reports its executors'
     * tasks, from which the new master rebuilds what it had lost.
     */
    void reregisterAgent(LocalAgent agent, AgentID id, Resources total, String hostname, int port,
                         List<AgentTask> agentTasks, Map<String, Resources> executors) {
        actor.call(() -> {
            agents.put(id.getValue(), new AgentEntry(agent, id, total, hostname, port));
            unreachable.remove(id.getValue());
            for (AgentTask t : agentTasks) {
                TaskEntry entry = new TaskEntry(t.frameworkId(), t.task(), id.getValue(), Resources.from(t.task().getResourcesList()));
                entry.state = t.state();
                entry.lastStatus = t.lastStatus();
                tasks.put(t.frameworkId() + "/" + t.task().getTaskId().getValue(), entry);
            }
            this.executors.reregistered(id.getValue(), executors);
            LOG.info("agent {} re-registered with {} task(s)", id.getValue(), agentTasks.size());
            return null;
        });
    }

    /** A status update from an agent's update manager; {@code latest} is the newest state it knows. */
    void statusUpdate(String frameworkId, TaskStatus status, TaskState latest) {
        actor.dispatch(() -> {
            TaskEntry task = tasks.get(frameworkId + "/" + status.getTaskId().getValue());
            if (task != null) {
                task.state = latest;
                task.lastStatus = status;
                if (task.statuses.isEmpty() || !task.statuses.get(task.statuses.size() - 1).getUuid().equals(status.getUuid())) {
                    task.statuses.add(status);
                }
            }
            FrameworkEntry fw = frameworks.get(frameworkId);
            if (fw != null) {
                sendUpdate(fw, status);
            }
        });
    }

    void executorTerminated(String agentId, String frameworkId, String executorId, int status) {
        actor.dispatch(() -> {
            executors.terminated(agentId, frameworkId, executorId);
            FrameworkEntry fw = frameworks.get(frameworkId);
            if (fw != null && fw.stream != null) {
                fw.stream.send(Event.newBuilder().setType(Event.Type.FAILURE)
                        .setFailure(Event.Failure.newBuilder()
                                .setAgentId(AgentID.newBuilder().setValue(agentId))
                                .setExecutorId(ExecutorID.newBuilder().setValue(executorId))
                                .setStatus(status))
                        .build());
            }
        });
    }

    void frameworkMessage(String agentId, String frameworkId, String executorId, com.google.protobuf.ByteString data) {
        actor.dispatch(() -> {
            FrameworkEntry fw = frameworks.get(frameworkId);
            if (fw != null && fw.stream != null) {
                fw.stream.send(Event.newBuilder().setType(Event.Type.MESSAGE)
                        .setMessage(Event.Message.newBuilder()
                                .setAgentId(AgentID.newBuilder().setValue(agentId))
                                .setExecutorId(ExecutorID.newBuilder().setValue(executorId))
                                .setData(data))
                        .build());
            }
        });
    }

    // ---------------------------------------------------------------- /state

    private String stateJson() {
        Map<String, Resources> used = new LinkedHashMap<>();
        Map<String, Resources> offered = new LinkedHashMap<>();
        for (TaskEntry t : tasks.values()) {
            if (!TaskStates.isTerminal(t.state)) {
                used.merge(t.agentId, t.resources, Resources::plus);
                used.merge("fw:" + t.frameworkId, t.resources, Resources::plus);
            }
        }
        executors.forEach((agentId, frameworkId, res) -> {
            used.merge(agentId, res, Resources::plus);
            used.merge("fw:" + frameworkId, res, Resources::plus);
        });
        for (OfferEntry o : offers.values()) {
            offered.merge(o.agentId(), o.resources(), Resources::plus);
            offered.merge("fw:" + o.frameworkId(), o.resources(), Resources::plus);
        }
        return new MasterStateJson(json).render(this, frameworks.values(), agents.values(), tasks.values(),
                offers.values(), unreachable, used, offered, startTime, electedTime);
    }

    /**
     * {@code GET /metrics/snapshot}: the few of a real master's gauges that tell what /state does
     * not, named as Mesos names them. A real master's /state has no field for suppressed roles;
     * its per-framework metric {@code master/frameworks/<name>/<id>/roles/<role>/suppressed} does.
     */
    private String metricsSnapshot() {
        com.fasterxml.jackson.databind.node.ObjectNode m = json.createObjectNode();
        m.put("master/elected", 1.0);
        m.put("master/frameworks_active", (double) frameworks.values().stream().filter(f -> f.stream != null).count());
        m.put("master/slaves_active", (double) agents.keySet().stream().filter(id -> !unreachable.containsKey(id)).count());
        m.put("master/tasks_running", (double) tasks.values().stream().filter(t -> t.state == TaskState.TASK_RUNNING).count());
        for (FrameworkEntry fw : frameworks.values()) {
            String role = fw.role().isEmpty() ? "*" : fw.role();
            m.put("master/frameworks/" + fw.info.getName() + "/" + fw.id.getValue() + "/roles/" + role + "/suppressed",
                    allocator.suppressed(fw.id.getValue()) ? 1.0 : 0.0);
        }
        return JsonNodes.print(m);
    }

    // ---------------------------------------------------------------- helpers

    static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    private static int ipv4AsNetworkOrderInt(String dotted) {
        String[] parts = dotted.split("\\.");
        if (parts.length != 4) {
            return 0;
        }
        int ip = 0;
        for (int i = 3; i >= 0; i--) {
            ip = (ip << 8) | Integer.parseInt(parts[i]);
        }
        return ip;
    }

    Actor actor() {
        return actor;
    }

    @Override
    public void close() throws Exception {
        if (contender != null) {
            contender.close(); // the ephemeral znode goes: another master may lead
        }
        actor.call(() -> {
            frameworks.values().forEach(fw -> {
                if (fw.stream != null) {
                    fw.stream.close();
                }
            });
            return null;
        });
        actor.close();
        if (server != null) {
            server.stop();
        }
    }
}
