package io.mesosoperator.scheduler.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.scheduler.kind.MetricsSource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.EmptyReads;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KafkaMetricsTest {
    @Test
    void aGroupsLagIsWhatItHasNotCommittedOfThePartitionsItCommitted() {
        TopicPartition orders0 = new TopicPartition("orders", 0);
        TopicPartition orders1 = new TopicPartition("orders", 1);
        TopicPartition payments0 = new TopicPartition("payments", 0);
        TopicPartition offline = new TopicPartition("payments", 1);
        Map<TopicPartition, Long> ends = Map.of(orders0, 100L, orders1, 50L, payments0, 10L);
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = Map.of(
                "billing", Map.of(orders0, new OffsetAndMetadata(60), orders1, new OffsetAndMetadata(50),
                        payments0, new OffsetAndMetadata(4), offline, new OffsetAndMetadata(1)),
                // a group that committed past the end it was told (the end moved back after an unclean election)
                "audit", Map.of(orders0, new OffsetAndMetadata(120)));

        assertThat(KafkaMetrics.lags(committed, ends)).containsExactly(
                Map.entry(List.of("audit", "orders"), 0L),
                Map.entry(List.of("billing", "orders"), 40L),
                Map.entry(List.of("billing", "payments"), 6L));
    }

    @Test
    void aClustersHealthAndItsOffsetsAreTwoTargetsSoThatOneHangingLeavesTheOtherOut() {
        TaskRecord broker = TaskRecord.staging("events-broker-0.x", new ResourceKey("KafkaCluster", "events"), 0, "h", "a1",
                        null, "127.0.0.1", Map.of(KafkaReconciler.BROKER, 9092L), null, "2026-12-07T10:00:00Z")
                .withUpdate("TASK_RUNNING", null, null, null, null, null, "2026-12-07T10:00:01Z");
        try (KafkaMetrics metrics = new KafkaMetrics()) {
            List<MetricsSource.Target> targets = metrics.targets(new EmptyReads() {
                @Override
                public List<TaskRecord> tasks() {
                    return List.of(broker);
                }
            });
            assertThat(targets).extracting(MetricsSource.Target::id)
                    .containsExactly("KafkaCluster/events health", "KafkaCluster/events offsets");
        }
    }
}
