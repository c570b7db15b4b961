package io.mesosoperator.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.EmptyReads;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.TaskRecord;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The exported series as Prometheus reads them: tasks per kind and state from one pass over the
 * task records per scrape, counters and histograms labelled by kind, base units.
 */
class OperatorMetricsTest {
    static String scrape(PrometheusRegistry registry) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    static TaskRecord task(String resource, int instance, String state) {
        TaskRecord staging = TaskRecord.staging(resource + "-" + instance, ResourceKey.parse(resource), instance, "h", "S0",
                null, "127.0.0.1", Map.of(), null, "2026-11-26T00:00:00Z");
        return state.equals("TASK_STAGING") ? staging
                : staging.withUpdate(state, null, null, null, null, null, "2026-11-26T00:00:01Z");
    }

    @Test
    void exportsLabelledSeriesInBaseUnitsAndCountsTasksInOnePassPerScrape() {
        AtomicInteger listings = new AtomicInteger();
        List<TaskRecord> tasks = List.of(task("Service/web", 0, "TASK_RUNNING"), task("Service/web", 1, "TASK_RUNNING"),
                task("Service/api", 0, "TASK_STAGING"), task("KafkaCluster/events", 0, "TASK_RUNNING"));
        ResourceReads reads = new EmptyReads() {
            @Override
            public List<TaskRecord> tasks() {
                listings.incrementAndGet();
                return tasks;
            }
        };
        PrometheusRegistry registry = new PrometheusRegistry();
        OperatorMetrics metrics = new OperatorMetrics(registry, List.of("Service", "KafkaCluster"), () -> reads, () -> true);
        metrics.launched("Service");
        metrics.launched("Service");
        metrics.reconciled("Service", 2_000_000);
        metrics.planStepCompleted("KafkaCluster", java.time.Duration.ofSeconds(3));
        metrics.termBegan();

        String text = scrape(registry);
        assertThat(text).contains(
                "mesos_operator_tasks{kind=\"Service\",state=\"TASK_RUNNING\"} 2.0",
                "mesos_operator_tasks{kind=\"Service\",state=\"TASK_STAGING\"} 1.0",
                "mesos_operator_tasks{kind=\"KafkaCluster\",state=\"TASK_RUNNING\"} 1.0",
                "mesos_operator_tasks_launched_total{kind=\"Service\"} 2.0",
                "mesos_operator_tasks_launched_total{kind=\"KafkaCluster\"} 0.0",
                "mesos_operator_reconcile_duration_seconds_count{kind=\"Service\"} 1",
                "mesos_operator_reconcile_duration_seconds_bucket{kind=\"Service\",le=\"0.0025\"} 1",
                "mesos_operator_plan_step_duration_seconds_sum{kind=\"KafkaCluster\"} 3.0",
                "mesos_operator_leader 1.0",
                "mesos_operator_leadership_terms_total 1.0",
                "mesos_operator_reconciliation_last_duration_seconds -1.0",
                "# TYPE mesos_operator_offers_received_total counter");
        // no state in a metric's name: one family, the kind and the state as labels
        assertThat(text).doesNotContain("task_running ", "mesos_operator_tasks_service");
        assertThat(listings).hasValue(1);
    }
}
