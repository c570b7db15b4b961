package io.mesosoperator.scheduler.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.anomaly.DailyProfile;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.DeposedException;
import io.mesosoperator.scheduler.store.OperatorEvent;
import io.mesosoperator.scheduler.store.PlanState;
import io.mesosoperator.scheduler.store.ReservationRecord;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.ResourceVersionConflict;
import io.mesosoperator.scheduler.store.Store;
import io.mesosoperator.scheduler.store.StoreException;
import io.mesosoperator.scheduler.store.TaskRecord;
import io.mesosoperator.scheduler.store.TooLargeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.api.transaction.OperationType;
import org.apache.curator.framework.api.transaction.TransactionOp;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the operator must not lose, in ZooKeeper under one root (DESIGN.md section 7):
 * <pre>
 *   ROOT/framework-id                 the Mesos FrameworkID, for failover
 *   ROOT/resources/KIND/NAME          accepted specs, with metadata.generation
 *   ROOT/history/KIND/NAME/GENERATION the last {@value #HISTORY_KEPT} accepted generations of each
 *   ROOT/status/KIND/NAME             their status
 *   ROOT/tasks/TASK_ID                task records, written before the launch is sent
 *   ROOT/reservations/KIND/NAME/I     reservations and volumes of stateful instances
 *   ROOT/events/KIND/NAME             the last events of a resource (launches, kills, failures...)
 *   ROOT/secrets/KIND/NAME            a random secret per resource, for its tasks and the operator
 *                                     (e.g. a CassandraCluster's JMX password); never in status or logs
 *   ROOT/leader-term                  moved on by every new leadership term (its version fences writes)
 * </pre>
 * Every write goes through {@link #commit}: one ZooKeeper transaction which, in a store of a
 * leadership term ({@link #beginTerm}), first checks that no newer term has begun, so a deposed
 * leader's write fails instead of overwriting its successor's work.
 *
 * <p>A resource's resourceVersion is {@code SPEC-STATUS}: the mzxid (ZooKeeper's id of the last
 * transaction that wrote the node) of its spec node and of its status node (0 without a status).
 * Every status write rewrites the status node (its instance chunks are its children), so both
 * parts change with every write, and mzxids are never reused, not even by a resource deleted and
 * created again. The spec part is kept with the spec it was read with ({@link
 * Resource#storedVersion()}), never a newer one, so a client cannot hold a version newer than the
 * spec it saw.
 */
public final class ZkStore implements Store, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZkStore.class);
    /** How many generations of a spec are kept for `history` and `rollback`. */
    public static final int HISTORY_KEPT = 10;
    static final int INSTANCES_PER_NODE = 500;
    /** Task records are ~1 KB; ZooKeeper takes requests up to 1 MB. */
    private static final int TASKS_PER_TRANSACTION = 200;
    private static final String INSTANCE_NODES = "instanceNodes";
    /** The term of a store that never began one: its writes are not fenced (tools, tests, followers' reads). */
    private static final int NO_TERM = -1;
    /** What this store last wrote per path (status nodes), to skip rewriting what did not change. */
    private final Map<String, byte[]> written = new ConcurrentHashMap<>();
    private final Map<String, Integer> instanceNodes = new ConcurrentHashMap<>();
    /** Per resource: its spec writes and its status writes take turns, so a version checked stays current until written. */
    private final Map<ResourceKey, Object> locks = new ConcurrentHashMap<>();
    /**
     * The largest request sent: ZooKeeper's jute.maxbuffer (1 MiB less a byte unless set; set it on
     * the operator's JVM too when the servers raise it), less room for the request's framing.
     */
    private static final long MAX_REQUEST_BYTES = Integer.getInteger("jute.maxbuffer", 0xfffff) - 8 * 1024;
    /** What one operation of a request adds besides its data and path: headers, version, ACLs. */
    private static final int OP_OVERHEAD = 64;

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private final CuratorFramework client;
    private final boolean ownsClient;
    private final String root;
    private final ObjectMapper json;
    /** The version of the term node this store's term wrote; {@link #NO_TERM} for none. */
    private final int termVersion;
    private final Runnable onDeposed;
    private final AtomicBoolean deposed = new AtomicBoolean();

    public ZkStore(String connectString, String root) {
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        this.client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .retryPolicy(new ExponentialBackoffRetry(200, 10, 5000))
                // as Mesos' own --zk_session_timeout: a dead leader's latch goes within 10 s
                .sessionTimeoutMs(10_000)
                .connectionTimeoutMs(10_000)
                .build();
        this.ownsClient = true;
        this.json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        this.termVersion = NO_TERM;
        this.onDeposed = () -> { };
    }

    /** The store of one leadership term, on the connection of {@code base}. */
    private ZkStore(ZkStore base, int termVersion, Runnable onDeposed) {
        this.root = base.root;
        this.client = base.client;
        this.ownsClient = false;
        this.json = base.json;
        this.termVersion = termVersion;
        this.onDeposed = onDeposed;
    }

    public void start() throws InterruptedException {
        client.start();
        if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
            client.close();
            throw new IllegalStateException("cannot reach ZooKeeper at " + client.getZookeeperClient().getCurrentConnectionString()
                    + " within 30s");
        }
        LOG.info("connected to ZooKeeper {}; state under {}", client.getZookeeperClient().getCurrentConnectionString(), root);
    }

    public String root() {
        return root;
    }

    /** The Curator client, for recipes on the same connection (leader election). */
    public CuratorFramework client() {
        return client;
    }

    public boolean connected() {
        return client.getZookeeperClient().isConnected();
    }

    // ---------------------------------------------------------------- leadership terms

    /**
     * Begins a leadership term: moves the term node on, so that from now on every write of an
     * earlier term fails with {@link DeposedException}, and returns the store this term writes
     * through (on the same connection; what it wrote is remembered per term, and a new term writes
     * everything again). The first of its writes that finds a newer term calls {@code onDeposed}.
     */
    public ZkStore beginTerm(Runnable onDeposed) {
        byte[] began = java.time.Instant.now().toString().getBytes(StandardCharsets.UTF_8);
        try {
            while (true) {
                try {
                    return new ZkStore(this, client.setData().forPath(termPath(), began).getVersion(), onDeposed);
                } catch (KeeperException.NoNodeException first) {
                    try {
                        client.create().creatingParentsIfNeeded().forPath(termPath(), began);
                        return new ZkStore(this, 0, onDeposed);
                    } catch (KeeperException.NodeExistsException raced) {
                        // another instance began a term at the same moment: move past it
                    }
                }
            }
        } catch (Exception e) {
            throw failed("cannot begin a leadership term at " + termPath(), e);
        }
    }

    private String termPath() {
        return root + "/leader-term";
    }

    // ---------------------------------------------------------------- framework id

    public Optional<String> frameworkId() {
        return read(root + "/framework-id").map(b -> new String(b, StandardCharsets.UTF_8));
    }

    public void saveFrameworkId(String id) {
        write(root + "/framework-id", id.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- resources and status

    public List<Resource> loadResources() {
        List<Resource> out = new ArrayList<>();
        for (String kind : children(root + "/resources")) {
            for (String name : children(root + "/resources/" + kind)) {
                loadResource(new ResourceKey(kind, name)).ifPresent(out::add);
            }
        }
        return out;
    }

    public Optional<Resource> loadResource(ResourceKey key) {
        Stat stat = new Stat();
        return read(resourcePath(key), stat).map(b -> new Resource(parse(b, ObjectNode.class)).storedAs(Long.toString(stat.getMzxid())));
    }

    public String resourceVersion(Resource stored) {
        if (stored.storedVersion() == null) {
            return null;
        }
        try {
            return resourceVersion(stored.storedVersion(), client.checkExists().forPath(statusPath(stored.key())));
        } catch (Exception e) {
            throw failed("cannot read the status version of " + stored.key(), e);
        }
    }

    private static String resourceVersion(String specVersion, Stat status) {
        return specVersion + "-" + (status == null ? 0 : status.getMzxid());
    }

    /** A resource's spec and status nodes as they are now (null: absent): what a conditional write checks. */
    private record Versions(Stat spec, Stat status) {
        String specVersion() {
            return spec == null ? null : Long.toString(spec.getMzxid());
        }

        /** Null when the resource does not exist. */
        String resourceVersion() {
            return spec == null ? null : ZkStore.resourceVersion(specVersion(), status);
        }
    }

    private Versions versions(ResourceKey key) throws Exception {
        return new Versions(client.checkExists().forPath(resourcePath(key)), client.checkExists().forPath(statusPath(key)));
    }

    /**
     * The conflict of a write based on {@code expected} with the resource at {@code current}; in a
     * term that another has superseded, that is the news instead (its writes could not happen anyway).
     */
    private RuntimeException conflict(ResourceKey key, String expected, String current) throws Exception {
        if (termVersion != NO_TERM) {
            Stat term = client.checkExists().forPath(termPath());
            if (term == null || term.getVersion() != termVersion) {
                return deposed();
            }
        }
        return new ResourceVersionConflict(key, expected, current);
    }

    /** A conditional write lost a race in its transaction: the conflict, with the resourceVersion now. */
    private RuntimeException raced(ResourceKey key, String expected) {
        try {
            return conflict(key, expected, versions(key).resourceVersion());
        } catch (Exception e) {
            return failed("cannot read the version of " + key, e);
        }
    }

    /**
     * The conditions of a write that expects the resource at {@code expected} (null: no condition):
     * a conflict now unless it is, and the checks that keep it so until the transaction commits
     * (the spec's and the status's node versions as read).
     */
    private List<CuratorOp> unchangedSince(ResourceKey key, String expected, Versions now) throws Exception {
        if (expected == null) {
            return List.of();
        }
        if (!expected.equals(now.resourceVersion())) {
            throw conflict(key, expected, now.resourceVersion());
        }
        List<CuratorOp> checks = new ArrayList<>();
        checks.add(op().check().withVersion(now.spec().getVersion()).forPath(resourcePath(key)));
        if (now.status() != null) {
            checks.add(op().check().withVersion(now.status().getVersion()).forPath(statusPath(key)));
        }
        return checks;
    }

    private Object lock(ResourceKey key) {
        return locks.computeIfAbsent(key, k -> new Object());
    }

    public Optional<ResourceStatus> loadStatus(ResourceKey key) {
        return read(statusPath(key)).map(b -> {
            ObjectNode header = parse(b, ObjectNode.class);
            com.fasterxml.jackson.databind.JsonNode nodes = header.remove(INSTANCE_NODES);
            if (nodes != null) {
                com.fasterxml.jackson.databind.node.ArrayNode instances = header.putArray("instances");
                for (int i = 0; i < nodes.asInt(); i++) {
                    read(statusPath(key) + "/instances-" + i).ifPresent(chunk -> instances.addAll(
                            (com.fasterxml.jackson.databind.node.ArrayNode) parse(chunk, com.fasterxml.jackson.databind.node.ArrayNode.class)));
                }
            }
            return json.convertValue(header, ResourceStatus.class);
        });
    }

    /**
     * Stores a newly accepted generation: the resource and its history entry in one ZooKeeper
     * transaction (both or neither), dropping history beyond {@link #HISTORY_KEPT}. The spec write
     * is conditioned on the node version read, so of two writers based on the same version one
     * fails with a conflict; never both succeed.
     */
    public Resource putResource(Resource resource, String change, Resource basis, String expected) {
        ResourceKey key = resource.key();
        synchronized (lock(key)) {
            try {
                createParents(resourcePath(key));
                createParents(historyPath(key) + "/x");
                Versions now = versions(key);
                if (!Objects.equals(basis == null ? null : basis.storedVersion(), now.specVersion())) {
                    throw conflict(key, expected, now.resourceVersion());
                }
                List<CuratorOp> ops = new ArrayList<>(unchangedSince(key, expected, now));
                if (now.spec() == null) {
                    // empty first: a create in a transaction returns no Stat, the setData below does
                    ops.add(op().create().forPath(resourcePath(key), new byte[0]));
                }
                byte[] doc = bytes(resource.toJson());
                ops.add(op().setData().withVersion(now.spec() == null ? 0 : now.spec().getVersion())
                        .forPath(resourcePath(key), doc));
                ObjectNode entry = json.createObjectNode();
                entry.put("generation", resource.generation());
                entry.put("appliedAt", java.time.Instant.now().toString());
                entry.put("change", change);
                entry.set("resource", resource.toJson());
                String generationNode = historyPath(key) + "/" + String.format("%010d", resource.generation());
                byte[] history = bytes(entry);
                fitsInOneRequest(key.toString(), Map.of(resourcePath(key), doc, generationNode, history));
                ops.add(setOrCreate(generationNode, history));
                List<String> old = new ArrayList<>(children(historyPath(key)));
                old.sort(null);
                for (int i = 0; i < old.size() + 1 - HISTORY_KEPT; i++) {
                    if (!(historyPath(key) + "/" + old.get(i)).equals(generationNode)) {
                        ops.add(op().delete().forPath(historyPath(key) + "/" + old.get(i)));
                    }
                }
                Stat stored = commit(ops).stream()
                        .filter(r -> r.getType() == OperationType.SET_DATA && r.getForPath().equals(resourcePath(key)))
                        .findFirst().orElseThrow().getResultStat();
                return resource.storedAs(Long.toString(stored.getMzxid()));
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException | KeeperException.NoNodeException e) {
                throw raced(key, expected);
            } catch (Exception e) {
                throw failed("cannot store " + key, e);
            }
        }
    }

    /** The kept generations of a resource, oldest first: {generation, appliedAt, change, resource}. */
    public List<ObjectNode> history(ResourceKey key) {
        List<String> nodes = new ArrayList<>(children(historyPath(key)));
        nodes.sort(null);
        List<ObjectNode> out = new ArrayList<>();
        for (String n : nodes) {
            read(historyPath(key) + "/" + n).ifPresent(b -> out.add((ObjectNode) parse(b, ObjectNode.class)));
        }
        return out;
    }

    private String historyPath(ResourceKey key) {
        return root + "/history/" + key.kind() + "/" + key.name();
    }

    /** Makes the parents of a node (empty: they only hold children), outside any term's fence. */
    private void createParents(String path) throws Exception {
        String parent = path.substring(0, path.lastIndexOf('/'));
        if (client.checkExists().forPath(parent) == null) {
            try {
                client.create().creatingParentsIfNeeded().forPath(parent, new byte[0]);
            } catch (KeeperException.NodeExistsException raced) {
                // made meanwhile: fine, and its content is not ours to overwrite
            }
        }
    }

    /** Removes the spec, its status, its plan decisions and its history together. */
    public void deleteResource(ResourceKey key, String expected) {
        synchronized (lock(key)) {
            try {
                Versions now = versions(key);
                List<CuratorOp> conditions = unchangedSince(key, expected, now);
                List<CuratorOp> ops = new ArrayList<>(conditions);
                if (now.spec() != null) {
                    ops.add(op().delete().forPath(resourcePath(key)));
                }
                if (now.status() != null) {
                    for (String chunk : children(statusPath(key))) {
                        ops.add(op().delete().forPath(statusPath(key) + "/" + chunk));
                    }
                    ops.add(op().delete().forPath(statusPath(key)));
                }
                if (client.checkExists().forPath(planPath(key)) != null) {
                    ops.add(op().delete().forPath(planPath(key)));
                }
                for (String n : children(historyPath(key))) {
                    ops.add(op().delete().forPath(historyPath(key) + "/" + n));
                }
                if (client.checkExists().forPath(secretPath(key)) != null) {
                    ops.add(op().delete().forPath(secretPath(key)));
                }
                if (client.checkExists().forPath(profilesPath(key)) != null) {
                    ops.add(op().delete().forPath(profilesPath(key)));
                }
                if (ops.size() > conditions.size()) {
                    commit(ops);
                }
                written.keySet().removeIf(p -> p.equals(statusPath(key)) || p.startsWith(statusPath(key) + "/"));
                instanceNodes.remove(statusPath(key));
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
                throw expected == null ? new StoreException("cannot delete " + key, e) : raced(key, expected);
            } catch (Exception e) {
                throw failed("cannot delete " + key, e);
            }
        }
    }

    public Map<ResourceKey, ResourceStatus> loadStatuses() {
        Map<ResourceKey, ResourceStatus> out = new LinkedHashMap<>();
        for (String kind : children(root + "/status")) {
            for (String name : children(root + "/status/" + kind)) {
                ResourceKey key = new ResourceKey(kind, name);
                loadStatus(key).ifPresent(status -> out.put(key, status));
            }
        }
        return out;
    }

    /**
     * Stores a status. Its instances go to child nodes of {@value #INSTANCES_PER_NODE} each (a
     * resource of 10,000 instances would exceed ZooKeeper's 1 MB node limit), and only nodes whose
     * content changed since this store last wrote them are written; the status node itself is
     * rewritten whenever anything is, so its version (part of the resourceVersion) moves with every
     * status write.
     */
    public void putStatus(ResourceKey key, ResourceStatus status) {
        List<io.mesosoperator.scheduler.store.InstanceStatus> instances =
                status.instances() == null ? List.of() : status.instances();
        int nodes = (instances.size() + INSTANCES_PER_NODE - 1) / INSTANCES_PER_NODE;
        String path = statusPath(key);
        ObjectNode header = json.valueToTree(status.withInstances(null));
        header.put(INSTANCE_NODES, nodes);
        byte[] headerBytes = bytes(header);
        synchronized (lock(key)) {
            if (nodes > 0 && !written.containsKey(path)) {
                write(path, headerBytes); // the parent of the chunks exists with its content, never empty
            }
            boolean chunksChanged = false;
            for (int i = 0; i < nodes; i++) {
                chunksChanged |= writeIfChanged(path + "/instances-" + i,
                        bytes(instances.subList(i * INSTANCES_PER_NODE, Math.min(instances.size(), (i + 1) * INSTANCES_PER_NODE))));
            }
            if (chunksChanged) {
                written.remove(path);
            }
            writeIfChanged(path, headerBytes);
            Integer before = instanceNodes.put(path, nodes);
            for (int i = nodes; before != null && i < before; i++) {
                deleteQuietly(path + "/instances-" + i); // scaled down
            }
        }
    }

    /** Writes a node unless this store last wrote the same bytes there; whether it wrote. */
    private boolean writeIfChanged(String path, byte[] data) {
        if (java.util.Arrays.equals(written.get(path), data)) {
            return false;
        }
        write(path, data);
        written.put(path, data);
        return true;
    }

    private void deleteQuietly(String path) {
        try {
            commit(List.of(op().delete().forPath(path)));
        } catch (KeeperException.NoNodeException gone) {
            // deleted already: what was asked
        } catch (Exception e) {
            throw failed("cannot delete " + path, e);
        }
        written.remove(path);
    }

    // ---------------------------------------------------------------- secrets

    /**
     * The resource's secret: 32 random bytes (URL-safe Base64, no padding), made and stored on
     * first use, the same for every operator instance after that; deleted with the resource.
     */
    public String secret(ResourceKey key) {
        String path = secretPath(key);
        Optional<byte[]> existing = read(path);
        if (existing.isPresent()) {
            return new String(existing.get(), StandardCharsets.UTF_8);
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            createParents(path);
            commit(List.of(op().create().forPath(path, secret.getBytes(StandardCharsets.UTF_8))));
            return secret;
        } catch (KeeperException.NodeExistsException raced) {
            return read(path).map(b -> new String(b, StandardCharsets.UTF_8)).orElseThrow();
        } catch (Exception e) {
            throw failed("cannot store the secret of " + key, e);
        }
    }

    /**
     * The resource's secret if it has one, without making it: for readers beside the reconciler (the metrics
     * collector), which must not bring back the secret of a resource deleted while its tasks still run.
     */
    public String existingSecret(ResourceKey key) {
        return read(secretPath(key)).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
    }

    private String secretPath(ResourceKey key) {
        return root + "/secrets/" + key.kind() + "/" + key.name();
    }

    // ---------------------------------------------------------------- plans

    public Map<ResourceKey, PlanState> loadPlans() {
        Map<ResourceKey, PlanState> out = new LinkedHashMap<>();
        for (String kind : children(root + "/plans")) {
            for (String name : children(root + "/plans/" + kind)) {
                ResourceKey key = new ResourceKey(kind, name);
                read(planPath(key)).ifPresent(b -> out.put(key, parse(b, PlanState.class)));
            }
        }
        return out;
    }

    public void putPlan(ResourceKey key, PlanState plan, String expected) {
        if (expected == null) {
            write(planPath(key), bytes(plan));
            return;
        }
        synchronized (lock(key)) {
            try {
                List<CuratorOp> ops = new ArrayList<>(unchangedSince(key, expected, versions(key)));
                createParents(planPath(key));
                ops.add(setOrCreate(planPath(key), bytes(plan)));
                commit(ops);
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
                throw raced(key, expected);
            } catch (Exception e) {
                throw failed("cannot store the plan of " + key, e);
            }
        }
    }

    private String planPath(ResourceKey key) {
        return root + "/plans/" + key.kind() + "/" + key.name();
    }

    // ---------------------------------------------------------------- tasks

    public Map<String, TaskRecord> loadTasks() {
        Map<String, TaskRecord> out = new LinkedHashMap<>();
        for (String id : children(root + "/tasks")) {
            read(root + "/tasks/" + id).ifPresent(b -> out.put(id, parse(b, TaskRecord.class)));
        }
        return out;
    }

    public void putTask(TaskRecord task) {
        write(root + "/tasks/" + task.taskId(), bytes(task));
    }

    /**
     * Task record changes (null: delete; {@code created}: all new records) in as few ZooKeeper
     * transactions as fit: one write per
     * batch of launches or status updates instead of one per task. Each transaction is whole, so a
     * crash loses none of what was acknowledged after it.
     */
    public void putTasks(Map<String, TaskRecord> changes, boolean created) {
        if (created) {
            try {
                client.createContainers(root + "/tasks");
            } catch (Exception e) {
                throw new StoreException("cannot create " + root + "/tasks", e);
            }
        }
        List<Map.Entry<String, TaskRecord>> all = new ArrayList<>(changes.entrySet());
        for (int from = 0; from < all.size(); from += TASKS_PER_TRANSACTION) {
            List<Map.Entry<String, TaskRecord>> batch = all.subList(from, Math.min(all.size(), from + TASKS_PER_TRANSACTION));
            try {
                List<CuratorOp> ops = new ArrayList<>();
                Map<String, byte[]> writes = new LinkedHashMap<>();
                for (Map.Entry<String, TaskRecord> e : batch) {
                    String path = root + "/tasks/" + e.getKey();
                    writes.put(path, e.getValue() == null ? new byte[0] : bytes(e.getValue()));
                    if (e.getValue() == null) {
                        ops.add(op().delete().forPath(path));
                    } else if (created) {
                        ops.add(op().create().forPath(path, writes.get(path)));
                    } else {
                        ops.add(op().setData().forPath(path, writes.get(path)));
                    }
                }
                fitsInOneRequest("a batch of task records", writes); // too large: one by one below
                commit(ops);
            } catch (DeposedException e) {
                throw e;
            } catch (Exception e) {
                // e.g. a record deleted meanwhile: one by one then, each with its own error handling
                for (Map.Entry<String, TaskRecord> change : batch) {
                    if (change.getValue() == null) {
                        deleteTask(change.getKey());
                    } else {
                        putTask(change.getValue());
                    }
                }
            }
        }
    }

    public void deleteTask(String taskId) {
        deleteQuietly(root + "/tasks/" + taskId);
    }

    // ---------------------------------------------------------------- events

    public List<OperatorEvent> events(ResourceKey key) {
        return read(eventsPath(key)).map(b -> {
            try {
                return List.of(json.readValue(b, OperatorEvent[].class));
            } catch (IOException e) {
                throw new StoreException("corrupt events of " + key, e);
            }
        }).orElse(List.of());
    }

    public void putEvents(ResourceKey key, List<OperatorEvent> events) {
        write(eventsPath(key), bytes(events));
    }

    public void deleteEvents(ResourceKey key) {
        deleteQuietly(eventsPath(key));
    }

    private String eventsPath(ResourceKey key) {
        return root + "/events/" + key.kind() + "/" + key.name();
    }

    // ---------------------------------------------------------------- learnt daily shapes

    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, DailyProfile.Saved>> PROFILES =
            new com.fasterxml.jackson.core.type.TypeReference<>() {};

    public Map<String, DailyProfile.Saved> dailyProfiles(ResourceKey key) {
        return read(profilesPath(key)).map(b -> {
            try {
                return json.readValue(b, PROFILES);
            } catch (IOException e) {
                throw new StoreException("corrupt daily profiles of " + key, e);
            }
        }).orElse(Map.of());
    }

    /** Only while the resource exists: a save racing its deletion must not leave its shapes behind. */
    public void putDailyProfiles(ResourceKey key, Map<String, DailyProfile.Saved> profiles) {
        String path = profilesPath(key);
        byte[] data = bytes(profiles);
        fitsInOneRequest(path, Map.of(path, data));
        try {
            Stat spec = client.checkExists().forPath(resourcePath(key));
            if (spec == null) {
                return;
            }
            createParents(path);
            commit(List.of(op().check().withVersion(spec.getVersion()).forPath(resourcePath(key)), setOrCreate(path, data)));
        } catch (KeeperException.NoNodeException | KeeperException.BadVersionException | KeeperException.NodeExistsException e) {
            // deleted, changed or saved meanwhile: the next save (a slot later) writes it if the resource is still there
        } catch (Exception e) {
            throw failed("cannot write " + path, e);
        }
    }

    private String profilesPath(ResourceKey key) {
        return root + "/profiles/" + key.kind() + "/" + key.name();
    }

    // ---------------------------------------------------------------- reservations

    public List<ReservationRecord> loadReservations() {
        List<ReservationRecord> out = new ArrayList<>();
        for (String kind : children(root + "/reservations")) {
            for (String name : children(root + "/reservations/" + kind)) {
                for (String instance : children(root + "/reservations/" + kind + "/" + name)) {
                    read(root + "/reservations/" + kind + "/" + name + "/" + instance)
                            .ifPresent(b -> out.add(parse(b, ReservationRecord.class)));
                }
            }
        }
        return out;
    }

    public void putReservation(ReservationRecord r) {
        write(reservationPath(r.resourceKey(), r.instance()), bytes(r));
    }

    public void deleteReservation(ResourceKey key, int instance) {
        deleteQuietly(reservationPath(key, instance));
    }

    private String reservationPath(ResourceKey key, int instance) {
        return root + "/reservations/" + key.kind() + "/" + key.name() + "/" + instance;
    }

    // ---------------------------------------------------------------- plumbing

    private String resourcePath(ResourceKey key) {
        return root + "/resources/" + key.kind() + "/" + key.name();
    }

    private String statusPath(ResourceKey key) {
        return root + "/status/" + key.kind() + "/" + key.name();
    }

    private Optional<byte[]> read(String path) {
        return read(path, new Stat());
    }

    private Optional<byte[]> read(String path, Stat stat) {
        try {
            return Optional.of(client.getData().storingStatIn(stat).forPath(path));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw new StoreException("cannot read " + path, e);
        }
    }

    /** Writes one node, creating it (and its parents) if needed. */
    private void write(String path, byte[] data) {
        fitsInOneRequest(path, Map.of(path, data));
        try {
            while (true) {
                try {
                    commit(List.of(op().setData().forPath(path, data)));
                    return;
                } catch (KeeperException.NoNodeException absent) {
                    createParents(path);
                    try {
                        commit(List.of(op().create().forPath(path, data)));
                        return;
                    } catch (KeeperException.NodeExistsException raced) {
                        // created meanwhile: set it
                    }
                }
            }
        } catch (Exception e) {
            throw failed("cannot write " + path, e);
        }
    }

    /**
     * Refuses, before anything is sent, a request larger than ZooKeeper takes: ZooKeeper answers
     * one by dropping the connection, which costs the session and with it the leadership, and a
     * retry would cost it again.
     */
    private static void fitsInOneRequest(String what, Map<String, byte[]> writes) {
        long size = 0;
        for (Map.Entry<String, byte[]> write : writes.entrySet()) {
            size += write.getValue().length + write.getKey().length() + OP_OVERHEAD;
        }
        if (size > MAX_REQUEST_BYTES) {
            throw new TooLargeException(what, size, MAX_REQUEST_BYTES);
        }
    }

    /** An operation that writes a node whether or not it exists yet (as read now). */
    private CuratorOp setOrCreate(String path, byte[] data) throws Exception {
        return client.checkExists().forPath(path) == null ? op().create().forPath(path, data) : op().setData().forPath(path, data);
    }

    /**
     * Every write goes through here: the operations in one ZooKeeper transaction, which in a store
     * of a leadership term first checks that the term node is still at the version this term wrote
     * (no newer term has begun). A deposed leader's write so fails as a whole, whatever it was,
     * with {@link DeposedException}; another failed operation throws its KeeperException (of the
     * first that failed). Parent nodes ({@link #createParents}) are made outside: they hold no data.
     *
     * @return the results of {@code ops}, in order
     */
    private List<CuratorTransactionResult> commit(List<CuratorOp> ops) throws Exception {
        if (termVersion == NO_TERM) {
            return client.transaction().forOperations(ops);
        }
        List<CuratorOp> fenced = new ArrayList<>(ops.size() + 1);
        fenced.add(op().check().withVersion(termVersion).forPath(termPath()));
        fenced.addAll(ops);
        try {
            List<CuratorTransactionResult> results = client.transaction().forOperations(fenced);
            return results.subList(1, results.size());
        } catch (KeeperException e) {
            List<OpResult> results = e.getResults();
            if (results != null && !results.isEmpty() && results.get(0) instanceof OpResult.ErrorResult term
                    && term.getErr() != KeeperException.Code.OK.intValue()) {
                throw deposed();
            }
            throw e;
        }
    }

    private DeposedException deposed() {
        if (deposed.compareAndSet(false, true)) {
            LOG.error("another operator began a newer leadership term ({} is past version {}): this one is deposed,"
                    + " its writes fail and it stops acting", termPath(), termVersion);
            onDeposed.run();
        }
        return new DeposedException("deposed: another operator leads now (a newer leadership term began); nothing was written");
    }

    private TransactionOp op() {
        return client.transactionOp();
    }

    /** A failure to report: the store's own exceptions as they are, anything else as a StoreException. */
    private static RuntimeException failed(String what, Exception e) {
        if (e instanceof StoreException || e instanceof ResourceVersionConflict) {
            return (RuntimeException) e;
        }
        return new StoreException(what, e);
    }

    private List<String> children(String path) {
        try {
            return client.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw new StoreException("cannot list " + path, e);
        }
    }

    private byte[] bytes(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot serialize " + value, e);
        }
    }

    private <T> T parse(byte[] data, Class<T> type) {
        try {
            return json.readValue(data, type);
        } catch (IOException e) {
            throw new StoreException("corrupt record in ZooKeeper (" + type.getSimpleName() + ")", e);
        }
    }

    /** Closes the connection; a term's store shares its base's, which the base closes. */
    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
