package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;

/**
 * A real 3-node Cassandra ring (5.0, from the dists/ tarball) run by the operator, every node on
 * 127.0.0.1 with the ports Mesos offered, on agents with rack and datacenter attributes: each
 * node is in the rack and datacenter of its agent; rows written at QUORUM with RF=2 survive a
 * node's kill -9 (it comes back on its agent with its data and host ID), JMX takes only the
 * cluster's secret, and a scale-down decommissions the removed node (over remote JMX) before its
 * task stops, losing nothing.
 */
class CassandraClusterE2ETest extends EmbeddedOperatorTest {
    static final Path SAMPLE = Path.of("..", "sample-specs", "cassandra-cluster.yaml");
    static final String RESOURCE = "CassandraCluster/ring";
    static final int ROWS = 1000;
    static final Duration START = Duration.ofMinutes(4);
    /** The agents' datacenter attribute, which the ring takes as its datacenter. */
    static final String DC = "east";

    @Override
    EmbeddedOperator.Options options() {
        return EmbeddedOperator.Options.defaults().agents(3).config("mesos.role", "mesos-operator")
                .agentAttributes("rack:r0;dc:" + DC, "rack:r1;dc:" + DC, "rack:r2;dc:" + DC);
    }

    private CassandraRing ring() {
        return new CassandraRing(env, RESOURCE, DC);
    }

    /** The sample, with each node's rack and datacenter taken from its agent's attributes. */
    private String spec(int nodes) throws Exception {
        return Files.readString(SAMPLE).replace("nodes: 3", "nodes: " + nodes)
                .replace("  rack: rack1", "  rackFromAttribute: rack\n  datacenterFromAttribute: dc");
    }

