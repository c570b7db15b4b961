package io.mesosoperator.scheduler.kafka;

import static org.assertj.core.api.Assertions.assertThat;

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
}
