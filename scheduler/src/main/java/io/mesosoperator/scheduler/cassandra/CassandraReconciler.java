package io.mesosoperator.scheduler.cassandra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.kind.ReservedSize;
import io.mesosoperator.scheduler.store.Condition;
import io.mesosoperator.scheduler.kind.ConfigHash;
import io.mesosoperator.scheduler.kind.InstanceSet;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.ReconcileResult;
import io.mesosoperator.scheduler.kind.WorkloadReconciler;
import io.mesosoperator.scheduler.kind.RecoveryPolicy;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.kind.Strategy;
import io.mesosoperator.scheduler.store.TaskRecord;
import io.mesosoperator.scheduler.kind.WorkloadProbe;
import io.mesosoperator.scheduler.spec.FieldError;
import io.mesosoperator.scheduler.spec.KindDefinition;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.spec.SpecBinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * CassandraCluster: N nodes of one datacenter, the first {@code seeds} of them seeds. Node N is
 * instance N: its host ID, tokens and data live on its persistent volume, so a relaunched node
 * rejoins as itself on the agent holding the volume, whatever ports Mesos offers it this time
 * (Cassandra 4+ tells nodes on one IP apart by their storage port). Nodes bootstrap one at a time
 * (serial plan): the next starts once the previous is UP in the driver's view and answers a query
 * as bootstrapped. A scale-down decommissions the highest removed node through its JMX port
 * (remote JMX on the node's host, authenticated with the cluster's secret), and only then kills its task; it is refused while a keyspace's replication factor exceeds the nodes
 * that would remain. A node lost with its agent (unreachable for longer than the recovery policy
 * waits) is removed from the ring first (removenode over the JMX port of a live node, which streams
 * its data from the remaining replicas to their new owners); then its instance gives up its volume
 * on the dead agent and bootstraps elsewhere as a new node, with new tokens.
 * (replace_address_first_boot would keep the tokens, but Cassandra 5.0 replaces a node only with
 * the same storage port, and ports come from Mesos offers.)
 */
public final class CassandraReconciler extends WorkloadReconciler<CassandraProbe> {
    public static final KindDefinition KIND = new KindDefinition("CassandraCluster", "cassandra.schema.json", Set.of("nodes"));
    private static final Duration LOOK_AGAIN = Duration.ofSeconds(2);

    /** Each cluster's secret (its JMX password), made on first use and kept (ZooKeeper). */
    private final Function<ResourceKey, String> secrets;

    /**
     * @param defaultDistribution the Cassandra tarball URI for specs that name none (null: they must)
     * @param secrets each cluster's secret, the same for every operator instance (ZkStore::secret)
     */
    public CassandraReconciler(RecoveryPolicy policy, String defaultDistribution, CassandraProbe probe,
                               Function<ResourceKey, String> secrets) {
        super(KIND, policy, defaultDistribution, probe);
        this.secrets = secrets;
    }

    @Override
    public List<FieldError> check(Resource resource, String role) {
        CassandraSpec spec = SpecBinding.bind(resource.spec(), CassandraSpec.class);
        List<FieldError> errors = new ArrayList<>();
        FieldError volumes = SpecBinding.volumeNeedsRole("spec.disk", role);
        if (volumes != null) {
            errors.add(volumes);
        }
        checkHeap(errors, spec.heap(), spec.mem());
        checkDistribution(errors, "distribution", spec.distribution(), "cassandraDistribution");
        if (Strategy.of(spec.strategy()) == Strategy.PARALLEL) {
            errors.add(FieldError.of("spec.strategy", "parallel is not supported for CassandraCluster: Cassandra"
                    + " bootstraps one node at a time (use serial or canary)"));
        }
        errors.addAll(CassandraNodeConfig.ownedKeyErrors(spec.config()));
        CassandraProbe.Snapshot seen = probe.snapshot(resource.key());
        if (seen != null && seen.error() == null) {
            errors.addAll(fixedOnceCreated(spec, resource.key().name(), seen));
        }
        if (seen != null && seen.error() == null && spec.nodes() < seen.nodes().size()) {
            String blocker = replicationBlocker(seen.replication(), spec.nodes(), ringDatacenter(spec, seen, null));
            if (blocker != null) {
                errors.add(FieldError.of("spec.nodes", blocker));
            }
        }
        for (int i = 0; i < spec.nodes(); i++) {
            CassandraProbe.Decommission d = probe.decommission(resource.key(), i);
            if (d != null && (d.running() || d.done())) {
                errors.add(FieldError.of("spec.nodes", "node " + i + " is being decommissioned; scale up again once"
                        + " its task is gone"));
            }
        }
        return errors;
    }

