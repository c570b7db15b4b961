package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A consumer Service autoscaled on its consumer group's lag in a real one-broker KafkaCluster run by
 * the operator (KEDA's Kafka scaler: the lag per instance against the target, never more instances
 * than the topic has partitions). Its instances are real consumers of the group (the sample
 * PacedConsumer, 10 records a second each, bootstrapped by a reference to the cluster). A burst
 * produced to the topic grows the Service to the topic's three partitions; the three drain it, and
 * once the lag is gone it shrinks back to one instance after the scale-down window, every record
 * consumed. Beside it a Service that consumes nothing follows the same lag through the generic
 * {@code series} metric (any exported series by name and labels): it grows with the burst and
 * shrinks once the consumers have drained it.
 */
class AutoscaleKafkaLagE2ETest extends EmbeddedOperatorTest {
    private static final String TOPIC = "orders";
    private static final String GROUP = "billing";
    private static final int PARTITIONS = 3;
    /** The sample consumer (sample-apps/fastdata-services), as the build makes it. */
    private static final java.nio.file.Path CONSUMER = java.nio.file.Path.of("..", "sample-apps", "fastdata-services",
            "target", "fastdata-services.tgz").toAbsolutePath().normalize();

    @Override
    EmbeddedOperator.Options options() {
        return EmbeddedOperator.Options.defaults().agents(2).config("mesos.role", "mesos-operator")
                .config("monitoring.workloadIntervalSeconds", 1);
    }

