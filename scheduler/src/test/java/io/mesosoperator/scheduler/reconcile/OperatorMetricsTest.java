package io.mesosoperator.scheduler.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Tasks per kind and state: right counts, from one pass over the task records per scrape however many gauges. */
class OperatorMetricsTest {
    static TaskRecord task(String resource, int instance, String state) {
        TaskRecord staging = TaskRecord.staging(resource + "-" + instance, ResourceKey.parse(resource), instance, "h", "S0",
                null, "127.0.0.1", Map.of(), null, "2026-11-26T00:00:00Z");
        return state.equals("TASK_STAGING") ? staging
                : staging.withUpdate(state, null, null, null, null, null, "2026-11-26T00:00:01Z");
    }

    @Test
    void countsTasksPerKindAndStateInOnePassPerScrape() {
        AtomicInteger listings = new AtomicInteger();
        List<TaskRecord> tasks = List.of(task("Service/web", 0, "TASK_RUNNING"), task("Service/web", 1, "TASK_RUNNING"),
                task("Service/api", 0, "TASK_STAGING"), task("KafkaCluster/events", 0, "TASK_RUNNING"));
        ResourceReads reads = new ResourceReads() {
            @Override
            public List<Resource> resources() {
                return List.of();
            }

            @Override
            public Resource resource(ResourceKey key) {
                return null;
            }

            @Override
            public ResourceStatus status(ResourceKey key) {
                return null;
            }

            @Override
            public List<TaskRecord> tasks() {
                listings.incrementAndGet();
                return tasks;
            }

            @Override
            public List<OperatorEvent> events(ResourceKey key) {
                return List.of();
            }

            @Override
            public List<com.fasterxml.jackson.databind.node.ObjectNode> history(ResourceKey key) {
                return List.of();
            }
        };
        MetricRegistry registry = new MetricRegistry();
        new OperatorMetrics(registry, List.of("Service", "KafkaCluster"), () -> reads, () -> true);

        Map<String, Gauge> gauges = registry.getGauges();
        gauges.values().forEach(Gauge::getValue); // a scrape reads every gauge
        assertThat(gauges.get("mesos_operator.tasks.service.task_running").getValue()).isEqualTo(2L);
        assertThat(gauges.get("mesos_operator.tasks.service.task_staging").getValue()).isEqualTo(1L);
        assertThat(gauges.get("mesos_operator.tasks.kafkacluster.task_running").getValue()).isEqualTo(1L);
        assertThat(gauges.get("mesos_operator.tasks.kafkacluster.task_failed").getValue()).isEqualTo(0L);
        assertThat(listings).hasValue(1);
    }
}
