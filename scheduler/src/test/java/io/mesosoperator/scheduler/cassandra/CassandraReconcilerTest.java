package io.mesosoperator.scheduler.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.reconcile.PodSpec;
import io.mesosoperator.scheduler.reconcile.ReconcileResult;
import io.mesosoperator.scheduler.reconcile.Reconciler;
import io.mesosoperator.scheduler.reconcile.RecoveryPolicy;
import io.mesosoperator.scheduler.spec.FieldError;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.SpecParser;
import io.mesosoperator.scheduler.spec.SpecValidator;
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
}
