package io.mesosoperator.scheduler.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.kind.InstanceSet;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.ReconcileResult;
import io.mesosoperator.scheduler.kind.Reconciler;
import io.mesosoperator.scheduler.kind.RecoveryPolicy;
import io.mesosoperator.scheduler.spec.FieldError;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.spec.SpecParser;
import io.mesosoperator.scheduler.spec.SpecValidator;
import io.mesosoperator.scheduler.store.Condition;
import io.mesosoperator.scheduler.store.InstanceStatus;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CassandraCluster kind without a ring: the shipped sample, its pods, what is refused and why. */
class CassandraReconcilerTest {
    static final SpecValidator VALIDATOR = new SpecValidator(List.of(CassandraReconciler.KIND));
    static final String SECRET = "not-in-the-status";
    final CassandraProbe probe = new CassandraProbe();

    @AfterEach
    void closeProbe() {
        probe.close();
    }

    static Resource sample(String... replacements) throws Exception {
        String yaml = Files.readString(Path.of("..", "sample-specs", "cassandra-cluster.yaml"));
        for (int i = 0; i < replacements.length; i += 2) {
            yaml = yaml.replace(replacements[i], replacements[i + 1]);
        }
        ObjectNode doc = VALIDATOR.validate(SpecParser.parse(yaml));
        ((ObjectNode) doc.path("metadata")).put("generation", 1).put("uid", "5d5c3a1e-2b7f-4c57-9a55-0f3a7c1d2e4b");
        return new Resource(doc);
    }

    @Test
    void theSampleDeploysItsFirstNodeAloneAsTheRingsFounder() throws Exception {
        CassandraReconciler reconciler = new CassandraReconciler(RecoveryPolicy.DEFAULT, "file:///dist.tgz", probe, k -> SECRET);
        Resource ring = sample();
        assertThat(reconciler.check(ring, "mesos-operator")).isEmpty();
        ReconcileResult r = reconciler.reconcile(ring, new Reconciler.Observed(List.of(), null, Set.of()), Instant.now());
        // serial: node 0 first; the others wait for it to be UN
        assertThat(r.launches()).extracting(PodSpec::instance).containsExactly(0);
        PodSpec node0 = r.launches().get(0);
        assertThat(node0.portNames()).containsExactly("storage", "native", "jmx");
        assertThat(node0.volume().containerPath()).isEqualTo("data");
        assertThat(node0.maxPerAgent()).isEqualTo(1);
        assertThat(node0.uris()).extracting(PodSpec.Artifact::value).containsExactly("file:///dist.tgz");
        assertThat(node0.files()).extracting(PodSpec.ConfigFile::path)
                .containsExactly("cassandra.yaml", "cassandra-rackdc.properties", "jmxremote.password", "jmxremote.access");
        // JMX for the operator's user only, its password the cluster's secret, in a file only its owner reads
        assertThat(node0.files().get(2).content().toString()).isEqualTo("[\"mesos-operator " + SECRET + "\"]");
        assertThat(node0.files().get(2).mode()).isEqualTo("0400");
        assertThat(node0.files().get(3).content().toString()).isEqualTo("[\"mesos-operator readwrite\"]");
        assertThat(node0.toString()).doesNotContain(SECRET);
        assertThat(r.status().toString()).doesNotContain(SECRET);
        ObjectNode yaml = (ObjectNode) node0.files().get(0).content();
        assertThat(yaml.path("cluster_name").asText()).isEqualTo("ring");
        assertThat(yaml.path("seed_provider").toString()).contains("${MESOS_OPERATOR_HOST}:${PORT_STORAGE}");
        assertThat(yaml.path("concurrent_compactors").asInt()).isEqualTo(1);
        assertThat(r.status().instances()).extracting(i -> i.state())
                .containsExactly("WAITING_FOR_OFFER", "WAITING_FOR_PLAN", "WAITING_FOR_PLAN");
        assertThat(r.status().workload().path("clusterName").asText()).isEqualTo("ring");
    }

    @Test
    void refusesWhatCannotWorkWithAFieldError() throws Exception {
        CassandraReconciler reconciler = new CassandraReconciler(RecoveryPolicy.DEFAULT, null, probe, k -> SECRET);
        Resource bad = sample("concurrent_compactors: 1", "storage_port: 7000", "heap: 384", "heap: 1024",
                "# strategy: serial", "strategy: parallel #");
        assertThat(reconciler.check(bad, "*")).extracting(FieldError::path).containsExactlyInAnyOrder("spec.disk",
                "spec.heap", "spec.distribution", "spec.strategy", "spec.config.storage_port");
    }

