package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real one-node Cassandra ring run by the operator: once rows are written through the Java
 * driver, the admin port's /metrics/prometheus shows, labelled with the ring and the node, that the
 * node is up, the write latency its coordinator saw, its pending compactions and dropped mutations
 * (read over its JMX port), and its JVM's heap and GC time.
 */
class CassandraMetricsE2ETest extends EmbeddedOperatorTest {
    static final String RESOURCE = "CassandraCluster/metered";
    static final String DC = "dc1";

    @Override
    EmbeddedOperator.Options options() {
        return EmbeddedOperator.Options.defaults().agents(1).config("mesos.role", "mesos-operator")
                .config("monitoring.workloadIntervalSeconds", 2);
    }

    @Test
    void writesShowAsTheNodesWriteLatencyBesideItsStateAndHeap() throws Exception {
        String spec = Files.readString(CassandraClusterE2ETest.SAMPLE).replace("name: ring", "name: metered")
                .replace("nodes: 3", "nodes: 1").replace("seeds: 2", "seeds: 1");
        EmbeddedOperator.Reply applied = applyOwned(spec);
        assertThat(applied.status()).as(applied.body().toString()).isEqualTo(201);
        CassandraRing ring = new CassandraRing(env, RESOURCE, DC);
        await().atMost(CassandraClusterE2ETest.START).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(ring.status().path("phase").asText()).isEqualTo("Running");
            assertThat(ring.nodeStates()).containsExactly("UN");
        });
        try (CqlSession session = ring.connect()) {
            ring.writeRows(session, 1, 200);
        }

        String node = "cassandracluster=\"metered\",instance=\"0\"";
        String jvm = "{instance=\"0\",kind=\"CassandraCluster\",resource=\"metered\"}";
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, Double> metrics = ServiceLifecycleE2ETest.prometheus(env.admin("/metrics/prometheus"));
            assertThat(metrics.get("mesos_operator_cassandra_node_up{" + node + "}")).as("node up").isEqualTo(1.0);
            assertThat(metrics.get("mesos_operator_cassandra_write_latency_seconds{" + node + ",quantile=\"0.99\"}"))
                    .as("p99 write latency").isPositive().isLessThan(10.0);
            assertThat(metrics.get("mesos_operator_cassandra_write_latency_seconds{" + node + ",quantile=\"0.5\"}"))
                    .as("p50 write latency").isPositive();
            assertThat(metrics).containsKey("mesos_operator_cassandra_read_latency_seconds{" + node + ",quantile=\"0.5\"}");
            assertThat(metrics.get("mesos_operator_cassandra_pending_compactions{" + node + "}")).isNotNull()
                    .isGreaterThanOrEqualTo(0.0);
            assertThat(metrics.get("mesos_operator_cassandra_dropped_mutations_total{" + node + "}")).isZero();
            assertThat(metrics.get("mesos_operator_jvm_heap_used_bytes" + jvm)).as("heap").isPositive()
                    .isLessThanOrEqualTo(384.0 * 1024 * 1024);
            assertThat(metrics.get("mesos_operator_jvm_gc_seconds_total" + jvm)).as("GC time").isNotNull();
        });
    }
}
