package io.mesosoperator.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.scheduler.SettableClock;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsHistoryTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-06T21:00:00Z"));

    @Test
    void keepsTheLastSamplesOfEverySeriesAsExported() {
        Gauge tasks = Gauge.builder().name("mesos_operator_tasks").help("t").labelNames("kind", "state").register(registry);
        Counter failed = Counter.builder().name("mesos_operator_tasks_failed_total").help("f").labelNames("kind").register(registry);
        Gauge other = Gauge.builder().name("something_else").help("not kept").register(registry);
        other.set(7);
        MetricsHistory history = new MetricsHistory(new SeriesReader(registry), MetricsHistory.SERIES, Duration.ofSeconds(10), 3, clock);

        for (int i = 1; i <= 4; i++) {
            tasks.labelValues("Service", "TASK_RUNNING").set(i);
            failed.labelValues("Service").inc();
            history.sample();
            clock.advance(Duration.ofSeconds(10));
        }

        List<MetricsHistory.Series> series = history.series();
        assertThat(series).extracting(MetricsHistory.Series::name)
                .containsExactly("mesos_operator_tasks", "mesos_operator_tasks_failed_total");
        MetricsHistory.Series running = series.get(0);
        assertThat(running.labels()).isEqualTo(Map.of("kind", "Service", "state", "TASK_RUNNING"));
        // the oldest of the four samples is gone: 3 kept
        assertThat(running.points()).extracting(p -> p[1]).containsExactly(2.0, 3.0, 4.0);
        assertThat(running.points().get(0)[0]).isEqualTo((double) Instant.parse("2026-12-06T21:00:10Z").toEpochMilli());
        assertThat(series.get(1).points()).extracting(p -> p[1]).containsExactly(2.0, 3.0, 4.0);
    }
}