    @Test
    void aScaleDownIsHeldByUserKeyspacesReplicatedMoreThanTheRemainingNodesNotBySystemOnes() {
        Map<String, Integer> replication = Map.of("shop", 2, "system_distributed", 3, "system_auth", 1);
        assertThat(CassandraReconciler.replicationBlocker(replication, 2, "dc1")).isNull();
        assertThat(CassandraReconciler.needsForce(replication, 2)).isTrue();
        assertThat(CassandraReconciler.replicationBlocker(replication, 1, "dc1"))
                .isEqualTo("keyspace 'shop' (2) has more replicas in dc1 than the 1 node(s) that would remain;"
                        + " lower its replication factor first");
        assertThat(CassandraReconciler.needsForce(Map.of("shop", 2, "system_auth", 1), 2)).isFalse();
    }

    @Test
    void theClusterNameDatacenterAndRackAreFixedOnceTheRingExists() {
        CassandraProbe.Snapshot ring = new CassandraProbe.Snapshot(Instant.now(), "ring",
                List.of(new CassandraProbe.NodeView("h0", "127.0.0.1:31001", "127.0.0.1:31000", "UP", "dc1", "rack1", true)),
                Map.of(), null);
        CassandraSpec same = CassandraNodeConfigTest.spec(null);
        assertThat(CassandraReconciler.fixedOnceCreated(same, "ring", ring)).isEmpty();
        CassandraSpec moved = new CassandraSpec(3, 0.5, 1024, 384, 1024, "other", "dc2", "rack9", 2, null, null, 1, "serial");
        assertThat(CassandraReconciler.fixedOnceCreated(moved, "ring", ring)).extracting(FieldError::describe).containsExactly(
                "spec.clusterName: cannot change once the ring exists (it is 'ring')",
                "spec.datacenter: cannot change once the ring exists (its nodes are in dc1)",
                "spec.rack: cannot change once the ring exists (its nodes are in rack1)");
    }

    @Test
    void aRunningRingCannotSwitchBetweenLiteralAndAttributePlacement() {
        CassandraProbe.Snapshot ring = new CassandraProbe.Snapshot(Instant.now(), "ring",
                List.of(new CassandraProbe.NodeView("h0", "127.0.0.1:31001", "127.0.0.1:31000", "UP", "dc1", "rack1", true)),
                Map.of(), null);
        CassandraSpec literal = CassandraNodeConfigTest.spec(null);
        CassandraSpec byZone = new CassandraSpec(3, 0.5, 1024, 384, 1024, null, "dc1", "rack1", null, "zone", 2, null, null,
                1, "serial");
        assertThat(CassandraReconciler.placementSwitches(literal, literal, ring)).isEmpty();
        assertThat(CassandraReconciler.placementSwitches(literal, byZone, ring)).extracting(FieldError::describe).containsExactly(
                "spec.rackFromAttribute: cannot change once the ring exists (it is unset): its nodes would restart in"
                        + " another datacenter or rack than their data's, which Cassandra refuses; delete and re-create"
                        + " the ring to change it");
        assertThat(CassandraReconciler.placementSwitches(byZone, literal, ring)).extracting(FieldError::describe)
                .singleElement().asString().startsWith("spec.rackFromAttribute: cannot change once the ring exists (it is 'zone')");
        // before any node ran, the ring may still be placed either way
        CassandraProbe.Snapshot empty = new CassandraProbe.Snapshot(Instant.now(), null, List.of(), Map.of(), null);
        assertThat(CassandraReconciler.placementSwitches(literal, byZone, empty)).isEmpty();
    }

    @Test
    void aRingsReservedSizesAreFixedOnceItExists() throws Exception {
        CassandraReconciler reconciler = new CassandraReconciler(RecoveryPolicy.DEFAULT, "file:///dist.tgz", probe, k -> SECRET);
        Resource ring = sample();
        Resource bigger = sample("cpus: 0.5", "cpus: 2", "disk: 1024 ", "disk: 8192 ");
        assertThat(reconciler.check(bigger, ring, "mesos-operator")).extracting(FieldError::path)
                .containsExactly("spec.cpus", "spec.disk");
        assertThat(reconciler.check(bigger, null, "mesos-operator")).isEmpty(); // a new ring takes any
    }

