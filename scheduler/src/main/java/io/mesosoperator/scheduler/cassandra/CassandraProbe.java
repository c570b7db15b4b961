package io.mesosoperator.scheduler.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Metadata;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import io.mesosoperator.scheduler.kind.PollingProbe;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's view into the Cassandra rings it runs, through the Apache Cassandra Java driver:
 * which nodes the ring has (host ID, addresses, rack), which the driver sees UP, whether each
 * answers a query routed to it (its system.local says it bootstrapped), and every keyspace's
 * replication factor in the cluster's datacenter. Polls on its own thread and tells the operator
 * when a ring's picture changed. It also decommissions nodes, and removes nodes lost with their
 * agent (removenode, through a live node), over a node's JMX port on its host (nodetool's way; the
 * CQL protocol has no such operation), authenticated as the cluster's JMX user, on a thread of its
 * own since that streams data for as long as it takes.
 */
public final class CassandraProbe extends PollingProbe<CassandraProbe.Watch, CassandraProbe.Snapshot> {
    private static final Logger LOG = LoggerFactory.getLogger(CassandraProbe.class);
    static final Duration INTERVAL = Duration.ofSeconds(2);
    /** A ring nobody reconciled for this long is no longer watched (deleted). */
    private static final Duration FORGET_AFTER = Duration.ofMinutes(2);
    /** A failed decommission is tried again after this long (e.g. once a down node is back). */
    static final Duration RETRY_DECOMMISSION_AFTER = Duration.ofSeconds(20);
    /**
     * A failed removenode is tried again after this long: it fails at once while the live node's
     * gossip has not yet convicted the lost one ("is alive and owns this ID"), often seconds after
     * the driver saw it down.
     */
    static final Duration RETRY_REMOVAL_AFTER = Duration.ofSeconds(5);
    private static final ObjectName STORAGE_SERVICE = objectName("org.apache.cassandra.db:type=StorageService");

    /**
     * One node of the ring as the driver sees it: {@code state} is the driver's (UP, DOWN, UNKNOWN,
     * FORCED_DOWN); {@code serving} when a query routed to it answered that it completed its bootstrap.
     */
    public record NodeView(String hostId, String nativeAddress, String storageAddress, String state, String datacenter,
                           String rack, boolean serving) {}

    /** What the driver saw at {@code takenAt}; {@code error} set when the ring did not answer. */
    public record Snapshot(Instant takenAt, String clusterName, List<NodeView> nodes, Map<String, Integer> replication,
                           String error) {
        /**
         * The node whose native transport listens at "host:port" (a task's address: the agent's
         * hostname, which the driver knows by its IP address), or null.
         */
        NodeView byNativeAddress(String address) {
            if (address == null) {
                return null;
            }
            String ip = canonical(address);
            return nodes.stream().filter(n -> address.equals(n.nativeAddress()) || ip.equals(n.nativeAddress()))
                    .findFirst().orElse(null);
        }

        NodeView byHostId(String hostId) {
            return hostId == null ? null : nodes.stream().filter(n -> hostId.equals(n.hostId())).findFirst().orElse(null);
        }

        boolean sameAs(Snapshot o) {
            return o != null && Objects.equals(clusterName, o.clusterName) && nodes.equals(o.nodes)
                    && replication.equals(o.replication) && Objects.equals(error, o.error);
        }
    }

    /** A decommission the probe runs or ran: RUNNING, DONE or FAILED (with why). */
    public record Decommission(int instance, String jmxAddress, String state, String message, Instant at)
            implements JmxOperation {}

    /** An operation the probe runs on a node over JMX, one per instance at a time: RUNNING, DONE or FAILED (with why). */
    interface JmxOperation {
        String state();

        String message();

        Instant at();

        default boolean done() {
            return "DONE".equals(state());
        }

        default boolean running() {
            return "RUNNING".equals(state());
        }
    }

    /**
     * A removal from the ring of a node lost with its agent (nodetool removenode), run through the
     * JMX port of a live node: RUNNING, DONE or FAILED (with why).
     */
    public record Removal(int instance, String hostId, String jmxAddress, String state, String message, Instant at)
            implements JmxOperation {}

    static final class Watch extends PollingProbe.Watched<Snapshot> {
        volatile List<String> contactPoints = List.of();
        volatile String datacenter;
        final ConcurrentMap<Integer, Decommission> decommissions = new ConcurrentHashMap<>();
        final ConcurrentMap<Integer, Removal> removals = new ConcurrentHashMap<>();
        CqlSession session;
        String sessionDatacenter;
    }