    @Override
    public List<FieldError> check(Resource resource, Resource running, String role) {
        List<FieldError> errors = new ArrayList<>(check(resource, role));
        if (running == null) {
            return errors;
        }
        CassandraSpec was = SpecBinding.bind(running.spec(), CassandraSpec.class);
        CassandraSpec spec = SpecBinding.bind(resource.spec(), CassandraSpec.class);
        errors.addAll(new ReservedSize(was.cpus(), was.mem(), was.disk()).changesTo(
                new ReservedSize(spec.cpus(), spec.mem(), spec.disk()), "spec.cpus", "spec.mem", "spec.disk"));
        CassandraProbe.Snapshot seen = probe.snapshot(resource.key());
        if (seen != null && seen.error() == null) {
            errors.addAll(placementSwitches(was, spec, seen));
        }
        return errors;
    }

    /**
     * A ring's nodes cannot move between a literal datacenter or rack and one taken from agent
     * attributes (or another attribute): each node would restart, on the agent holding its data,
     * in whatever the new source says, and Cassandra refuses to start a node whose datacenter or
     * rack differs from the one its data was written in.
     */
    static List<FieldError> placementSwitches(CassandraSpec running, CassandraSpec next, CassandraProbe.Snapshot ring) {
        List<FieldError> errors = new ArrayList<>();
        if (ring.nodes().isEmpty()) {
            return errors;
        }
        for (String[] field : new String[][] {
                {"datacenterFromAttribute", running.datacenterFromAttribute(), next.datacenterFromAttribute()},
                {"rackFromAttribute", running.rackFromAttribute(), next.rackFromAttribute()}}) {
            if (!java.util.Objects.equals(field[1], field[2])) {
                errors.add(FieldError.of("spec." + field[0], "cannot change once the ring exists (it is "
                        + (field[1] == null ? "unset" : "'" + field[1] + "'") + "): its nodes would restart in"
                        + " another datacenter or rack than their data's, which Cassandra refuses; delete and"
                        + " re-create the ring to change it"));
            }
        }
        return errors;
    }

    /**
     * Changes a running ring cannot take: its nodes refuse to start with another cluster name, or
     * in another datacenter or rack than the one their data was written in. (Racks and datacenters
     * taken from agent attributes are the agents' and cannot be checked here; switching to or from
     * them is refused by {@link #placementSwitches}.)
     */
    static List<FieldError> fixedOnceCreated(CassandraSpec spec, String name, CassandraProbe.Snapshot ring) {
        List<FieldError> errors = new ArrayList<>();
        String clusterName = spec.clusterName() != null ? spec.clusterName() : name;
        if (ring.clusterName() != null && !ring.clusterName().equals(clusterName)) {
            errors.add(FieldError.of("spec.clusterName", "cannot change once the ring exists (it is '"
                    + ring.clusterName() + "')"));
        }
        Set<String> datacenters = new TreeSet<>();
        Set<String> racks = new TreeSet<>();
        ring.nodes().forEach(n -> {
            if (n.datacenter() != null) {
                datacenters.add(n.datacenter());
            }
            if (n.rack() != null) {
                racks.add(n.rack());
            }
        });
        if (spec.datacenterFromAttribute() == null && !datacenters.isEmpty() && !datacenters.contains(spec.datacenter())) {
            errors.add(FieldError.of("spec.datacenter", "cannot change once the ring exists (its nodes are in "
                    + String.join(", ", datacenters) + ")"));
        }
        if (spec.rackFromAttribute() == null && !racks.isEmpty() && !racks.contains(spec.rack())) {
            errors.add(FieldError.of("spec.rack", "cannot change once the ring exists (its nodes are in "
                    + String.join(", ", racks) + ")"));
        }
        return errors;
    }

