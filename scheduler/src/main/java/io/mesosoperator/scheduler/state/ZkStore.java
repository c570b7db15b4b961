package io.mesosoperator.scheduler.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.OperatorEvent;
import io.mesosoperator.scheduler.store.PlanState;
import io.mesosoperator.scheduler.store.ReservationRecord;
import io.mesosoperator.scheduler.store.ResourceStatus;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
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
 * </pre>
 */
public final class ZkStore implements Store, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZkStore.class);
    /** How many generations of a spec are kept for `history` and `rollback`. */
    public static final int HISTORY_KEPT = 10;
    static final int INSTANCES_PER_NODE = 500;
    /** Task records are ~1 KB; ZooKeeper takes requests up to 1 MB. */
    private static final int TASKS_PER_TRANSACTION = 200;
    private static final String INSTANCE_NODES = "instanceNodes";
    /**
     * The largest request sent: ZooKeeper's jute.maxbuffer (1 MiB less a byte unless set; set it on
     * the operator's JVM too when the servers raise it), less room for the request's framing.
     */
    private static final long MAX_REQUEST_BYTES = Integer.getInteger("jute.maxbuffer", 0xfffff) - 8 * 1024;
    /** What one operation of a request adds besides its data and path: headers, version, ACLs. */
    private static final int OP_OVERHEAD = 64;
    /** What this process last wrote per path (status nodes), to skip rewriting what did not change. */
    private final Map<String, byte[]> written = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Integer> instanceNodes = new java.util.concurrent.ConcurrentHashMap<>();

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private final CuratorFramework client;
    private final String root;
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public ZkStore(String connectString, String root) {
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        this.client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .retryPolicy(new ExponentialBackoffRetry(200, 10, 5000))
                // as Mesos' own --zk_session_timeout: a dead leader's latch goes within 10 s
                .sessionTimeoutMs(10_000)
                .connectionTimeoutMs(10_000)
                .build();
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
        return read(resourcePath(key)).map(b -> new Resource((ObjectNode) parse(b, ObjectNode.class)));
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
     * transaction (both or neither), dropping history beyond {@link #HISTORY_KEPT}.
     */
    public void putResource(Resource resource, String change) {
        ResourceKey key = resource.key();
        try {
            createParents(resourcePath(key));
            createParents(historyPath(key) + "/x");
            List<CuratorOp> ops = new ArrayList<>();
            byte[] doc = bytes(resource.toJson());
            ops.add(client.checkExists().forPath(resourcePath(key)) == null
                    ? client.transactionOp().create().forPath(resourcePath(key), doc)
                    : client.transactionOp().setData().forPath(resourcePath(key), doc));
            ObjectNode entry = json.createObjectNode();
            entry.put("generation", resource.generation());
            entry.put("appliedAt", java.time.Instant.now().toString());
            entry.put("change", change);
            entry.set("resource", resource.toJson());
            String generationNode = historyPath(key) + "/" + String.format("%010d", resource.generation());
            byte[] history = bytes(entry);
            fitsInOneRequest(key.toString(), Map.of(resourcePath(key), doc, generationNode, history));
            ops.add(client.checkExists().forPath(generationNode) == null
                    ? client.transactionOp().create().forPath(generationNode, history)
                    : client.transactionOp().setData().forPath(generationNode, history));
            List<String> old = new ArrayList<>(children(historyPath(key)));
            old.sort(null);
            for (int i = 0; i < old.size() + 1 - HISTORY_KEPT; i++) {
                if (!(historyPath(key) + "/" + old.get(i)).equals(generationNode)) {
                    ops.add(client.transactionOp().delete().forPath(historyPath(key) + "/" + old.get(i)));
                }
            }
            client.transaction().forOperations(ops);
        } catch (StoreException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException("cannot store " + key, e);
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

    private void createParents(String path) throws Exception {
        String parent = path.substring(0, path.lastIndexOf('/'));
        if (client.checkExists().forPath(parent) == null) {
            client.create().orSetData().creatingParentsIfNeeded().forPath(parent);
        }
    }

    /** Removes the spec, its status, its plan decisions and its history together. */
    public void deleteResource(ResourceKey key) {
        try {
            List<CuratorOp> ops = new ArrayList<>();
            if (client.checkExists().forPath(resourcePath(key)) != null) {
                ops.add(client.transactionOp().delete().forPath(resourcePath(key)));
            }
            if (client.checkExists().forPath(statusPath(key)) != null) {
                for (String chunk : children(statusPath(key))) {
                    ops.add(client.transactionOp().delete().forPath(statusPath(key) + "/" + chunk));
                }
                ops.add(client.transactionOp().delete().forPath(statusPath(key)));
            }
            if (client.checkExists().forPath(planPath(key)) != null) {
                ops.add(client.transactionOp().delete().forPath(planPath(key)));
            }
            for (String n : children(historyPath(key))) {
                ops.add(client.transactionOp().delete().forPath(historyPath(key) + "/" + n));
            }
            if (client.checkExists().forPath(secretPath(key)) != null) {
                ops.add(client.transactionOp().delete().forPath(secretPath(key)));
            }
            if (!ops.isEmpty()) {
                client.transaction().forOperations(ops);
            }
            written.keySet().removeIf(p -> p.equals(statusPath(key)) || p.startsWith(statusPath(key) + "/"));
            instanceNodes.remove(statusPath(key));
        } catch (Exception e) {
            throw new StoreException("cannot delete " + key, e);
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
     * content changed since this process last wrote them are written.
     */
    public void putStatus(ResourceKey key, ResourceStatus status) {
        List<io.mesosoperator.scheduler.store.InstanceStatus> instances =
                status.instances() == null ? List.of() : status.instances();
        int nodes = (instances.size() + INSTANCES_PER_NODE - 1) / INSTANCES_PER_NODE;
        String path = statusPath(key);
        for (int i = 0; i < nodes; i++) {
            writeIfChanged(path + "/instances-" + i,
                    bytes(instances.subList(i * INSTANCES_PER_NODE, Math.min(instances.size(), (i + 1) * INSTANCES_PER_NODE))));
        }
        ObjectNode header = json.valueToTree(status.withInstances(null));
        header.put(INSTANCE_NODES, nodes);
        writeIfChanged(path, bytes(header));
        Integer before = instanceNodes.put(path, nodes);
        for (int i = nodes; before != null && i < before; i++) {
            deleteQuietly(path + "/instances-" + i); // scaled down
        }
    }

    /** A new leadership term: other operators may have written since, so write everything again. */
    public void forgetWrites() {
        written.clear();
        instanceNodes.clear();
    }

    private void writeIfChanged(String path, byte[] data) {
        if (!java.util.Arrays.equals(written.get(path), data)) {
            write(path, data);
            written.put(path, data);
        }
    }

    private void deleteQuietly(String path) {
        try {
            client.delete().quietly().forPath(path);
            written.remove(path);
        } catch (Exception e) {
            throw new StoreException("cannot delete " + path, e);
        }
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
            client.create().creatingParentsIfNeeded().forPath(path, secret.getBytes(StandardCharsets.UTF_8));
            return secret;
        } catch (KeeperException.NodeExistsException raced) {
            return read(path).map(b -> new String(b, StandardCharsets.UTF_8)).orElseThrow();
        } catch (Exception e) {
            throw new StoreException("cannot store the secret of " + key, e);
        }
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

    public void putPlan(ResourceKey key, PlanState plan) {
        write(planPath(key), bytes(plan));
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
                        ops.add(client.transactionOp().delete().forPath(path));
                    } else if (created) {
                        ops.add(client.transactionOp().create().forPath(path, writes.get(path)));
                    } else {
                        ops.add(client.transactionOp().setData().forPath(path, writes.get(path)));
                    }
                }
                fitsInOneRequest("a batch of task records", writes); // too large: one by one below
                client.transaction().forOperations(ops);
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
        try {
            client.delete().quietly().forPath(root + "/tasks/" + taskId);
        } catch (Exception e) {
            throw new StoreException("cannot delete task record " + taskId, e);
        }
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
        try {
            client.delete().quietly().forPath(eventsPath(key));
        } catch (Exception e) {
            throw new StoreException("cannot delete events of " + key, e);
        }
    }

    private String eventsPath(ResourceKey key) {
        return root + "/events/" + key.kind() + "/" + key.name();
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
        try {
            client.delete().quietly().forPath(reservationPath(key, instance));
        } catch (Exception e) {
            throw new StoreException("cannot delete reservation record " + key + "/" + instance, e);
        }
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
        try {
            return Optional.of(client.getData().forPath(path));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw new StoreException("cannot read " + path, e);
        }
    }

    private void write(String path, byte[] data) {
        fitsInOneRequest(path, Map.of(path, data));
        try {
            try {
                client.setData().forPath(path, data);
            } catch (KeeperException.NoNodeException e) {
                client.create().orSetData().creatingParentsIfNeeded().forPath(path, data);
            }
        } catch (Exception e) {
            throw new StoreException("cannot write " + path, e);
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

    @Override
    public void close() {
        client.close();
    }
}