    @Test
    void readsReplicationFactorsTheWayTheDriverReportsThem() {
        assertThat(CassandraProbe.replicationFactor(Map.of("class", "org.apache.cassandra.locator.SimpleStrategy",
                "replication_factor", "3"), "dc1")).isEqualTo(3);
        assertThat(CassandraProbe.replicationFactor(Map.of("class", "org.apache.cassandra.locator.NetworkTopologyStrategy",
                "dc1", "2", "dc2", "3"), "dc1")).isEqualTo(2);
        assertThat(CassandraProbe.replicationFactor(Map.of("class", "org.apache.cassandra.locator.NetworkTopologyStrategy",
                "dc2", "3"), "dc1")).isZero();
        assertThat(CassandraProbe.replicationFactor(Map.of("class", "org.apache.cassandra.locator.NetworkTopologyStrategy",
                "dc1", "3/1"), "dc1")).isEqualTo(3);
        assertThat(CassandraProbe.replicationFactor(Map.of("class", "org.apache.cassandra.locator.LocalStrategy"), "dc1"))
                .isNull();
    }

    @Test
    void racksAndTheDatacenterFromAgentAttributesPlaceNodesOnlyWhereTheAttributesAre() throws Exception {
        CassandraReconciler reconciler = new CassandraReconciler(RecoveryPolicy.DEFAULT, "file:///dist.tgz", probe, k -> SECRET);
        Resource ring = sample("rack: rack1", "rackFromAttribute: rack\n  datacenterFromAttribute: dc");
        assertThat(reconciler.check(ring, "mesos-operator")).isEmpty();
        ReconcileResult r = reconciler.reconcile(ring, new Reconciler.Observed(List.of(), null, Set.of()), Instant.now());
        PodSpec node0 = r.launches().get(0);
        // no node ran yet: any datacenter; each node needs a rack
        assertThat(node0.requiredAttributes()).containsExactly(PodSpec.RequiredAttribute.any("dc"),
                PodSpec.RequiredAttribute.any("rack"));
        assertThat(node0.files().get(1).content().toString())
                .isEqualTo("{\"dc\":\"${MESOS_OPERATOR_ATTRIBUTE_DC}\",\"rack\":\"${MESOS_OPERATOR_ATTRIBUTE_RACK}\"}");
        assertThat(r.status().workload().has("datacenter")).isFalse();

        // once a node runs, the ring's datacenter is the one it is in: later nodes go there only
        CassandraSpec spec = io.mesosoperator.scheduler.spec.SpecBinding.bind(ring.spec(), CassandraSpec.class);
        CassandraProbe.Snapshot seen = new CassandraProbe.Snapshot(Instant.now(), "ring",
                List.of(new CassandraProbe.NodeView("h0", "127.0.0.1:31001", "127.0.0.1:31000", "UP", "east", "r0", true)),
                Map.of(), null);
        assertThat(CassandraReconciler.ringDatacenter(spec, seen, null)).isEqualTo("east");
        assertThat(CassandraNodeConfig.requiredAttributes(spec, "east"))
                .containsExactly(new PodSpec.RequiredAttribute("dc", "east"), PodSpec.RequiredAttribute.any("rack"));
        // the racks and datacenter are the agents', so a spec cannot contradict the running ring's
        assertThat(CassandraReconciler.fixedOnceCreated(spec, "ring", seen)).isEmpty();
        // literal placement needs no attribute
        assertThat(CassandraNodeConfig.requiredAttributes(CassandraNodeConfigTest.spec(null), "dc1")).isEmpty();
    }