    /**
     * Why the ring cannot shrink to {@code remaining} nodes: a user keyspace replicated more often
     * than that in the datacenter (Cassandra would refuse the decommission). System keyspaces
     * (system_distributed has 3 replicas by default) are not a reason: the decommission is forced
     * past them, as `nodetool decommission --force` would be.
     */
    static String replicationBlocker(Map<String, Integer> replication, int remaining, String datacenter) {
        List<String> tooHigh = new ArrayList<>();
        replication.forEach((keyspace, rf) -> {
            if (!isSystemKeyspace(keyspace) && rf > remaining) {
                tooHigh.add("'" + keyspace + "' (" + rf + ")");
            }
        });
        return tooHigh.isEmpty() ? null : "keyspace " + String.join(", ", tooHigh) + " has more replicas in "
                + datacenter + " than the " + remaining + " node(s) that would remain; lower its replication factor first";
    }

    /** Whether a decommission leaving {@code remaining} nodes must be forced past a system keyspace. */
    static boolean needsForce(Map<String, Integer> replication, int remaining) {
        return replication.entrySet().stream().anyMatch(e -> isSystemKeyspace(e.getKey()) && e.getValue() > remaining);
    }

    private static boolean isSystemKeyspace(String keyspace) {
        return keyspace.startsWith("system");
    }

    /**
     * The datacenter of the ring: spec.datacenter, or with datacenterFromAttribute, the one its nodes
     * are in (as the driver sees them, else as the previous status recorded); null before any ran.
     */
    static String ringDatacenter(CassandraSpec spec, CassandraProbe.Snapshot seen, JsonNode previousWorkload) {
        if (spec.datacenterFromAttribute() == null) {
            return spec.datacenter();
        }
        if (seen != null) {
            for (CassandraProbe.NodeView n : seen.nodes()) {
                if (n.datacenter() != null) {
                    return n.datacenter();
                }
            }
        }
        return previousWorkload != null && previousWorkload.hasNonNull("datacenter")
                ? previousWorkload.path("datacenter").asText() : null;
    }

    /**
     * Nodes lost with their agent: the newest task of each instance, when it is unreachable for
     * longer than the recovery policy waits for an agent to come back (reconcile.replaceUnreachableAfterSeconds).
     */
    TreeMap<Integer, TaskRecord> lostWithTheirAgent(List<TaskRecord> tasks, Instant now) {
        TreeMap<Integer, TaskRecord> newest = new TreeMap<>();
        for (TaskRecord t : tasks) {
            TaskRecord other = newest.get(t.instance());
            if (other == null || String.valueOf(t.launchedAt()).compareTo(String.valueOf(other.launchedAt())) > 0) {
                newest.put(t.instance(), t);
            }
        }
        TreeMap<Integer, TaskRecord> lost = new TreeMap<>();
        newest.forEach((i, t) -> {
            if (!t.terminal() && givenUp(t, now)) {
                lost.put(i, t);
            }
        });
        return lost;
    }

    /**
     * A task unreachable for longer than the recovery policy waits: given up (as InstanceSet does),
     * though it never ends while its agent stays away.
     */
    private boolean givenUp(TaskRecord t, Instant now) {
        return t.unreachable() && t.unreachableSince() != null
                && !now.isBefore(Instant.parse(t.unreachableSince()).plus(policy.replaceUnreachableAfter()));
    }

    /**
     * The next step for a node lost with its agent. {@code waitFor} null: it is out of the ring (or
     * never joined it), so its instance may start afresh elsewhere; else what its relaunch waits for,
     * and with {@code removeVia} set, the JMX address of the live node to run removenode on now.
     */
    record LostNodeStep(String waitFor, String removeVia) {
        static final LostNodeStep GONE = new LostNodeStep(null, null);

        static LostNodeStep waiting(String why) {
            return new LostNodeStep(why, null);
        }
    }