    @Test
    void aConsumerServiceGrowsWithItsGroupsLagUpToThePartitionsAndShrinksOnceItIsConsumed() throws Exception {
        assertThat(applyOwned("""
                apiVersion: mesos-operator.io/v1
                kind: KafkaCluster
                metadata: {name: events}
                spec:
                  brokers: 1
                  cpus: 0.5
                  mem: 640
                  heap: 256
                  disk: 512
                  config: {default.replication.factor: 1, min.insync.replicas: 1}
                """).status()).isEqualTo(201);
        await("the KafkaCluster running").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                env.get("/v1/resources/KafkaCluster/events").body().path("status").path("phase").asText().equals("Running"));
        String bootstrap = env.get("/v1/resources/KafkaCluster/events").body().path("status").path("workload")
                .path("bootstrapServers").asText();
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
        }
        commit(bootstrap, 0); // the group exists, caught up with the empty topic, before its consumers start

        assertThat(applyOwned("""
                apiVersion: mesos-operator.io/v1
                kind: Service
                metadata: {name: billing}
                spec:
                  instances: 1
                  cpus: 0.1
                  mem: 192
                  uris: [%s]
                  command: exec "$MESOS_OPERATOR_JAVA" -Xmx64m -cp 'fastdata-services/lib/*' io.mesosoperator.samples.fastdata.PacedConsumer
                  env:
                    KAFKA_BOOTSTRAP: {valueFrom: {resource: KafkaCluster/events, field: bootstrapServers}}
                    TOPIC: orders
                    GROUP: billing
                    RECORDS_PER_SECOND: '10'
                  autoscale:
                    minReplicas: 1
                    maxReplicas: 5
                    metric: {type: kafkaLag, kafkaCluster: events, group: billing, topic: orders}
                    target: 100
                    intervalSeconds: 2
                    scaleDown: {stabilizationWindowSeconds: 10}
                """.formatted(CONSUMER.toUri())).status()).isEqualTo(201);
        // the same lag, read as any exported series is: the watcher only sleeps, its count follows the lag
        assertThat(applyOwned("""
                apiVersion: mesos-operator.io/v1
                kind: Service
                metadata: {name: watcher}
                spec:
                  instances: 1
                  cpus: 0.05
                  mem: 32
                  command: exec sleep 600
                  autoscale:
                    minReplicas: 1
                    maxReplicas: 2
                    metric:
                      type: series
                      name: mesos_operator_kafka_consumer_group_lag
                      labels: {kafkacluster: events, group: billing, topic: orders}
                    target: 100
                    intervalSeconds: 2
                    scaleDown: {stabilizationWindowSeconds: 10}
                """).status()).isEqualTo(201);
        for (String service : List.of("billing", "watcher")) {
            await("the group's lag read by " + service).atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode autoscale = env.get("/v1/resources/Service/" + service + "/status").body().path("autoscale");
                assertThat(autoscale.path("value").isNumber()).as("status.autoscale: %s", autoscale).isTrue();
                assertThat(autoscale.path("desiredReplicas").asInt()).isEqualTo(1);
            });
        }

        KafkaClients.produce(bootstrap, TOPIC, "order", 0, 1_000);
        await("scaled up to the topic's partitions").atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(instances()).isEqualTo(PARTITIONS);
            assertThat(running()).isEqualTo(PARTITIONS);
        });
        assertThat(events()).anySatisfy(e -> {
            assertThat(e.path("reason").asText()).isEqualTo("ScaleUp");
            assertThat(e.path("message").asText()).startsWith("spec.instances 1 -> 3: lag per instance of consumer group billing")
                    .contains("capped at 3 (3 partitions of topic orders)");
        });
        await("the watcher grown with the lag").atMost(Duration.ofSeconds(60)).until(() -> events("watcher").stream()
                .anyMatch(e -> e.path("reason").asText().equals("ScaleUp")));
        assertThat(events("watcher")).anySatisfy(e -> assertThat(e.path("message").asText()).startsWith(
                "spec.instances 1 -> 2: mesos_operator_kafka_consumer_group_lag{kafkacluster:events, group:billing,"
                        + " topic:orders} per instance"));
        EmbeddedOperator.Run busy = env.cli("describe", "service", "billing");
        assertThat(busy.out()).contains("Autoscale:", "consumer group billing", "target 100");
        System.out.println(busy.out());

        // the three consumers drain the burst; then the lag is 0 and the scale-down window passes
        await("scaled back down once the lag is gone").atMost(Duration.ofSeconds(150)).untilAsserted(() -> {
            assertThat(instances()).isEqualTo(1);
            assertThat(running()).isEqualTo(1);
        });
        assertThat(events()).anySatisfy(e -> {
            assertThat(e.path("reason").asText()).isEqualTo("ScaleDown");
            assertThat(e.path("message").asText()).contains("-> 1: lag per instance of consumer group billing", "value 0 ");
        });
        await("the watcher back to one once the lag is gone").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(env.get("/v1/resources/Service/watcher").body().path("spec").path("instances").asInt()).isEqualTo(1);
            assertThat(events("watcher")).anySatisfy(e -> assertThat(e.path("reason").asText()).isEqualTo("ScaleDown"));
        });
        // every record was consumed and committed by the Service's own consumers
        assertThat(committedBehind(bootstrap)).as("records the group has not committed").isZero();
    }

    /** The records of the topic the group has not committed, over its partitions. */
    private static long committedBehind(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata().get();
            long behind = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                TopicPartition tp = new TopicPartition(TOPIC, p);
                long end = admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).partitionResult(tp)
                        .get().offset();
                OffsetAndMetadata c = committed.get(tp);
                behind += end - (c == null ? 0 : c.offset());
            }
            return behind;
        }
    }

    /** Commits the group's offsets on every partition: {@code offset}, or each partition's end when negative. */
    private static void commit(String bootstrap, long offset) {
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "group.id", GROUP, "enable.auto.commit", false,
                "key.deserializer", StringDeserializer.class.getName(), "value.deserializer", StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(TOPIC, p));
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            partitions.forEach(tp -> offsets.put(tp, new OffsetAndMetadata(offset < 0 ? ends.get(tp) : offset)));
            consumer.commitSync(offsets);
        }
    }

    private int instances() {
        return env.get("/v1/resources/Service/billing").body().path("spec").path("instances").asInt();
    }

    private long running() {
        return env.tasks("Service/billing").stream().filter(t -> "TASK_RUNNING".equals(t.path("state").asText())).count();
    }

    private List<JsonNode> events() {
        return events("billing");
    }

    private List<JsonNode> events(String service) {
        List<JsonNode> items = new ArrayList<>();
        env.get("/v1/resources/Service/" + service + "/events").body().path("items").forEach(items::add);
        return items;
    }
}