    @Test
    void anAttributeNameMustBeOneMesosAgentsCanHave() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> sample("rack: rack1", "rackFromAttribute: 'ra ck'")))
                .hasMessageContaining("spec.rackFromAttribute");
    }

    private static TaskRecord task(int instance, String agent, long storage, String state, String at) {
        TaskRecord t = TaskRecord.staging("ring-" + instance + ".x" + agent, new ResourceKey("CassandraCluster", "ring"),
                instance, "h", agent, "http://10.0.0." + instance + ":5051", "10.0.0." + instance,
                Map.of("storage", storage, "native", storage + 1, "jmx", storage + 2), null, at);
        return t.withUpdate(state, null, null, null, "/sandbox", null, at);
    }

    private static CassandraProbe.NodeView view(int instance, String state) {
        long storage = 31000 + 1000 * instance;
        return new CassandraProbe.NodeView("host-" + instance, "10.0.0." + instance + ":" + (storage + 1),
                "10.0.0." + instance + ":" + storage, state, "dc1", "rack1", "UP".equals(state));
    }

    private static CassandraProbe.Snapshot ring(CassandraProbe.NodeView... nodes) {
        return new CassandraProbe.Snapshot(Instant.now(), "ring", List.of(nodes), Map.of("shop", 2), null);
    }

    @Test
    void aLostNodeLeavesTheRingThroughALiveNodeBeforeItsInstanceStartsAfresh() {
        Map<Integer, TaskRecord> running = new java.util.TreeMap<>(Map.of(
                0, task(0, "S0", 31000, "TASK_RUNNING", "2026-01-01T11:00:00Z"),
                1, task(1, "S1", 32000, "TASK_RUNNING", "2026-01-01T11:00:00Z")));
        // a node that never joined the ring has nothing to remove
        assertThat(CassandraReconciler.lostNodeStep(2, null, null, null, running, false))
                .isEqualTo(CassandraReconciler.LostNodeStep.GONE);
        // nothing is removed on a picture the operator has not got
        assertThat(CassandraReconciler.lostNodeStep(2, "host-2", null, null, running, false).waitFor())
                .isEqualTo("waiting for the driver to look at the ring");
        // gossip has not convicted it yet: removenode would refuse a live node
        CassandraReconciler.LostNodeStep up = CassandraReconciler.lostNodeStep(2, "host-2", null,
                ring(view(0, "UP"), view(1, "UP"), view(2, "UP")), running, false);
        assertThat(up.removeVia()).isNull();
        assertThat(up.waitFor()).contains("still sees it UP");
        // down: removenode through the JMX port of a live, serving node
        CassandraProbe.Snapshot down = ring(view(0, "UP"), view(1, "UP"), view(2, "DOWN"));
        CassandraReconciler.LostNodeStep remove = CassandraReconciler.lostNodeStep(2, "host-2", null, down, running, false);
        assertThat(remove.removeVia()).isEqualTo("10.0.0.0:31002");
        assertThat(remove.waitFor()).isEqualTo("removing node 2 (host ID host-2) from the ring");
        // one removal at a time
        assertThat(CassandraReconciler.lostNodeStep(2, "host-2", null, down, running, true).removeVia()).isNull();
        // under way: not asked again; failed: asked again, saying why the last one failed
        Instant at = Instant.now();
        CassandraProbe.Removal running2 = new CassandraProbe.Removal(2, "host-2", "10.0.0.0:31002", "RUNNING", "", at);
        assertThat(CassandraReconciler.lostNodeStep(2, "host-2", running2, down, running, false).removeVia()).isNull();
        assertThat(CassandraReconciler.lostNodeStep(2, "host-2", running2, ring(view(0, "UP"), view(1, "UP")), running,
                false).waitFor()).isEqualTo("removing node 2 (host ID host-2) from the ring");
        CassandraProbe.Removal failed = new CassandraProbe.Removal(2, "host-2", "10.0.0.0:31002", "FAILED",
                "UnsupportedOperationException: Node /10.0.0.2:33000 is alive", at);
        assertThat(CassandraReconciler.lostNodeStep(2, "host-2", failed, down, running, false).waitFor())
                .contains("the last attempt failed (UnsupportedOperationException: Node /10.0.0.2:33000 is alive)");
        // done, or no longer in the ring (removed by the operator, or by hand): the instance may move
        CassandraProbe.Removal done = new CassandraProbe.Removal(2, "host-2", "10.0.0.0:31002", "DONE", "", at);
        assertThat(CassandraReconciler.lostNodeStep(2, "host-2", done, down, running, false))
                .isEqualTo(CassandraReconciler.LostNodeStep.GONE);
        assertThat(CassandraReconciler.lostNodeStep(2, "host-2", null, ring(view(0, "UP"), view(1, "UP")), running, false))
                .isEqualTo(CassandraReconciler.LostNodeStep.GONE);
        // a removal of an earlier node of the instance is not this one's
        CassandraProbe.Removal older = new CassandraProbe.Removal(2, "host-old", "10.0.0.0:31002", "DONE", "", at);
        assertThat(CassandraReconciler.lostNodeStep(2, "host-2", older, down, running, false).removeVia()).isNotNull();
        // no node both UP and serving to run it on
        assertThat(CassandraReconciler.lostNodeStep(2, "host-2", null, ring(view(0, "DOWN"), view(1, "DOWN"),
                view(2, "DOWN")), running, false).waitFor()).isEqualTo("no live node to run removenode on");
    }

    @Test
    void aNodeLostWithItsAgentWaitsForTheRingThenMovesWithAFreshVolume() throws Exception {
        CassandraReconciler reconciler = new CassandraReconciler(new RecoveryPolicy(RecoveryPolicy.DEFAULT.backoff(),
                java.time.Duration.ofSeconds(60)), "file:///dist.tgz", probe, k -> SECRET);
        Resource ring = sample();
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        String earlier = now.minusSeconds(600).toString();
        List<TaskRecord> tasks = List.of(
                task(0, "S0", 31000, "TASK_RUNNING", earlier),
                task(1, "S1", 32000, "TASK_RUNNING", earlier),
                task(2, "S2", 33000, "TASK_UNREACHABLE", earlier));
        ObjectNode workload = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        for (int i = 0; i < 3; i++) {
            workload.withArray("nodes").addObject().put("instance", i).put("hostId", "host-" + i)
                    .put("storageAddress", "10.0.0." + i + ":" + (31000 + 1000 * i));
        }
        // every node was deployed with the spec's configuration (so a relaunch is recovery, not a plan step)
        String config = reconciler.reconcile(ring, new Reconciler.Observed(List.of(), null, Set.of()), now).launches()
                .get(0).configHash();
        List<InstanceStatus> deployed = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            deployed.add(InstanceStatus.fresh(i).deployed(config));
        }
        ResourceStatus previous = new ResourceStatus(1, "Running", 3, 3, List.of(), deployed, null, workload);

        // unreachable for less than the policy waits: nothing moves
        ReconcileResult waiting = reconciler.reconcile(ring, new Reconciler.Observed(tasks, previous, Set.of()),
                now.minusSeconds(570));
        assertThat(waiting.relocations()).isEmpty();
        assertThat(waiting.launches()).isEmpty();
        assertThat(waiting.status().workload().has("removenode")).isFalse();

        // lost, but still in the ring as far as the operator knows: it stays where it is, and says why
        ReconcileResult r = reconciler.reconcile(ring, new Reconciler.Observed(tasks, previous, Set.of()), now);
        assertThat(r.relocations()).isEmpty();
        assertThat(r.launches()).isEmpty();
        JsonNode removal = r.status().workload().path("removenode");
        assertThat(removal.path("instance").asInt()).isEqualTo(2);
        assertThat(removal.path("hostId").asText()).isEqualTo("host-2");
        assertThat(removal.path("state").asText()).isEqualTo("WAITING");
        assertThat(r.status().instance(2).state()).isEqualTo(InstanceSet.WAITING_FOR_PEERS);
        assertThat(r.status().condition(Condition.PROGRESSING).reason()).isEqualTo("RemovingLostNode");

        // a lost node that never joined the ring has nothing to remove: its instance moves at once,
        // an empty node that bootstraps from the running seeds
        workload.withArray("nodes").remove(2);
        ReconcileResult moved = reconciler.reconcile(ring, new Reconciler.Observed(tasks, previous, Set.of()), now);
        assertThat(moved.relocations()).extracting(ReconcileResult.Relocation::instance,
                ReconcileResult.Relocation::lostAgentId).containsExactly(org.assertj.core.groups.Tuple.tuple(2, "S2"));
        assertThat(moved.launches()).extracting(PodSpec::instance).containsExactly(2);
        assertThat(moved.launches().get(0).files().get(0).content().path("seed_provider").toString())
                .contains("10.0.0.0:31000,10.0.0.1:32000");
        assertThat(moved.status().workload().has("removenode")).isFalse();
    }

    @Test
    void aLostSeedStartsAfreshFromTheOtherNodesNotAsARingOfItsOwn() {
        Map<Integer, TaskRecord> running = Map.of(1, task(1, "S1", 32000, "TASK_RUNNING", "2026-01-01T11:00:00Z"),
                2, task(2, "S2", 33000, "TASK_RUNNING", "2026-01-01T11:00:00Z"));
        // seeds: 1, node 0 lost: no other seed runs, so it would list itself and found a ring of its own
        List<String> seeds = CassandraNodeConfig.seeds(0, 1, Map.of(), List.of());
        assertThat(seeds).containsExactly(CassandraNodeConfig.SELF);
        assertThat(CassandraNodeConfig.seedsForNewNode(seeds, 0, running)).containsExactly("10.0.0.1:32000", "10.0.0.2:33000");
        assertThat(CassandraNodeConfig.seedsForNewNode(List.of("10.0.0.1:32000"), 0, running)).containsExactly("10.0.0.1:32000");
    }
}