    /**
     * What to do about node {@code instance}, lost with its agent, whose host ID was {@code hostId}:
     * a node that never joined has nothing to remove; one the ring no longer lists (removenode done,
     * by the operator or by hand) is gone; else removenode through a live, serving node, once the
     * ring sees the lost one down, one removal at a time.
     */
    static LostNodeStep lostNodeStep(int instance, String hostId, CassandraProbe.Removal removal,
                                     CassandraProbe.Snapshot seen, Map<Integer, TaskRecord> running,
                                     boolean anotherRemoval) {
        if (hostId == null) {
            return LostNodeStep.GONE;
        }
        boolean ours = removal != null && hostId.equals(removal.hostId());
        if (ours && removal.done()) {
            return LostNodeStep.GONE;
        }
        if (ours && removal.running()) {
            // until removenode returns, though the driver may drop the node a moment before
            return LostNodeStep.waiting("removing node " + instance + " (host ID " + hostId + ") from the ring");
        }
        if (seen == null || seen.error() != null) {
            return LostNodeStep.waiting("waiting for the driver to look at the ring");
        }
        CassandraProbe.NodeView node = seen.byHostId(hostId);
        if (node == null && seen.nodes().stream().anyMatch(n -> "UP".equals(n.state()))) {
            return LostNodeStep.GONE; // the ring no longer lists it (removed by the operator, or by hand)
        }
        if (anotherRemoval) {
            return LostNodeStep.waiting("the ring removes one lost node at a time");
        }
        if (node != null && "UP".equals(node.state())) {
            return LostNodeStep.waiting("node " + instance + "'s agent is lost but the ring still sees it UP");
        }
        for (TaskRecord t : running.values()) {
            CassandraProbe.NodeView live = seen.byNativeAddress(t.address(CassandraNodeConfig.NATIVE_PORT));
            if (t.instance() != instance && live != null && "UP".equals(live.state()) && live.serving()) {
                String retry = ours && "FAILED".equals(removal.state()) ? "; the last attempt failed (" + removal.message()
                        + "), trying again" : "";
                return new LostNodeStep("removing node " + instance + " (host ID " + hostId + ") from the ring" + retry,
                        t.address(CassandraNodeConfig.JMX_PORT));
            }
        }
        return LostNodeStep.waiting("no live node to run removenode on");
    }

    /** What the previous status recorded of a node (for last-known seeds and nodes that are not running). */
    record Known(String hostId, String storageAddress, String nativeAddress) {}

