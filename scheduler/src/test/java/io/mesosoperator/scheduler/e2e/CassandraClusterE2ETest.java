package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A real 3-node Cassandra ring (5.0, from the dists/ tarball) run by the operator, every node on
 * 127.0.0.1 with the ports Mesos offered: rows written at QUORUM with RF=2 survive a node's
 * kill -9 (it comes back on its agent with its data and host ID), and a scale-down decommissions
 * the removed node before its task stops, losing nothing.
 */
class CassandraClusterE2ETest extends EmbeddedOperatorTest {
    static final Path SAMPLE = Path.of("..", "sample-specs", "cassandra-cluster.yaml");
    static final String RESOURCE = "CassandraCluster/ring";
    static final int ROWS = 1000;
    static final Duration START = Duration.ofMinutes(4);

    @Override
    EmbeddedOperator startEnvironment(Path dir) throws Exception {
        return new EmbeddedOperator(dir, EmbeddedOperator.Options.defaults().agents(3).config("mesos.role", "mesos-operator"));
    }

    private JsonNode status() {
        return env.get("/v1/resources/" + RESOURCE).body().path("status");
    }

    private JsonNode runningNode(int instance) {
        return env.tasks(RESOURCE).stream().filter(t -> t.path("instance").asInt() == instance
                && t.path("state").asText().equals("TASK_RUNNING")).findFirst().orElse(null);
    }

    private List<String> nodeStates() {
        List<String> states = new ArrayList<>();
        status().path("workload").path("nodes").forEach(n -> states.add(n.path("state").asText()));
        return states;
    }

    private String hostId(int instance) {
        for (JsonNode n : status().path("workload").path("nodes")) {
            if (n.path("instance").asInt() == instance) {
                return n.path("hostId").asText(null);
            }
        }
        return null;
    }

    private static CqlSession connect(String contactPoints) {
        List<InetSocketAddress> points = new ArrayList<>();
        for (String cp : contactPoints.split(",")) {
            int colon = cp.lastIndexOf(':');
            points.add(new InetSocketAddress(cp.substring(0, colon), Integer.parseInt(cp.substring(colon + 1))));
        }
        return CqlSession.builder().addContactPoints(points).withLocalDatacenter("dc1").build();
    }

    private Set<Integer> readAllAtQuorum() {
        try (CqlSession session = connect(status().path("workload").path("contactPoints").asText())) {
            Set<Integer> ids = new HashSet<>();
            for (Row row : session.execute(SimpleStatement.newInstance("SELECT id FROM shop.orders")
                    .setConsistencyLevel(DefaultConsistencyLevel.QUORUM).setTimeout(Duration.ofSeconds(20)))) {
                ids.add(row.getInt("id"));
            }
            return ids;
        }
    }

    @Test
    void nodesKeepTheirDataThroughAKillAndAScaleDownDecommissionsFirst() throws Exception {
        assertThat(env.cli("apply", "-f", SAMPLE.toString()).out()).contains("cassandracluster/ring created");
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(status().path("phase").asText()).isEqualTo("Running");
            assertThat(nodeStates()).containsExactly("UN", "UN", "UN");
        });
        assertThat(env.cli("plan", "cassandracluster", "ring").out()).contains("Phase instances (serial, COMPLETE)");
        String contactPoints = status().path("workload").path("contactPoints").asText();
        assertThat(contactPoints.split(",")).hasSize(3).allSatisfy(cp -> assertThat(cp).startsWith("127.0.0.1:"));

        try (CqlSession session = connect(contactPoints)) {
            assertThat(session.getMetadata().getNodes()).hasSize(3);
            session.execute(SimpleStatement.newInstance("CREATE KEYSPACE shop WITH replication ="
                    + " {'class': 'NetworkTopologyStrategy', 'dc1': 2}").setTimeout(Duration.ofSeconds(30)));
            session.execute(SimpleStatement.newInstance("CREATE TABLE shop.orders (id int PRIMARY KEY, item text)")
                    .setTimeout(Duration.ofSeconds(30)));
            PreparedStatement insert = session.prepare("INSERT INTO shop.orders (id, item) VALUES (?, ?)");
            for (int i = 0; i < ROWS; i++) {
                session.execute(insert.bind(i, "item-" + i).setConsistencyLevel(DefaultConsistencyLevel.QUORUM));
            }
        }

        // kill -9 node 1: it comes back as node 1 (same host ID), on its agent, with its data
        JsonNode victim = runningNode(1);
        String victimHostId = hostId(1);
        EmbeddedOperator.taskProcess(victim.path("sandbox").asText()).orElseThrow().destroyForcibly();
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode back = runningNode(1);
            assertThat(back).isNotNull();
            assertThat(back.path("taskId").asText()).isNotEqualTo(victim.path("taskId").asText());
            assertThat(status().path("readyReplicas").asInt()).isEqualTo(3);
            assertThat(nodeStates()).containsExactly("UN", "UN", "UN");
        });
        JsonNode back = runningNode(1);
        assertThat(back.path("agentId").asText()).isEqualTo(victim.path("agentId").asText());
        assertThat(hostId(1)).isEqualTo(victimHostId);
        assertThat(Path.of(back.path("sandbox").asText(), "data", "data", "shop")).isDirectory();
        assertThat(readAllAtQuorum()).hasSize(ROWS);

        // a scale-down that would leave fewer nodes than the keyspace's replicas is refused, naming why
        Path one = work.resolve("cassandra-one.yaml");
        Files.writeString(one, Files.readString(SAMPLE).replace("nodes: 3", "nodes: 1"));
        EmbeddedOperator.Run refused = env.cli("apply", "-f", one.toString());
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("spec.nodes: keyspace 'shop' (2) has more replicas in dc1 than the 1 node(s)");

        // scale down to 2: node 2 is decommissioned (its data streamed away), then its task stops
        Path two = work.resolve("cassandra-two.yaml");
        Files.writeString(two, Files.readString(SAMPLE).replace("nodes: 3", "nodes: 2"));
        assertThat(env.cli("apply", "-f", two.toString()).out()).contains("cassandracluster/ring scaled");
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(status().path("phase").asText()).isEqualTo("Running");
            assertThat(status().path("replicas").asInt()).isEqualTo(2);
            assertThat(nodeStates()).containsExactly("UN", "UN");
            assertThat(env.tasks(RESOURCE)).noneMatch(t -> t.path("instance").asInt() == 2
                    && !t.path("state").asText().matches("TASK_(FINISHED|KILLED|FAILED|LOST)"));
        });
        assertThat(status().path("workload").has("otherRingMembers")).isFalse();
        try (CqlSession session = connect(status().path("workload").path("contactPoints").asText())) {
            assertThat(session.getMetadata().getNodes()).hasSize(2);
        }
        assertThat(readAllAtQuorum()).hasSize(ROWS);
    }
}