    @Test
    void nodesKeepTheirDataThroughAKillAndAScaleDownDecommissionsFirst() throws Exception {
        Path three = work.resolve("cassandra-three.yaml");
        Files.writeString(three, spec(3));
        assertThat(env.cli("apply", "-f", three.toString()).out()).contains("cassandracluster/ring created");
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(ring().status().path("phase").asText()).isEqualTo("Running");
            assertThat(ring().nodeStates()).containsExactly("UN", "UN", "UN");
        });
        assertThat(env.cli("plan", "cassandracluster", "ring").out()).contains("Phase instances (serial, COMPLETE)");
        String contactPoints = ring().status().path("workload").path("contactPoints").asText();
        assertThat(contactPoints.split(",")).hasSize(3).allSatisfy(cp -> assertThat(cp).startsWith("127.0.0.1:"));

        // every node is in the rack and datacenter of the agent it runs on, as the driver sees the ring
        Map<String, String> rackOfAgent = new HashMap<>();
        env.masterState().path("slaves").forEach(a -> rackOfAgent.put(a.path("id").asText(),
                a.path("attributes").path("rack").asText()));
        assertThat(new HashSet<>(rackOfAgent.values())).containsExactlyInAnyOrder("r0", "r1", "r2");
        Map<Integer, String> expectedRack = new HashMap<>();
        for (JsonNode t : env.tasks(RESOURCE)) {
            if (t.path("state").asText().equals("TASK_RUNNING")) {
                expectedRack.put(t.path("ports").path("native").asInt(), rackOfAgent.get(t.path("agentId").asText()));
            }
        }
        assertThat(new HashSet<>(expectedRack.values())).containsExactlyInAnyOrder("r0", "r1", "r2");
        assertThat(ring().status().path("workload").path("datacenter").asText()).isEqualTo(DC);
        try (CqlSession session = ring().connect(contactPoints)) {
            assertThat(session.getMetadata().getNodes()).hasSize(3);
            for (Node node : session.getMetadata().getNodes().values()) {
                int nativePort = ((InetSocketAddress) node.getEndPoint().resolve()).getPort();
                assertThat(node.getRack()).as("rack of the node at native port %s", nativePort)
                        .isEqualTo(expectedRack.get(nativePort));
                assertThat(node.getDatacenter()).isEqualTo(DC);
            }
            ring().writeRows(session, 2, ROWS);
        }

        // JMX listens on each node's host for the operator's user only; the password (the cluster's
        // secret) is in a file only its owner reads, and nowhere in what the operator shows or logs
        JsonNode node0 = ring().runningNode(0);
        Path passwordFile = Path.of(node0.path("sandbox").asText(), "jmxremote.password");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("r--------");
        String secret = Files.readString(passwordFile).trim().split(" ")[1];
        assertThat(secret).hasSizeGreaterThan(30);
        String jmx = node0.path("host").asText() + ":" + node0.path("ports").path("jmx").asInt();
        assertThatThrownBy(() -> jmxOperationMode(jmx, null))
                .hasStackTraceContaining("SecurityException: Authentication failed! Credentials required");
        assertThatThrownBy(() -> jmxOperationMode(jmx, new String[] {"mesos-operator", "wrong"}))
                .hasStackTraceContaining("SecurityException: Authentication failed! Invalid username or password");
        assertThat(jmxOperationMode(jmx, new String[] {"mesos-operator", secret})).isEqualTo("NORMAL");
        assertThat(env.get("/v1/resources/" + RESOURCE).body().toString()).doesNotContain(secret);
        assertThat(env.get("/v1/tasks").body().toString()).doesNotContain(secret);
        assertThat(env.get("/v1/resources/" + RESOURCE + "/events").body().toString()).doesNotContain(secret);
        assertThat(env.get("/v1/resources/" + RESOURCE + "/plan").body().toString()).doesNotContain(secret);

        // kill -9 node 1: it comes back as node 1 (same host ID), on its agent, with its data
        JsonNode victim = ring().runningNode(1);
        String victimHostId = ring().hostId(1);
        EmbeddedOperator.taskProcess(victim.path("sandbox").asText()).orElseThrow().destroyForcibly();
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode back = ring().runningNode(1);
            assertThat(back).isNotNull();
            assertThat(back.path("taskId").asText()).isNotEqualTo(victim.path("taskId").asText());
            assertThat(ring().status().path("readyReplicas").asInt()).isEqualTo(3);
            assertThat(ring().nodeStates()).containsExactly("UN", "UN", "UN");
        });
        JsonNode back = ring().runningNode(1);
        assertThat(back.path("agentId").asText()).isEqualTo(victim.path("agentId").asText());
        assertThat(ring().hostId(1)).isEqualTo(victimHostId);
        assertThat(Path.of(back.path("sandbox").asText(), "data", "data", "shop")).isDirectory();
        assertThat(ring().readAllAtQuorum()).hasSize(ROWS);

        // a scale-down that would leave fewer nodes than the keyspace's replicas is refused, naming why
        Path one = work.resolve("cassandra-one.yaml");
        Files.writeString(one, spec(1));
        EmbeddedOperator.Run refused = env.cli("apply", "-f", one.toString());
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("spec.nodes: keyspace 'shop' (2) has more replicas in " + DC + " than the 1 node(s)");
        // so is a switch from the agents' racks and datacenter to literal ones, which the nodes would refuse
        Path literal = work.resolve("cassandra-literal.yaml");
        Files.writeString(literal, Files.readString(SAMPLE));
        EmbeddedOperator.Run switched = env.cli("apply", "-f", literal.toString());
        assertThat(switched.code()).isNotZero();
        assertThat(switched.err()).contains("spec.rackFromAttribute: cannot change once the ring exists (it is 'rack')",
                "spec.datacenterFromAttribute: cannot change once the ring exists (it is 'dc')");
        assertThat(ring().status().path("observedGeneration").asLong()).isEqualTo(1);

        // scale down to 2: node 2 is decommissioned (its data streamed away), then its task stops
        Path two = work.resolve("cassandra-two.yaml");
        Files.writeString(two, spec(2));
        assertThat(env.cli("apply", "-f", two.toString()).out()).contains("cassandracluster/ring scaled");
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(ring().status().path("phase").asText()).isEqualTo("Running");
            assertThat(ring().status().path("replicas").asInt()).isEqualTo(2);
            assertThat(ring().nodeStates()).containsExactly("UN", "UN");
            assertThat(env.tasks(RESOURCE)).noneMatch(t -> t.path("instance").asInt() == 2
                    && !t.path("state").asText().matches("TASK_(FINISHED|KILLED|FAILED|LOST)"));
        });
        assertThat(ring().status().path("workload").has("otherRingMembers")).isFalse();
        try (CqlSession session = ring().connect(ring().status().path("workload").path("contactPoints").asText())) {
            assertThat(session.getMetadata().getNodes()).hasSize(2);
        }
        assertThat(ring().readAllAtQuorum()).hasSize(ROWS);
        // the operator's log says what it did over JMX, never with what password
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Files.readString(env.workDir().resolve("operator.log"))).contains("decommission of node 2: DONE"));
        assertThat(Files.readString(env.workDir().resolve("operator.log"))).doesNotContain(secret);
    }

    /** StorageService's OperationMode over a node's JMX port, as a remote JMX client (nodetool) reads it. */
    private static String jmxOperationMode(String hostPort, String[] credentials) throws Exception {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + hostPort + "/jmxrmi");
        try (JMXConnector connector = JMXConnectorFactory.connect(url,
                credentials == null ? Map.of() : Map.of(JMXConnector.CREDENTIALS, credentials))) {
            return String.valueOf(connector.getMBeanServerConnection().getAttribute(
                    new ObjectName("org.apache.cassandra.db:type=StorageService"), "OperationMode"));
        }
    }
}