    @Override
    public ReconcileResult reconcile(Resource resource, Observed observed, Instant now) {
        CassandraSpec spec = SpecBinding.bind(resource.spec(), CassandraSpec.class);
        ResourceKey key = resource.key();
        String clusterName = spec.clusterName() != null ? spec.clusterName() : key.name();
        int seedCount = spec.seedCount();
        JsonNode previous = observed.previousStatus() == null ? null : observed.previousStatus().workload();
        TreeMap<Integer, Known> known = known(previous);

        Map<Integer, TaskRecord> active = new TreeMap<>();
        Map<Integer, TaskRecord> running = new TreeMap<>();
        int highest = spec.nodes() - 1;
        for (TaskRecord t : observed.tasks()) {
            highest = Math.max(highest, t.instance());
            // a task given up on a lost agent holds nothing (a node removed from the ring, its instance
            // started afresh): else it would keep a scaled-away instance 'decommissioned' for ever
            if (!t.terminal() && !givenUp(t, now)) {
                active.put(t.instance(), t);
                if ("TASK_RUNNING".equals(t.state()) && !t.killRequested()
                        && t.address(CassandraNodeConfig.STORAGE_PORT) != null) {
                    running.put(t.instance(), t);
                }
            }
        }
        for (int i = 0; i <= highest; i++) {
            if (!active.containsKey(i)) {
                probe.forgetDecommission(key, i); // its task is gone: a later node i is a new node
            }
        }
        List<String> contactPoints = new ArrayList<>();
        Map<Integer, String> runningSeeds = new TreeMap<>();
        running.forEach((i, t) -> {
            contactPoints.add(t.address(CassandraNodeConfig.NATIVE_PORT));
            if (i < seedCount) {
                runningSeeds.put(i, t.address(CassandraNodeConfig.STORAGE_PORT));
            }
        });
        // a datacenter from an agent attribute is the driver's to find out (all nodes are in one)
        probe.watch(key, contactPoints, spec.datacenterFromAttribute() == null ? spec.datacenter() : null);
        CassandraProbe.Snapshot seen = probe.snapshot(key);
        String datacenter = ringDatacenter(spec, seen, previous);

        // scale-down: removed nodes stay (as pods) until decommissioned, the highest first; a node once
        // decommissioned never rejoins, so that is remembered in the status until its task is gone
        Set<Integer> decommissioned = new TreeSet<>();
        TreeSet<Integer> leaving = new TreeSet<>();
        Set<Integer> decommissionedBefore = new HashSet<>();
        if (previous != null) {
            previous.path("decommissioned").forEach(n -> decommissionedBefore.add(n.asInt()));
        }
        for (int i : active.keySet()) {
            if (i >= spec.nodes()) {
                CassandraProbe.Decommission d = probe.decommission(key, i);
                if (decommissionedBefore.contains(i) || (d != null && d.done())) {
                    decommissioned.add(i);
                } else {
                    leaving.add(i);
                }
            }
        }
        int podCount = leaving.isEmpty() ? spec.nodes() : leaving.last() + 1;
        String decommissionWait = null;
        if (!leaving.isEmpty()) {
            decommissionWait = decommission(key, leaving.last(), podCount - 1, running, seen, datacenter,
                    secrets.apply(key));
        }

        // a node lost with its agent (unreachable past the recovery policy's wait) leaves the ring first
        // (removenode through a live node: its data streams from the remaining replicas), then its
        // instance gives up its volume on the dead agent and bootstraps elsewhere as a new node
        String secret = secrets.apply(key);
        TreeMap<Integer, TaskRecord> lost = lostWithTheirAgent(observed.tasks(), now);
        for (int i = 0; i <= highest; i++) {
            if (!lost.containsKey(i)) {
                probe.forgetRemoval(key, i);
            }
        }
        List<ReconcileResult.Relocation> relocations = new ArrayList<>();
        TreeMap<Integer, String> removalWait = new TreeMap<>();
        Set<Integer> relocating = new TreeSet<>();
        for (Map.Entry<Integer, TaskRecord> e : lost.entrySet()) {
            int i = e.getKey();
            if (i >= spec.nodes()) {
                continue; // scaled away: nothing to start again
            }
            Known before = known.get(i);
            String hostId = before == null ? null : before.hostId();
            LostNodeStep step = lostNodeStep(i, hostId, probe.removal(key, i), seen, running, !removalWait.isEmpty());
            if (step.removeVia() != null) {
                probe.requestRemoval(key, i, hostId, step.removeVia(), CassandraNodeConfig.JMX_USER, secret);
            }
            if (step.waitFor() == null) {
                relocating.add(i);
                relocations.add(new ReconcileResult.Relocation(i, e.getValue().agentId(), "node " + i + "'s agent has"
                        + " been unreachable since " + e.getValue().unreachableSince()
                        + (hostId == null ? "" : "; host ID " + hostId + " is out of the ring")));
            } else {
                removalWait.put(i, step.waitFor());
            }
        }

        List<String> lastKnownSeeds = new ArrayList<>();
        known.forEach((i, k) -> {
            if (i < seedCount && k.storageAddress() != null) {
                lastKnownSeeds.add(k.storageAddress());
            }
        });
        String hash = ConfigHash.of(resource.spec(), KIND.untaskedFields());
        String distribution = spec.distribution() != null ? spec.distribution() : defaultDistribution;
        List<PodSpec> pods = new ArrayList<>();
        for (int i = 0; i < podCount; i++) {
            List<String> seeds = CassandraNodeConfig.seeds(i, seedCount, runningSeeds, lastKnownSeeds);
            if (relocating.contains(i)) {
                seeds = CassandraNodeConfig.seedsForNewNode(seeds, i, running);
            }
            pods.add(pod(key, i, spec, hash, distribution, CassandraNodeConfig.yaml(spec, clusterName, seeds),
                    CassandraNodeConfig.requiredAttributes(spec, datacenter), secret));
        }
        WorkloadProbe readiness = readiness(seen, leaving, removalWait);
        ReconcileResult result = InstanceSet.reconcile(resource, pods, Strategy.of(spec.strategy()), readiness, observed,
                policy, now);

        ResourceStatus status = result.status().withWorkload(workload(datacenter, clusterName, seedCount, podCount, known,
                running, seen, decommissioned, leaving, decommissionWait, key, contactPoints, removalWait));
        if (!removalWait.isEmpty()) {
            status = withProgressing(status, observed.previousStatus(), now, "RemovingLostNode",
                    removalWait.firstEntry().getValue());
        } else if (!leaving.isEmpty()) {
            status = withProgressing(status, observed.previousStatus(), now, "Decommissioning", "decommissioning node "
                    + leaving.last() + (decommissionWait == null ? "" : ": " + decommissionWait));
        }
        boolean settling = result.status().readyReplicas() < podCount || !leaving.isEmpty() || !removalWait.isEmpty()
                || result.status().instances().stream().anyMatch(i -> i.outdated());
        Duration requeue = result.requeueAfter();
        if (settling && (requeue == null || requeue.compareTo(LOOK_AGAIN) > 0)) {
            requeue = LOOK_AGAIN; // readiness and decommissions come from the probe, whose picture moves on its own
        }
        return new ReconcileResult(result.launches(), result.kills(), status, requeue, relocations);
    }

