package io.mesosoperator.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.scheduler.kind.MetricsSource.Sample;
import io.mesosoperator.scheduler.kind.MetricsSource.Series;
import io.mesosoperator.scheduler.kind.MetricsSource.Target;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class WorkloadMetricsTest {
    private static final Series LAG = Series.gauge("mesos_operator_test_lag", "lag", "cluster", "group");
    private static final Series DROPPED = Series.counter("mesos_operator_test_dropped", "dropped", "cluster");

    /** A source of fixed targets. */
    private static io.mesosoperator.scheduler.kind.MetricsSource source(List<Target> targets) {
        return new io.mesosoperator.scheduler.kind.MetricsSource() {
            @Override
            public List<Series> series() {
                return List.of(LAG, DROPPED);
            }

            @Override
            public List<Target> targets(ResourceReads reads) {
                return targets;
            }
        };
    }

    private static Target answering(String cluster, double lag) {
        return new Target(cluster, () -> List.of(LAG.sample(lag, cluster, "g"), DROPPED.sample(3, cluster)));
    }

    @Test
    void exportsWhatEveryAnsweringTargetSaysAndLeavesOutTheOthers() {
        CountDownLatch never = new CountDownLatch(1);
        Target refusing = new Target("refusing", () -> {
            throw new IOException("connection refused");
        });
        Target hanging = new Target("hanging", () -> {
            never.await();
            return List.of(LAG.sample(1, "hanging", "g"));
        });
        PrometheusRegistry registry = new PrometheusRegistry();
        WorkloadMetrics metrics = new WorkloadMetrics(registry, () -> TaskUsageTest.reads(List.of()),
                List.of(source(List.of(answering("a", 40), refusing, hanging, answering("b", 7)))),
                Duration.ofSeconds(15), Duration.ofMillis(200));
        try {
            metrics.collect();
            SeriesReader reader = new SeriesReader(registry);
            assertThat(reader.read("mesos_operator_test_lag", Map.of()))
                    .extracting(SeriesReader.Sample::labels, SeriesReader.Sample::value)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(Map.of("cluster", "a", "group", "g"), 40.0),
                            org.assertj.core.groups.Tuple.tuple(Map.of("cluster", "b", "group", "g"), 7.0));
            assertThat(OperatorMetricsTest.scrape(registry))
                    .contains("# TYPE mesos_operator_test_dropped_total counter")
                    .contains("mesos_operator_test_dropped_total{cluster=\"a\"} 3.0")
                    .doesNotContain("refusing", "hanging");
        } finally {
            metrics.close();
        }
    }

    @Test
    void aFollowerExportsNothing() {
        PrometheusRegistry registry = new PrometheusRegistry();
        WorkloadMetrics metrics = new WorkloadMetrics(registry, () -> null, List.of(source(List.of(answering("a", 1)))),
                Duration.ofSeconds(15), Duration.ofSeconds(1));
        metrics.collect();
        assertThat(metrics.samples("mesos_operator_test_lag")).isEmpty();
    }

    @Test
    void aSampleMustCarryEveryLabel() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LAG.sample(1, "only-cluster"))
                .hasMessageContaining("mesos_operator_test_lag takes labels [cluster, group]");
    }

    @Test
    void aSeriesTwoKindsExportIsOneFamilyWithTheSamplesOfBoth() {
        Series heap = Series.gauge("mesos_operator_test_heap_bytes", "heap", "kind", "quantile");
        PrometheusRegistry registry = new PrometheusRegistry();
        WorkloadMetrics metrics = new WorkloadMetrics(registry, () -> TaskUsageTest.reads(List.of()),
                List.of(fixed(heap, new Target("x", () -> List.of(heap.sample(1, "X", "0.5")))),
                        fixed(heap, new Target("y", () -> List.of(heap.sample(2, "Y", "0.99"))))),
                Duration.ofSeconds(15), Duration.ofSeconds(1));
        try {
            metrics.collect();
            assertThat(OperatorMetricsTest.scrape(registry))
                    .contains("mesos_operator_test_heap_bytes{kind=\"X\",quantile=\"0.5\"} 1.0")
                    .contains("mesos_operator_test_heap_bytes{kind=\"Y\",quantile=\"0.99\"} 2.0");
        } finally {
            metrics.close();
        }
    }

    @Test
    void aSeriesDefinedTwiceDifferentlyIsRefused() {
        Series one = Series.gauge("mesos_operator_test_clash", "one", "kind");
        Series other = Series.gauge("mesos_operator_test_clash", "other", "resource");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WorkloadMetrics(new PrometheusRegistry(),
                        () -> null, List.of(fixed(one), fixed(other)), Duration.ofSeconds(15), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mesos_operator_test_clash");
    }

    private static io.mesosoperator.scheduler.kind.MetricsSource fixed(Series series, Target... targets) {
        return new io.mesosoperator.scheduler.kind.MetricsSource() {
            @Override
            public List<Series> series() {
                return List.of(series);
            }

            @Override
            public List<Target> targets(ResourceReads reads) {
                return List.of(targets);
            }
        };
    }
}
