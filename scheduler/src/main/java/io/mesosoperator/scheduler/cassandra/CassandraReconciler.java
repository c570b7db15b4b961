package io.mesosoperator.scheduler.cassandra;

import com.fasterxml.jackson.databind.JsonNode;
import io.mesosoperator.scheduler.kind.Desired;
import io.mesosoperator.scheduler.kind.DistributionPod;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.Reconciliation;
import io.mesosoperator.scheduler.kind.RecoveryPolicy;
import io.mesosoperator.scheduler.kind.ReservedSize;
import io.mesosoperator.scheduler.kind.Strategy;
import io.mesosoperator.scheduler.kind.WorkloadKind;
import io.mesosoperator.scheduler.spec.FieldError;
import io.mesosoperator.scheduler.spec.KindDefinition;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.spec.SpecBinding;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Duration;
import java.util.ArrayList;
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
public final class CassandraReconciler extends WorkloadKind<CassandraSpec, CassandraProbe> {
    public static final KindDefinition KIND = new KindDefinition("CassandraCluster", "cassandra.schema.json", "nodes", Set.of("nodes"));
    private static final Duration LOOK_AGAIN = Duration.ofSeconds(2);

    /** Each cluster's secret (its JMX password), made on first use and kept (ZooKeeper). */
    private final Function<ResourceKey, String> secrets;

    /**
     * @param defaultDistribution the Cassandra tarball URI for specs that name none (null: they must)
     * @param secrets each cluster's secret, the same for every operator instance (ZkStore::secret)
     */
    public CassandraReconciler(RecoveryPolicy policy, String defaultDistribution, CassandraProbe probe,
                               Function<ResourceKey, String> secrets) {
        super(KIND, CassandraSpec.class, policy, defaultDistribution, probe);
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

    static boolean isSystemKeyspace(String keyspace) {
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

    @Override
    protected Desired desire(CassandraSpec spec, Reconciliation r) {
        ResourceKey key = r.key();
        String clusterName = spec.clusterName() != null ? spec.clusterName() : key.name();
        int seedCount = spec.seedCount();
        JsonNode previous = r.previousWorkload();
        TreeMap<Integer, RingStatus.Known> known = RingStatus.known(previous);

        Set<Integer> active = new TreeSet<>();
        int highest = spec.nodes() - 1;
        for (TaskRecord t : r.observed().tasks()) {
            highest = Math.max(highest, t.instance());
            // a task given up on a lost agent holds nothing (a node removed from the ring, its instance
            // started afresh): else it would keep a scaled-away instance 'decommissioned' for ever
            if (!t.terminal() && !r.givenUp(t)) {
                active.add(t.instance());
            }
        }
        Map<Integer, TaskRecord> running = r.running(t -> t.address(CassandraNodeConfig.STORAGE_PORT) != null);
        for (int i = 0; i <= highest; i++) {
            if (!active.contains(i)) {
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
        String secret = secrets.apply(key);
        ScaleDown scaleDown = ScaleDown.plan(probe, key, spec, active, previous, running, seen, datacenter, secret);
        LostNodes lost = LostNodes.handle(probe, r, spec, highest, known, seen, running, secret);

        List<String> lastKnownSeeds = new ArrayList<>();
        known.forEach((i, k) -> {
            if (i < seedCount && k.storageAddress() != null) {
                lastKnownSeeds.add(k.storageAddress());
            }
        });
        String hash = r.configHash(KIND);
        List<PodSpec> pods = new ArrayList<>();
        for (int i = 0; i < scaleDown.podCount(); i++) {
            List<String> seeds = CassandraNodeConfig.seeds(i, seedCount, runningSeeds, lastKnownSeeds);
            if (lost.relocating().contains(i)) {
                seeds = CassandraNodeConfig.seedsForNewNode(seeds, i, running);
            }
            pods.add(pod(key, i, spec, hash, CassandraNodeConfig.yaml(spec, clusterName, seeds),
                    CassandraNodeConfig.requiredAttributes(spec, datacenter), secret));
        }
        Desired desired = Desired.pods(pods, spec.strategy())
                .readiness(new RingReadiness(seen, scaleDown.leaving(), lost.removalWait()))
                .workload(status -> RingStatus.workload(probe, key, datacenter, clusterName, seedCount, known, running,
                        seen, scaleDown, contactPoints, lost.removalWait()))
                .relocations(lost.relocations())
                // readiness and decommissions come from the probe, whose picture moves on its own
                .lookAgainUntilSettled(LOOK_AGAIN, !scaleDown.leaving().isEmpty() || lost.progress() != null);
        if (lost.progress() != null) {
            desired.progressing("RemovingLostNode", lost.progress());
        } else if (!scaleDown.leaving().isEmpty()) {
            desired.progressing("Decommissioning", scaleDown.progress());
        }
        return desired;
    }

    private PodSpec pod(ResourceKey key, int id, CassandraSpec spec, String hash, Map<String, Object> yaml,
                        List<PodSpec.RequiredAttribute> requiredAttributes, String secret) {
        // the storage port listens seconds after start, long before a bootstrap ends and CQL opens
        PodSpec.HealthCheckSpec health = new PodSpec.HealthCheckSpec("tcp", null, CassandraNodeConfig.STORAGE_PORT,
                null, null, 0, 5, 5, 12, 180);
        return DistributionPod.of(key, id, distribution(spec.distribution())).resources(spec.cpus(), spec.mem())
                .command(CassandraNodeConfig.command(spec)).ports(CassandraNodeConfig.PORTS).healthCheck(health)
                .killGracePeriod(Duration.ofSeconds(60)).configHash(hash)
                .volume(new PodSpec.Volume(spec.disk(), CassandraNodeConfig.DATA_DIR)).files(files(yaml, spec))
                .jmxForOperator(secret, CassandraNodeConfig.JMX_ACCESS)
                .maxPerAgent(spec.maxNodesPerAgent()).requiredAttributes(requiredAttributes)
                .build();
    }

    private static List<PodSpec.ConfigFile> files(Map<String, Object> yaml, CassandraSpec spec) {
        List<PodSpec.ConfigFile> files = new ArrayList<>();
        files.add(new PodSpec.ConfigFile("cassandra.yaml", "yaml", SpecBinding.tree(yaml)));
        files.add(new PodSpec.ConfigFile("cassandra-rackdc.properties", "properties",
                SpecBinding.tree(CassandraNodeConfig.rackdc(spec))));
        return files;
    }
}