    /**
     * Starts (or keeps waiting for) the decommission of node {@code instance}; returns what it
     * waits for, null once started or done.
     */
    private String decommission(ResourceKey key, int instance, int remaining, Map<Integer, TaskRecord> running,
                                CassandraProbe.Snapshot seen, String datacenter, String jmxPassword) {
        CassandraProbe.Decommission d = probe.decommission(key, instance);
        if (d != null && d.running()) {
            return null;
        }
        TaskRecord task = running.get(instance);
        if (task == null) {
            return "node " + instance + " is not running; it is decommissioned once it runs again";
        }
        if (seen == null || seen.error() != null) {
            return "waiting for the driver to look at the ring";
        }
        String blocker = replicationBlocker(seen.replication(), remaining, datacenter);
        if (blocker != null) {
            return blocker;
        }
        List<String> down = seen.nodes().stream().filter(n -> !"UP".equals(n.state()))
                .map(CassandraProbe.NodeView::storageAddress).toList();
        if (!down.isEmpty()) {
            return "node(s) " + down + " are down: a decommission streams data to every remaining replica";
        }
        probe.requestDecommission(key, instance, task.address(CassandraNodeConfig.JMX_PORT),
                needsForce(seen.replication(), remaining), CassandraNodeConfig.JMX_USER, jmxPassword);
        CassandraProbe.Decommission now = probe.decommission(key, instance);
        return now != null && "FAILED".equals(now.state()) ? "the last attempt failed (" + now.message()
                + "); trying again" : null;
    }

    private static WorkloadProbe readiness(CassandraProbe.Snapshot seen, TreeSet<Integer> leaving,
                                           Map<Integer, String> removalWait) {
        return new WorkloadProbe() {
            @Override
            public String launchBlocker(PodSpec pod) {
                return removalWait.get(pod.instance()); // its lost node must leave the ring before it starts afresh
            }

            @Override
            public String notReady(TaskRecord task) {
                if (seen == null || task.runningSince() == null || seen.takenAt().isBefore(Instant.parse(task.runningSince()))) {
                    return "waiting for the driver to look at the ring";
                }
                if (seen.error() != null) {
                    return seen.error();
                }
                CassandraProbe.NodeView node = seen.byNativeAddress(task.address(CassandraNodeConfig.NATIVE_PORT));
                if (node == null) {
                    return "node " + task.instance() + " is not in the ring yet (starting or bootstrapping)";
                }
                if (!"UP".equals(node.state())) {
                    return "node " + task.instance() + " is " + node.state() + " in the driver's view";
                }
                if (!node.serving()) {
                    return "node " + task.instance() + " does not answer queries as bootstrapped yet";
                }
                return null;
            }

            @Override
            public String rollBlocker() {
                if (seen == null || seen.error() != null) {
                    return "no answer from the ring yet";
                }
                if (!leaving.isEmpty()) {
                    return "node " + leaving.last() + " is being decommissioned";
                }
                List<String> down = seen.nodes().stream().filter(n -> !"UP".equals(n.state()) || !n.serving())
                        .map(CassandraProbe.NodeView::storageAddress).toList();
                return down.isEmpty() ? null : "node(s) " + down + " not UP and serving";
            }
        };
    }

