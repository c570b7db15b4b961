package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A real one-broker Kafka cluster run by the operator: records produced and partly consumed by a
 * consumer group show up on the admin port's /metrics/prometheus as the partition's log-end offset
 * and the group's lag (exactly what it has not consumed), with the cluster's health beside them and
 * the broker JVM's heap and GC time.
 */
class KafkaMetricsE2ETest extends EmbeddedOperatorTest {
    static final String SPEC = """
            apiVersion: mesos-operator.io/v1
            kind: KafkaCluster
            metadata: {name: metered}
            spec:
              brokers: 1
              cpus: 0.5
              mem: 640
              heap: 256
              disk: 512
              config: {num.partitions: 1, default.replication.factor: 1, min.insync.replicas: 1}
            """;
    static final int PRODUCED = 100;
    static final int CONSUMED = 40;

    @Override
    EmbeddedOperator.Options options() {
        return EmbeddedOperator.Options.defaults().agents(1).config("mesos.role", "mesos-operator")
                .config("monitoring.workloadIntervalSeconds", 2);
    }

    @Test
    void aConsumerGroupsLagIsWhatItHasNotConsumed() throws Exception {
        EmbeddedOperator.Reply applied = applyOwned(SPEC);
        assertThat(applied.status()).as(applied.body().toString()).isEqualTo(201);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                env.get("/v1/resources/KafkaCluster/metered").body().path("status").path("phase").asText().equals("Running"));
        String bootstrap = env.get("/v1/resources/KafkaCluster/metered").body().path("status").path("workload")
                .path("bootstrapServers").asText();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("orders", 1, (short) 1))).all().get();
        }
        KafkaClients.produce(bootstrap, "orders", "order", 0, PRODUCED);
        consumeAndCommit(bootstrap, "billing", CONSUMED);

        String cluster = "kafkacluster=\"metered\"";
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, Double> metrics = ServiceLifecycleE2ETest.prometheus(env.admin("/metrics/prometheus"));
            assertThat(metrics.get("mesos_operator_kafka_consumer_group_lag{group=\"billing\"," + cluster + ",topic=\"orders\"}"))
                    .as("lag of group billing").isEqualTo(PRODUCED - CONSUMED);
            assertThat(metrics.get("mesos_operator_kafka_log_end_offset{" + cluster + ",partition=\"0\",topic=\"orders\"}"))
                    .isEqualTo(PRODUCED);
            assertThat(metrics.get("mesos_operator_kafka_under_replicated_partitions{" + cluster + "}")).isZero();
            assertThat(metrics.get("mesos_operator_kafka_offline_partitions{" + cluster + "}")).isZero();
            assertThat(metrics.get("mesos_operator_kafka_brokers{" + cluster + "}")).isEqualTo(1.0);
            assertThat(metrics.get("mesos_operator_kafka_active_controller_id{" + cluster + "}")).isEqualTo(0.0);
            // the broker's JVM, over its JMX port
            String jvm = "{instance=\"0\",kind=\"KafkaCluster\",resource=\"metered\"}";
            assertThat(metrics.get("mesos_operator_jvm_heap_used_bytes" + jvm)).as("broker heap").isPositive()
                    .isLessThanOrEqualTo(256.0 * 1024 * 1024);
            assertThat(metrics.get("mesos_operator_jvm_gc_seconds_total" + jvm)).as("broker GC time").isNotNull();
            // the broker's own meters over the same JMX connection: no follower, so no ISR ever shrank
            assertThat(metrics.get("mesos_operator_kafka_isr_shrinks_total{instance=\"0\"," + cluster + "}")).isZero();
            assertThat(metrics.get("mesos_operator_kafka_isr_expands_total{instance=\"0\"," + cluster + "}")).isZero();
        });
    }

    /** Reads the first {@code count} records of orders as the group and commits just past them. */
    private static void consumeAndCommit(String bootstrap, String group, int count) {
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "group.id", group,
                "auto.offset.reset", "earliest", "enable.auto.commit", false,
                "key.deserializer", StringDeserializer.class.getName(), "value.deserializer", StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of("orders"));
            int read = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (read < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
                    read++;
                }
            }
            assertThat(read).as("records read by group %s", group).isGreaterThanOrEqualTo(count);
            consumer.commitSync(Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(count)));
        }
    }
}
