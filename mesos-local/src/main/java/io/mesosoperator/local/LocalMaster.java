package io.mesosoperator.local;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.Address;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Mesos-compatible master on loopback: the v1 scheduler API (POST /api/v1/scheduler) with its
 * RecordIO event stream, an allocator that offers agents' free resources every allocation
 * interval, and the task bookkeeping behind RECONCILE. Status codes, headers and error bodies
 * follow a real 1.12 master (../shared/mesos-transcripts). All state ({@link MasterState}) lives
 * on one actor thread.
 *
 * <p>This class is the master's identity, leadership, life cycle and fault injection, and the
 * door agents call through; the work is done in rooms of its own: {@link MasterHttp} (endpoints),
 * {@link FrameworkLifecycle} (SUBSCRIBE, failover timeout, removal), {@link SchedulerCalls} (the
 * other calls), {@link OfferOperations} (ACCEPT), {@link Allocator} (offers), {@link MasterAgents}
 * (agents' registration, health and reports) and {@link MasterStateJson} (/state).
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
    private volatile double electedTime = now();
    /** Whether this master leads (single-master clusters always do); set by the cluster's detector. */
    private volatile boolean leading = true;
    /** The leader's address for 307 redirects when not leading; null when none is known (503). */
    private volatile Address leaderAddress;
    private MasterContender contender;
    private final Actor actor = new Actor("mesos-local-master");
    private Server server;
    private MasterInfo info;

    private final MasterState state = new MasterState();
    private final Allocator allocator;
    private final FrameworkLifecycle frameworks;
    private final OfferOperations operations;
    private final MasterAgents agents;
    private final MasterHttp http;

    public LocalMaster(Config config) {
        this.config = config;
        this.allocator = new Allocator(masterId, config.host(), () -> leading, state);
        this.frameworks = new FrameworkLifecycle(this, actor, state, allocator, config.heartbeatInterval());
        this.operations = new OfferOperations(state, allocator);
        this.agents = new MasterAgents(masterId, state, config.agentUnreachableAfter());
        this.http = new MasterHttp(this, actor, config.credentials(), frameworks,
                new SchedulerCalls(state, allocator, frameworks, operations), new MasterStateJson(this, state, allocator));
    }

    public void start() throws Exception {
        server = Http.server(config.host(), config.port(), http);
        server.start();
        int port = Http.localPort(server);
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
        actor.every(Math.min(1000, config.agentUnreachableAfter().toMillis()), agents::check);
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

    /** The leader's address when another master leads; null when none is known. */
    Address leaderAddress() {
        return leaderAddress;
    }

    double electedTime() {
        return electedTime;
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

    // ---------------------------------------------------------------- fault injection and instrumentation

    /** Ends every subscription stream at once, as a dropped connection would. */
    public void dropSubscriptions() {
        actor.call(() -> {
            frameworks.closeStreams();
            return null;
        });
    }

    /** The current streams stay open but carry nothing more, not even HEARTBEATs. */
    public void muteSubscriptions() {
        actor.call(() -> {
            frameworks.muteStreams();
            return null;
        });
    }

    /** Instrumentation (benchmarks): called on the master's thread with each task an ACCEPT launches. */
    public void watchLaunches(Consumer<TaskInfo> watcher) {
        operations.watchLaunches(watcher);
    }

    // ---------------------------------------------------------------- from agents, onto the actor

    AgentID registerAgent(Agent agent, Resources total, String hostname, int port) {
        return actor.call(() -> agents.register(agent, total, hostname, port));
    }

    /**
     * An agent re-registers after a master failover (keeping its id) and reports its executors'
     * tasks, from which the new master rebuilds what it had lost.
     */
    void reregisterAgent(LocalAgent agent, AgentID id, Resources total, String hostname, int port,
                         List<MasterAgents.AgentTask> agentTasks, Map<String, Resources> executors) {
        actor.call(() -> {
            agents.reregister(agent, id, total, hostname, port, agentTasks, executors);
            return null;
        });
    }

    /** A status update from an agent's update manager; {@code latest} is the newest state it knows. */
    void statusUpdate(String frameworkId, TaskStatus status, TaskState latest) {
        actor.dispatch(() -> agents.statusUpdate(frameworkId, status, latest));
    }

    void executorTerminated(String agentId, String frameworkId, String executorId, int status) {
        actor.dispatch(() -> agents.executorTerminated(agentId, frameworkId, executorId, status));
    }

    void frameworkMessage(String agentId, String frameworkId, String executorId, ByteString data) {
        actor.dispatch(() -> agents.frameworkMessage(agentId, frameworkId, executorId, data));
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
            frameworks.closeStreams();
            return null;
        });
        actor.close();
        if (server != null) {
            server.stop();
        }
    }
}