    private PodSpec pod(ResourceKey key, int id, CassandraSpec spec, String hash, String distribution,
                        Map<String, Object> yaml, List<PodSpec.RequiredAttribute> requiredAttributes, String secret) {
        // the storage port listens seconds after start, long before a bootstrap ends and CQL opens
        PodSpec.HealthCheckSpec health = new PodSpec.HealthCheckSpec("tcp", null, CassandraNodeConfig.STORAGE_PORT,
                null, null, 0, 5, 5, 12, 180);
        return new PodSpec(key, id, spec.cpus(), spec.mem(), 0, CassandraNodeConfig.command(spec), Map.of(),
                List.of(new PodSpec.Artifact(distribution, true, false, null)), CassandraNodeConfig.PORTS, health,
                Duration.ofSeconds(60), hash, new PodSpec.Volume(spec.disk(), CassandraNodeConfig.DATA_DIR),
                files(yaml, spec, secret),
                spec.maxNodesPerAgent(), null, requiredAttributes);
    }

    private static List<PodSpec.ConfigFile> files(Map<String, Object> yaml, CassandraSpec spec, String secret) {
        List<PodSpec.ConfigFile> files = new ArrayList<>();
        files.add(new PodSpec.ConfigFile("cassandra.yaml", "yaml", SpecBinding.tree(yaml)));
        files.add(new PodSpec.ConfigFile("cassandra-rackdc.properties", "properties",
                SpecBinding.tree(CassandraNodeConfig.rackdc(spec))));
        files.addAll(CassandraNodeConfig.jmxFiles(secret));
        return files;
    }

    private static TreeMap<Integer, Known> known(JsonNode previous) {
        TreeMap<Integer, Known> known = new TreeMap<>();
        if (previous != null) {
            for (JsonNode n : previous.path("nodes")) {
                if (n.hasNonNull("instance")) {
                    known.put(n.path("instance").asInt(), new Known(text(n, "hostId"), text(n, "storageAddress"),
                            text(n, "nativeAddress")));
                }
            }
        }
        return known;
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.path(field).asText() : null;
    }