    private final ExecutorService decommissioner = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cassandra-decommission");
        t.setDaemon(true);
        return t;
    });

    public CassandraProbe() {
        super("cassandra-probe", INTERVAL, LOG);
    }

    /**
     * Keeps watching a ring through these contact points ("host:native_port" of its running nodes).
     * {@code datacenter} null: the ring's one datacenter is not known in advance (it comes from agent
     * attributes); the driver infers it from the contact points.
     */
    void watch(ResourceKey key, List<String> contactPoints, String datacenter) {
        Watch w = watch(key);
        w.contactPoints = List.copyOf(contactPoints);
        w.datacenter = datacenter;
    }

    /** The decommission of one instance, as last started; null when none was. */
    Decommission decommission(ResourceKey key, int instance) {
        Watch w = watched(key);
        return w == null ? null : w.decommissions.get(instance);
    }

    /**
     * Decommissions the node of {@code instance} through its JMX port, unless that is under way,
     * done, or failed less than {@link #RETRY_DECOMMISSION_AFTER} ago. {@code force} skips
     * Cassandra's check that every keyspace keeps its replication factor (the caller checked the
     * keyspaces that matter).
     */
    void requestDecommission(ResourceKey key, int instance, String jmxAddress, boolean force, String jmxUser,
                             String jmxPassword) {
        runOnce(key, "decommission of node " + instance, watch(key).decommissions, instance, true, RETRY_DECOMMISSION_AFTER,
                new Decommission(instance, jmxAddress, "RUNNING", "decommissioning node " + instance + " through JMX at "
                        + jmxAddress + (force ? ", forced past system keyspaces" : ""), Instant.now()),
                () -> runDecommission(instance, jmxAddress, force, jmxUser, jmxPassword));
    }

    /**
     * Starts {@code work} on the JMX thread, unless the instance's last operation (for the same
     * target) is still running, done, or failed less than {@code retryAfter} ago; its result then
     * replaces {@code started}, and the resource is looked at again.
     */
    private <T extends JmxOperation> void runOnce(ResourceKey key, String what, Map<Integer, T> operations, int instance,
                                                  boolean sameTarget, Duration retryAfter, T started,
                                                  java.util.function.Supplier<T> work) {
        T before = operations.get(instance);
        if (before != null && sameTarget && (before.running() || before.done()
                || started.at().isBefore(before.at().plus(retryAfter)))) {
            return;
        }
        operations.put(instance, started);
        LOG.info("{}: {}", key, started.message());
        decommissioner.execute(() -> {
            T result = work.get();
            operations.put(instance, result);
            LOG.info("{}: {}: {} ({})", key, what, result.state(), result.message());
            changed(key);
        });
    }

    /** Forgets a finished decommission (its instance is gone, or wanted again). */
    void forgetDecommission(ResourceKey key, int instance) {
        Watch w = watched(key);
        if (w != null) {
            w.decommissions.remove(instance);
        }
    }

    /** The removal of the lost node of one instance, as last started; null when none was. */
    Removal removal(ResourceKey key, int instance) {
        Watch w = watched(key);
        return w == null ? null : w.removals.get(instance);
    }

    /**
     * Removes the node with this host ID (lost with its agent: down for good) from the ring through
     * the JMX port of a live node, which streams the data the lost node held from the remaining
     * replicas to its new ones; unless a removal of that host ID is under way, done, or failed less
     * than {@link #RETRY_REMOVAL_AFTER} ago.
     */
    void requestRemoval(ResourceKey key, int instance, String hostId, String jmxAddress, String jmxUser,
                        String jmxPassword) {
        Watch w = watch(key);
        Removal before = w.removals.get(instance);
        runOnce(key, "removenode of node " + instance + " (" + hostId + ")", w.removals, instance,
                before != null && before.hostId().equals(hostId), RETRY_REMOVAL_AFTER,
                new Removal(instance, hostId, jmxAddress, "RUNNING", "removenode " + hostId + " (lost node " + instance
                        + ") through JMX at " + jmxAddress, Instant.now()),
                () -> runRemoval(instance, hostId, jmxAddress, jmxUser, jmxPassword));
    }

    /** Forgets a removal (its instance runs again, as a new node). */
    void forgetRemoval(ResourceKey key, int instance) {
        Watch w = watched(key);
        if (w != null) {
            w.removals.remove(instance);
        }
    }

    /**
     * StorageService.removeNode returns once the data the node held is streamed to its new
     * replicas and the node is gone from the ring; it refuses a node gossip sees alive.
     */
    private static Removal runRemoval(int instance, String hostId, String jmxAddress, String jmxUser, String jmxPassword) {
        try (JMXConnector jmx = connect(jmxAddress, jmxUser, jmxPassword)) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            server.invoke(STORAGE_SERVICE, "removeNode", new Object[] {hostId}, new String[] {"java.lang.String"});
            return new Removal(instance, hostId, jmxAddress, "DONE", "removed from the ring: its data streamed"
                    + " from the remaining replicas", Instant.now());
        } catch (Exception e) {
            return new Removal(instance, hostId, jmxAddress, "FAILED", rootMessage(e), Instant.now());
        }
    }

    /** Remote JMX to a node's port on its host, as the cluster's JMX user (nodetool's way). */
    private static JMXConnector connect(String jmxAddress, String jmxUser, String jmxPassword) throws java.io.IOException {
        return io.mesosoperator.scheduler.kind.Jmx.connect(
                new io.mesosoperator.scheduler.kind.Jmx.Endpoint(jmxAddress, jmxUser, jmxPassword));
    }

    private static Decommission runDecommission(int instance, String jmxAddress, boolean force, String jmxUser,
                                                String jmxPassword) {
        try (JMXConnector jmx = connect(jmxAddress, jmxUser, jmxPassword)) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            String mode = String.valueOf(server.getAttribute(STORAGE_SERVICE, "OperationMode"));
            // an operator that restarted mid-way finds the node still leaving: wait for it
            long deadline = System.nanoTime() + Duration.ofHours(6).toNanos();
            while ("LEAVING".equals(mode) && System.nanoTime() < deadline) {
                Thread.sleep(2000);
                mode = String.valueOf(server.getAttribute(STORAGE_SERVICE, "OperationMode"));
            }
            if (!"DECOMMISSIONED".equals(mode)) {
                server.invoke(STORAGE_SERVICE, "decommission", new Object[] {force}, new String[] {"boolean"});
                mode = String.valueOf(server.getAttribute(STORAGE_SERVICE, "OperationMode"));
            }
            return "DECOMMISSIONED".equals(mode)
                    ? new Decommission(instance, jmxAddress, "DONE", "decommissioned: its data streamed to the other nodes", Instant.now())
                    : new Decommission(instance, jmxAddress, "FAILED", "the node's operation mode is " + mode, Instant.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Decommission(instance, jmxAddress, "FAILED", "interrupted", Instant.now());
        } catch (Exception e) {
            return new Decommission(instance, jmxAddress, "FAILED", rootMessage(e), Instant.now());
        }
    }

    @Override
    protected Watch newWatch() {
        return new Watch();
    }

    @Override
    protected Snapshot poll(ResourceKey key, Watch w) {
        return w.contactPoints.isEmpty() && w.session == null ? null : poll(w);
    }

    @Override
    protected boolean same(Snapshot a, Snapshot b) {
        return a.sameAs(b);
    }

    @Override
    protected String describe(Snapshot next) {
        return "ring " + next.nodes().stream()
                .map(n -> n.storageAddress() + "=" + n.state() + (n.serving() ? "" : "(not serving)")).toList()
                + (next.error() == null ? "" : " (" + next.error() + ")");
    }

    @Override
    protected void release(Watch w) {
        closeSession(w);
    }

    private Snapshot poll(Watch w) {
        Instant now = Instant.now();
        try {
            CqlSession session = session(w);
            Metadata metadata = session.getMetadata();
            List<NodeView> nodes = new ArrayList<>();
            for (Node node : metadata.getNodes().values()) {
                boolean serving = false;
                if (node.getState() == NodeState.UP) {
                    try {
                        Row row = session.execute(SimpleStatement.newInstance("SELECT bootstrapped FROM system.local")
                                .setNode(node).setTimeout(Duration.ofSeconds(3))).one();
                        serving = row != null && "COMPLETED".equals(row.getString("bootstrapped"));
                    } catch (RuntimeException notAnswering) {
                        serving = false;
                    }
                }
                nodes.add(new NodeView(node.getHostId() == null ? null : node.getHostId().toString(),
                        address(node.getBroadcastRpcAddress().orElse(null)),
                        address(node.getBroadcastAddress().orElse(null)), node.getState().name(), node.getDatacenter(),
                        node.getRack(), serving));
            }
            nodes.sort(Comparator.comparing(n -> String.valueOf(n.storageAddress())));
            String datacenter = w.datacenter != null ? w.datacenter
                    : nodes.stream().map(NodeView::datacenter).filter(Objects::nonNull).findFirst().orElse(null);
            Map<String, Integer> replication = new TreeMap<>();
            for (KeyspaceMetadata ks : metadata.getKeyspaces().values()) {
                Integer rf = replicationFactor(ks.getReplication(), datacenter);
                if (rf != null) {
                    replication.put(ks.getName().asInternal(), rf);
                }
            }
            if (nodes.stream().noneMatch(n -> n.state().equals("UP"))) {
                closeSession(w); // a fresh session next time, from the then running nodes
            }
            return new Snapshot(now, metadata.getClusterName().orElse(null), List.copyOf(nodes), replication, null);
        } catch (RuntimeException e) {
            closeSession(w);
            return new Snapshot(now, null, List.of(), Map.of(), "the ring did not answer: " + rootMessage(e));
        }
    }

    /**
     * A keyspace's replication factor in the datacenter: SimpleStrategy's replication_factor,
     * NetworkTopologyStrategy's entry for the datacenter (0 when it has none); null for local and
     * other strategies. Transient replication ("3/1") counts its full replicas.
     */
    static Integer replicationFactor(Map<String, String> replication, String datacenter) {
        String strategy = replication.getOrDefault("class", "");
        String value;
        if (strategy.endsWith("SimpleStrategy")) {
            value = replication.get("replication_factor");
        } else if (strategy.endsWith("NetworkTopologyStrategy")) {
            value = replication.getOrDefault(datacenter, "0");
        } else {
            return null;
        }
        if (value == null) {
            return null;
        }
        int slash = value.indexOf('/');
        try {
            return Integer.parseInt((slash < 0 ? value : value.substring(0, slash)).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private CqlSession session(Watch w) {
        if (w.session != null && !w.session.isClosed() && Objects.equals(w.sessionDatacenter, w.datacenter)) {
            return w.session;
        }
        closeSession(w);
        List<InetSocketAddress> points = new ArrayList<>();
        for (String cp : w.contactPoints) {
            int colon = cp.lastIndexOf(':');
            points.add(InetSocketAddress.createUnresolved(cp.substring(0, colon), Integer.parseInt(cp.substring(colon + 1))));
        }
        var options = DriverConfigLoader.programmaticBuilder();
        if (w.datacenter == null) {
            options.withString(DefaultDriverOption.LOAD_BALANCING_POLICY_CLASS, "DcInferringLoadBalancingPolicy");
        }
        DriverConfigLoader config = options
                .withString(DefaultDriverOption.SESSION_NAME, "mesos-operator")
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofSeconds(1))
                .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(5))
                .withInt(DefaultDriverOption.CONNECTION_POOL_LOCAL_SIZE, 1)
                .withInt(DefaultDriverOption.CONNECTION_POOL_REMOTE_SIZE, 1)
                // the replicated system keyspaces too (the driver leaves them out by default): a
                // decommission must know whether it has to be forced past system_distributed's 3 replicas
                .withStringList(DefaultDriverOption.METADATA_SCHEMA_REFRESHED_KEYSPACES,
                        List.of("!/^system(_schema|_virtual_schema|_views)?$/"))
                .build();
        var builder = CqlSession.builder().addContactPoints(resolve(points)).withConfigLoader(config);
        w.session = (w.datacenter == null ? builder : builder.withLocalDatacenter(w.datacenter)).build();
        w.sessionDatacenter = w.datacenter;
        return w.session;
    }

    private static List<InetSocketAddress> resolve(List<InetSocketAddress> points) {
        return points.stream().map(p -> new InetSocketAddress(p.getHostString(), p.getPort())).toList();
    }

    private static void closeSession(Watch w) {
        if (w.session != null) {
            try {
                w.session.close();
            } catch (RuntimeException e) {
                // closing is best effort
            }
            w.session = null;
        }
    }

    private static final ConcurrentMap<String, String> RESOLVED = new ConcurrentHashMap<>();

    /** "ip:port" for "hostname:port" (resolved once per hostname; unchanged when it does not resolve). */
    static String canonical(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            return hostPort;
        }
        String host = hostPort.substring(0, colon);
        String ip = RESOLVED.computeIfAbsent(host, h -> {
            try {
                return java.net.InetAddress.getByName(h).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                return h;
            }
        });
        return ip + hostPort.substring(colon);
    }

    /** "ip:port" of a node's address, as the driver reports it. */
    private static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress a) {
            String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
            return host + ":" + a.getPort();
        }
        return address == null ? null : address.toString();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        super.close();
        decommissioner.shutdownNow();
    }
}
