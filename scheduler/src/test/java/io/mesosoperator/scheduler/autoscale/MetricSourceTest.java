package io.mesosoperator.scheduler.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mesosoperator.scheduler.autoscale.HorizontalScaler.Reading;
import io.mesosoperator.scheduler.metrics.SeriesReader;
import io.mesosoperator.scheduler.spec.AutoscaleSpec;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MetricSourceTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final SeriesReader series = new SeriesReader(registry);
    private final ResourceKey key = new ResourceKey("Service", "billing");

    @Test
    void kafkaLagIsThePerInstanceLagCappedByTheTopicsPartitions() throws Exception {
        Gauge lag = Gauge.builder().name(MetricSource.KAFKA_LAG).help("lag").labelNames("kafkacluster", "group", "topic")
                .register(registry);
        lag.labelValues("events", "billing", "orders").set(9_000);
        lag.labelValues("events", "other", "orders").set(1_000_000);
        Gauge end = Gauge.builder().name(MetricSource.KAFKA_LOG_END_OFFSET).help("end")
                .labelNames("kafkacluster", "topic", "partition").register(registry);
        for (int p = 0; p < 3; p++) {
            end.labelValues("events", "orders", String.valueOf(p)).set(50_000);
        }
        end.labelValues("events", "payments", "0").set(10);

        Reading reading = new MetricSource().read(series, key, spec("""
                {"autoscale": {"maxReplicas": 10, "target": 100,
                  "metric": {"type": "kafkaLag", "kafkaCluster": "events", "group": "billing", "topic": "orders"}}}"""),
                2, Instant.EPOCH);

        assertThat(reading.value()).isEqualTo(4_500);
        assertThat(reading.cap()).isEqualTo(3);
        assertThat(reading.description()).isEqualTo("3 partitions of topic orders");
    }

    @Test
    void aSeriesIsSummedOverItsMatchingLabelsThenAveragedOrNot() throws Exception {
        Gauge queue = Gauge.builder().name("work_queue_depth").help("q").labelNames("queue", "shard").register(registry);
        queue.labelValues("jobs", "0").set(30);
        queue.labelValues("jobs", "1").set(10);
        queue.labelValues("mail", "0").set(500);
        String metric = "\"metric\": {\"type\": \"series\", \"name\": \"work_queue_depth\", \"labels\": {\"queue\": \"jobs\"}";

        assertThat(new MetricSource().read(series, key, spec("{\"autoscale\": {\"maxReplicas\": 5, \"target\": 10, "
                + metric + "}}}"), 4, Instant.EPOCH).value()).isEqualTo(10);
        assertThat(new MetricSource().read(series, key, spec("{\"autoscale\": {\"maxReplicas\": 5, \"target\": 10, "
                + metric + ", \"aggregate\": \"total\"}}}"), 4, Instant.EPOCH).value()).isEqualTo(40);
        assertThat(new MetricSource().read(series, key, spec("{\"autoscale\": {\"maxReplicas\": 5, \"target\": 10, "
                + "\"metric\": {\"type\": \"series\", \"name\": \"absent\"}}}"), 4, Instant.EPOCH)).isNull();
    }

    private static AutoscaleSpec spec(String json) throws Exception {
        return AutoscaleSpec.of(new ObjectMapper().readTree(json));
    }
}