    /** status.workload: the ring as the operator sees it, node by node, and the addresses clients use. */
    private ObjectNode workload(String datacenter, String clusterName, int seedCount, int podCount, TreeMap<Integer, Known> known,
                                Map<Integer, TaskRecord> running, CassandraProbe.Snapshot seen, Set<Integer> decommissioned,
                                TreeSet<Integer> leaving, String decommissionWait, ResourceKey key,
                                List<String> contactPoints, TreeMap<Integer, String> removalWait) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("clusterName", clusterName);
        if (datacenter != null) {
            details.put("datacenter", datacenter);
        }
        details.put("contactPoints", String.join(",", contactPoints));
        ArrayNode nodes = details.putArray("nodes");
        Set<String> mapped = new HashSet<>();
        int last = Math.max(podCount, known.isEmpty() ? 0 : known.lastKey() + 1);
        for (int i = 0; i < last; i++) {
            TaskRecord task = running.get(i);
            Known before = known.get(i);
            CassandraProbe.NodeView node = null;
            if (seen != null && task != null) {
                node = seen.byNativeAddress(task.address(CassandraNodeConfig.NATIVE_PORT));
            }
            if (node == null && seen != null && before != null && task == null) {
                node = seen.byHostId(before.hostId());
            }
            if (i >= podCount && node == null && task == null) {
                continue; // a removed node that is gone
            }
            ObjectNode n = nodes.addObject();
            n.put("instance", i);
            n.put("seed", i < seedCount);
            String hostId = node != null ? node.hostId() : before != null ? before.hostId() : null;
            if (hostId != null) {
                n.put("hostId", hostId);
                mapped.add(hostId);
            }
            String storage = task != null ? task.address(CassandraNodeConfig.STORAGE_PORT)
                    : before != null ? before.storageAddress() : null;
            String nativeAddress = task != null ? task.address(CassandraNodeConfig.NATIVE_PORT)
                    : before != null ? before.nativeAddress() : null;
            if (storage != null) {
                n.put("storageAddress", storage);
            }
            if (nativeAddress != null) {
                n.put("nativeAddress", nativeAddress);
            }
            if (node != null && node.rack() != null) {
                n.put("rack", node.rack());
            }
            n.put("state", nodeState(i, task, node, decommissioned, leaving));
        }
        if (seen != null) {
            // ring members no instance accounts for (e.g. a node lost with its agent): removenode is the user's
            for (CassandraProbe.NodeView node : seen.nodes()) {
                if (node.hostId() != null && !mapped.contains(node.hostId())) {
                    ObjectNode n = details.withArray("otherRingMembers").addObject();
                    n.put("hostId", node.hostId());
                    n.put("storageAddress", node.storageAddress());
                    n.put("state", node.state());
                }
            }
            ObjectNode keyspaces = details.putObject("replication");
            seen.replication().forEach((ks, rf) -> {
                if (!isSystemKeyspace(ks)) {
                    keyspaces.put(ks, rf);
                }
            });
            if (seen.error() != null) {
                details.put("lastError", seen.error());
            }
        }
        if (!removalWait.isEmpty()) {
            // like nodetool removenode status: the lost node leaving the ring before its instance starts afresh
            int target = removalWait.firstKey();
            ObjectNode r = details.putObject("removenode");
            r.put("instance", target);
            Known before = known.get(target);
            if (before != null && before.hostId() != null) {
                r.put("hostId", before.hostId());
            }
            CassandraProbe.Removal state = probe.removal(key, target);
            r.put("state", state != null && before != null && state.hostId().equals(before.hostId()) ? state.state() : "WAITING");
            r.put("message", removalWait.get(target));
        }
        if (!decommissioned.isEmpty()) {
            decommissioned.forEach(details.putArray("decommissioned")::add);
        }
        if (!leaving.isEmpty()) {
            ObjectNode d = details.putObject("decommission");
            int target = leaving.last();
            d.put("instance", target);
            CassandraProbe.Decommission state = probe.decommission(key, target);
            d.put("state", state != null ? state.state() : "WAITING");
            String message = decommissionWait != null ? decommissionWait : state != null ? state.message() : null;
            if (message != null) {
                d.put("message", message);
            }
        }
        return details;
    }

    /** UN (up, normal: serving), UL (leaving), DN (down), or where a node not in the ring is. */
    private static String nodeState(int instance, TaskRecord task, CassandraProbe.NodeView node,
                                    Set<Integer> decommissioned, TreeSet<Integer> leaving) {
        if (decommissioned.contains(instance)) {
            return "DECOMMISSIONED";
        }
        if (node == null) {
            return task == null ? "NOT_RUNNING" : "STARTING";
        }
        if (!"UP".equals(node.state())) {
            return "DN";
        }
        if (!leaving.isEmpty() && leaving.last() == instance) {
            return "UL";
        }
        return node.serving() ? "UN" : "UP_NOT_SERVING";
    }

    /** The status with its Progressing condition saying what the kind itself is doing. */
    private static ResourceStatus withProgressing(ResourceStatus status, ResourceStatus previous, Instant now,
                                                  String reason, String message) {
        Condition before = previous == null ? null : previous.condition(Condition.PROGRESSING);
        String since = before != null && before.isTrue() && before.lastTransitionTime() != null
                ? before.lastTransitionTime() : now.toString();
        List<Condition> conditions = new ArrayList<>();
        for (Condition c : status.conditions()) {
            conditions.add(c.type().equals(Condition.PROGRESSING) ? Condition.of(Condition.PROGRESSING, true, reason, message)
                    .at(since) : c);
        }
        String phase = "Running".equals(status.phase()) ? "Deploying" : status.phase();
        return new ResourceStatus(status.observedGeneration(), phase, status.replicas(), status.readyReplicas(),
                conditions, status.instances(), status.plan(), status.workload());
    }
}
