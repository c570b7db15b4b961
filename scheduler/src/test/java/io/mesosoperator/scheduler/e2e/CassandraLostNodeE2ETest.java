package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A Cassandra node lost with its agent comes back without a human: a 3-node ring on 4 agents
 * (the sample), rows written at QUORUM with RF=2; node 2's agent dies for good. Once it has been
 * unreachable for longer than the operator waits, the operator removes the lost node from the ring
 * (removenode over remote JMX on a live node: its data streams from the remaining replicas), then
 * node 2 gives up its volume on the dead agent and bootstraps on the spare agent as a new node;
 * the ring is 3 UN nodes again and every row reads at QUORUM. That node is then scaled away like
 * any other (decommissioned, its new volume released), its lost task notwithstanding.
 */
class CassandraLostNodeE2ETest extends EmbeddedOperatorTest {
    static final String RESOURCE = "CassandraCluster/ring";
    static final int ROWS = 1000;
    static final Duration START = Duration.ofMinutes(4);

    @Override
    EmbeddedOperator.Options options() {
        // a spare fourth agent for the lost node; an agent is given up after 5 s unreachable and its
        // tasks after 5 more (not the defaults' 75 + 60 s), to keep the test short
        return EmbeddedOperator.Options.defaults().agents(4).config("mesos.role", "mesos-operator")
                .agentUnreachableAfter(Duration.ofSeconds(5)).config("reconcile.replaceUnreachableAfterSeconds", 5);
    }

    private CassandraRing ring() {
        return new CassandraRing(env, RESOURCE, "dc1");
    }

    @Test
    void aNodeLostWithItsAgentLeavesTheRingAndBootstrapsAgainOnAnotherAgent() throws Exception {
        assertThat(env.cli("apply", "-f", CassandraClusterE2ETest.SAMPLE.toString()).out())
                .contains("cassandracluster/ring created");
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(ring().status().path("phase").asText()).isEqualTo("Running");
            assertThat(ring().nodeStates()).containsExactly("UN", "UN", "UN");
        });
        try (CqlSession session = ring().connect()) {
            ring().writeRows(session, 2, ROWS);
        }

        // node 2's agent dies for good
        JsonNode doomed = ring().runningNode(2);
        String lostAgent = doomed.path("agentId").asText();
        String lostHostId = ring().hostId(2);
        assertThat(lostHostId).isNotNull();
        env.cluster().agents().stream().filter(a -> a.id().equals(lostAgent)).findFirst().orElseThrow().crash();

        // the operator removes it from the ring, then node 2 bootstraps afresh on the spare agent
        Set<String> removalStates = new HashSet<>();
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode removal = ring().status().path("workload").path("removenode");
            if (removal.isObject()) {
                removalStates.add(removal.path("instance").asInt() + " " + removal.path("hostId").asText()
                        + " " + removal.path("state").asText());
            }
            JsonNode replacement = ring().runningNode(2);
            assertThat(replacement).isNotNull();
            assertThat(replacement.path("agentId").asText()).isNotEqualTo(lostAgent);
            assertThat(ring().status().path("readyReplicas").asInt()).isEqualTo(3);
            assertThat(ring().nodeStates()).containsExactly("UN", "UN", "UN");
            assertThat(ring().hostId(2)).isNotNull().isNotEqualTo(lostHostId);
        });
        System.out.println("removenode as status.workload showed it: " + removalStates);
        assertThat(removalStates).allSatisfy(s -> assertThat(s).startsWith("2 " + lostHostId + " "));
        assertThat(ring().status().path("workload").has("otherRingMembers")).as("no node the operator does not account for").isFalse();
        assertThat(Files.readString(env.workDir().resolve("operator.log")))
                .contains("removenode of node 2 (" + lostHostId + "): DONE");
        assertThat(env.get("/v1/resources/" + RESOURCE + "/events").body().toString()).contains("VolumeAbandoned");

        // the driver sees 3 nodes UP, the lost one not among them; every row reads at QUORUM (RF=2:
        // both replicas, so the new node's streamed ones too)
        try (CqlSession session = ring().connect()) {
            assertThat(session.getMetadata().getNodes().values()).hasSize(3)
                    .allSatisfy(n -> assertThat(n.getState()).isEqualTo(NodeState.UP))
                    .extracting(Node::getHostId).extracting(String::valueOf).doesNotContain(lostHostId);
        }
        assertThat(ring().readAllAtQuorum()).hasSize(ROWS);

        // the node started afresh is node 2 like any other: a scale-down decommissions it and releases
        // its new volume, though its lost task stays unreachable (its agent never comes back)
        Path two = work.resolve("cassandra-two.yaml");
        Files.writeString(two, Files.readString(CassandraClusterE2ETest.SAMPLE).replace("nodes: 3", "nodes: 2"));
        assertThat(env.cli("apply", "-f", two.toString()).out()).contains("cassandracluster/ring scaled");
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(ring().status().path("phase").asText()).isEqualTo("Running");
            assertThat(ring().nodeStates()).containsExactly("UN", "UN");
            assertThat(ring().runningNode(2)).isNull();
            assertThat(ring().status().path("workload").has("decommissioned")).isFalse();
            assertThat(env.get("/v1/resources/" + RESOURCE + "/events").body().toString()).contains("ReleasingVolume");
        });
        assertThat(Files.readString(env.workDir().resolve("operator.log"))).contains("decommission of node 2: DONE");
        assertThat(ring().readAllAtQuorum()).hasSize(ROWS);
    }
}
