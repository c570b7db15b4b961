package io.mesosoperator.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesReaderTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final SeriesReader reader = new SeriesReader(registry);

    @Test
    void readsAGaugesSeriesFilteredByLabels() {
        Gauge lag = Gauge.builder().name("mesos_operator_kafka_consumer_group_lag").help("lag")
                .labelNames("kafkacluster", "group", "topic").register(registry);
        lag.labelValues("events", "g1", "t").set(25_000);
        lag.labelValues("events", "g2", "t").set(40);

        assertThat(reader.read("mesos_operator_kafka_consumer_group_lag", Map.of("group", "g1")))
                .singleElement().satisfies(s -> {
                    assertThat(s.value()).isEqualTo(25_000);
                    assertThat(s.labels()).containsEntry("kafkacluster", "events").containsEntry("topic", "t");
                });
        assertThat(reader.read("mesos_operator_kafka_consumer_group_lag", Map.of())).hasSize(2);
    }

    @Test
    void readsACounterByItsExportedNameWithOrWithoutTotal() {
        Counter restarts = Counter.builder().name("mesos_operator_tasks_failed_total").help("f")
                .labelNames("kind").register(registry);
        restarts.labelValues("KafkaCluster").inc(3);

        assertThat(reader.read("mesos_operator_tasks_failed_total", Map.of("kind", "KafkaCluster")))
                .singleElement().extracting(SeriesReader.Sample::value).isEqualTo(3.0);
        assertThat(reader.read("mesos_operator_tasks_failed", Map.of())).hasSize(1);
    }

    @Test
    void anUnknownMetricOrLabelValueReadsAsNoSeries() {
        Gauge.builder().name("g").help("g").labelNames("a").register(registry).labelValues("x").set(1);

        assertThat(reader.read("nope", Map.of())).isEmpty();
        assertThat(reader.read("g", Map.of("a", "y"))).isEmpty();
    }
}
