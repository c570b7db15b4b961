package io.mesosoperator.scheduler.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.scheduler.anomaly.DetectorSettings;
import io.mesosoperator.scheduler.metrics.SeriesReader;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.OperatorEvent;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Series replayed through the monitor as the registry exports them (a real Prometheus registry,
 * read back by name): steady noisy series raise nothing; a step or a ramp raises Anomalous on the
 * resource its labels name, within a bounded number of points, with an event that carries the
 * evidence and the correlated changes; the condition turns False when the series recovers.
 */
class AnomalyMonitorTest {
    private static final Duration STEP = Duration.ofSeconds(15);
    private static final String LAG = "mesos_operator_kafka_consumer_group_lag";
    private static final String MEMORY = "mesos_operator_task_memory_bytes";
    private static final String CPU = "mesos_operator_task_cpu_seconds_total";
    private static final ResourceKey EVENTS = new ResourceKey("KafkaCluster", "events");
    private static final ResourceKey WEB = new ResourceKey("Service", "web");
    private static final DetectorSettings DETECTOR = DetectorSettings.DEFAULTS; // warm-up 30, sustain 5
    /** Points after a change by which a flag must be up: the sustained run plus a few. */
    private static final int BOUND = DETECTOR.sustain() + 5;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Gauge lag = Gauge.builder().name(LAG).help("lag").labelNames("kafkacluster", "group", "topic").register(registry);
    private final Gauge memory = Gauge.builder().name(MEMORY).help("rss").labelNames("kind", "resource", "instance").register(registry);
    private final Counter cpu = Counter.builder().name(CPU).help("cpu").labelNames("kind", "resource", "instance").register(registry);
    private final FakeOperator operator = new FakeOperator();
    private final AnomalyMonitor monitor = new AnomalyMonitor(new AnomalyMonitor.Settings(STEP, DETECTOR, Duration.ofMinutes(10),
            List.of(new WatchedSeries(MEMORY, Map.of(), 4 << 20), new WatchedSeries(CPU, Map.of(), 0.05),
                    new WatchedSeries(LAG, Map.of(), 10))),
            List.of("Service", "KafkaCluster", "CassandraCluster", "SparkJob", "AkkaService"), new SeriesReader(registry),
            operator::acting, operator.clock);

    AnomalyMonitorTest() {
        operator.add("KafkaCluster", "events");
        operator.add("Service", "web");
    }

    /** Sets each point in the registry, runs a monitor round, and moves the clock one interval on; the first flag's point or -1. */
    private int replay(int points, IntToDoubleFunction series, java.util.function.DoubleConsumer export, ResourceKey watched) {
        int flagged = -1;
        for (int i = 0; i < points; i++) {
            export.accept(series.applyAsDouble(i));
            monitor.round();
            if (flagged < 0 && !monitor.findings(watched).isEmpty()) {
                flagged = i;
            }
            operator.clock.advance(STEP);
        }
        return flagged;
    }

    /** Recorded-like consumer lag: a consumer keeping up, its lag a few dozen messages, jittering with each poll. */
    private static IntToDoubleFunction keepingUp(Random random) {
        return i -> Math.max(0, 40 + random.nextGaussian() * 12 + (random.nextInt(20) == 0 ? 60 : 0));
    }

    /** Recorded-like JVM resident memory: a heap that grows and is collected every 20 points, with jitter. */
    private static IntToDoubleFunction jvmResident(Random random) {
        return i -> 300e6 + (i % 20) * 2e6 + random.nextGaussian() * 1.5e6;
    }

    @Test
    void steadyNoisySeriesRaiseNothing() {
        Random random = new Random(1206);
        IntToDoubleFunction lagSeries = keepingUp(random);
        IntToDoubleFunction rss = jvmResident(random);
        int flagged = replay(3000, i -> i, i -> {
            int point = (int) i;
            lag.labelValues("events", "g", "t").set(lagSeries.applyAsDouble(point));
            memory.labelValues("Service", "web", "0").set(rss.applyAsDouble(point));
            cpu.labelValues("Service", "web", "0").inc(15 * (0.4 + random.nextGaussian() * 0.05)); // 0.4 cores, jittering
        }, EVENTS);

        assertThat(flagged).isEqualTo(-1);
        assertThat(monitor.findings(WEB)).isEmpty();
        assertThat(operator.events.values()).allSatisfy(events -> assertThat(events).isEmpty());
        assertThat(operator.anomalous(EVENTS)).isNull();
        assertThat(operator.anomalous(WEB)).isNull();
    }

    @Test
    void aStepInConsumerLagRaisesAnomalousOnTheKafkaClusterWithTheRestartRankedFirst() {
        Random random = new Random(7);
        IntToDoubleFunction normal = keepingUp(random);
        int stepAt = 200;
        Instant stepTime = operator.clock.instant().plus(STEP.multipliedBy(stepAt));
        // what happened around it: a restart just before, an older spec change, a scale of another resource
        operator.event(EVENTS, stepTime.minusSeconds(40), "Normal", "SpecConfigured", "generation 2 accepted (rolling update)");
        operator.event(EVENTS, stepTime.minusSeconds(20), "Warning", "InstanceFailed",
                "instance 2 task events-broker-2-x TASK_FAILED: Command terminated with signal Killed");
        operator.event(EVENTS, stepTime.minusSeconds(19), "Normal", "Launching", "instance 2 as task events-broker-2-y");
        operator.event(WEB, stepTime.minusSeconds(10), "Normal", "SpecScaled", "generation 3 accepted (scale)");

        int flagged = replay(stepAt + 40, i -> i < stepAt ? normal.applyAsDouble(i) : 25_000 + normal.applyAsDouble(i),
                v -> lag.labelValues("events", "g", "t").set(v), EVENTS);

        assertThat(flagged).isBetween(stepAt + DETECTOR.sustain() - 1, stepAt + BOUND);
        Finding finding = monitor.findings(EVENTS).get(0);
        assertThat(finding.selector()).isEqualTo(LAG + "{group=\"g\",kafkacluster=\"events\",topic=\"t\"}");
        assertThat(finding.anomaly().since()).isEqualTo(stepTime);
        assertThat(finding.anomaly().baseline()).isBetween(30.0, 60.0);
        assertThat(finding.correlated()).extracting(CorrelatedChange::reason)
                .containsExactly("InstanceFailed", "SpecConfigured", "SpecScaled"); // the launch is no cause
        assertThat(operator.anomalous(EVENTS).status()).isEqualTo("True");
        assertThat(operator.anomalous(EVENTS).reason()).isEqualTo("SustainedDeviation");
        assertThat(operator.anomalous(EVENTS).message()).contains(LAG, "above baseline", "since " + stepTime);
        assertThat(operator.anomalous(WEB)).isNull();
        List<OperatorEvent> detected = operator.eventsWith(EVENTS, AnomalyMonitor.DETECTED);
        assertThat(detected).singleElement().satisfies(e -> assertThat(e.message())
                .contains(LAG, "since " + stepTime, "(now 25", "correlated: " + stepTime.minusSeconds(20) + " restart KafkaCluster/events:"
                        + " instance 2 task events-broker-2-x TASK_FAILED"));

        // the lag drains: the flag clears after the recovery points, and the condition says so
        replay(10, i -> normal.applyAsDouble(i), v -> lag.labelValues("events", "g", "t").set(v), EVENTS);
        assertThat(monitor.findings(EVENTS)).isEmpty();
        assertThat(operator.anomalous(EVENTS).status()).isEqualTo("False");
        assertThat(operator.anomalous(EVENTS).reason()).isEqualTo("NoDeviation");
        assertThat(operator.eventsWith(EVENTS, AnomalyMonitor.CLEARED)).hasSize(1);
    }

    @Test
    void aRampInMemoryIsFlaggedWithinABoundedNumberOfPoints() {
        Random random = new Random(11);
        IntToDoubleFunction rss = jvmResident(random);
        int rampAt = 300;
        // a leak of 12 MB every point, about the sawtooth's standard deviation (11 MB): a ramp much slower
        // than the noise per point is followed by the baseline, taken as the normal drifting
        int flagged = replay(rampAt + 200, i -> rss.applyAsDouble(i) + Math.max(0, i - rampAt) * 12e6,
                v -> memory.labelValues("Service", "web", "1").set(v), WEB);

        assertThat(flagged).isGreaterThan(rampAt).isLessThan(rampAt + 40);
        assertThat(monitor.findings(WEB)).singleElement().satisfies(f -> {
            assertThat(f.labels()).containsEntry("instance", "1");
            assertThat(f.anomaly().since()).isAfter(operator.clock.instant().minus(STEP.multipliedBy(200)));
        });
        assertThat(operator.anomalous(WEB).status()).isEqualTo("True");
    }

    @Test
    void aCounterIsJudgedByItsRateAndARestartOfItIsNoAnomaly() {
        // a counter exported by a callback, as TaskUsage exports CPU time: its cumulative value starts again on a restart
        PrometheusRegistry own = new PrometheusRegistry();
        double[] total = {0};
        CounterWithCallback.builder().name("task_cpu_seconds").help("cpu").labelNames("kind", "resource", "instance")
                .callback(cb -> cb.call(total[0], "Service", "web", "0")).register(own);
        AnomalyMonitor rates = new AnomalyMonitor(new AnomalyMonitor.Settings(STEP, DETECTOR, Duration.ofMinutes(10),
                List.of(new WatchedSeries("task_cpu_seconds_total", Map.of(), 0.05))),
                List.of("Service"), new SeriesReader(own), operator::acting, operator.clock);
        Random random = new Random(3);
        int stepAt = 100;
        int flagged = -1;
        for (int p = 0; p < stepAt + 20; p++) {
            double cores = (p < stepAt ? 0.3 : 1.5) + random.nextGaussian() * 0.03;
            total[0] = p == 60 ? 0.5 : total[0] + 15 * cores; // point 60: the task restarted, its counter began again
            rates.round();
            if (flagged < 0 && !rates.findings(WEB).isEmpty()) {
                flagged = p;
            }
            operator.clock.advance(STEP);
        }

        assertThat(flagged).isBetween(stepAt + DETECTOR.sustain() - 1, stepAt + BOUND);
        Finding finding = rates.findings(WEB).get(0);
        assertThat(finding.selector()).startsWith("rate(task_cpu_seconds_total{");
        assertThat(finding.anomaly().baseline()).isBetween(0.25, 0.35);
        assertThat(finding.anomaly().value()).isBetween(1.3, 1.7);
    }

    @Test
    void seriesOfUnknownResourcesOrWithoutAResourceLabelAreNotWatched() {
        Gauge other = Gauge.builder().name("mesos_operator_kafka_under_replicated_partitions").help("urp")
                .labelNames("kafkacluster").register(registry);
        AnomalyMonitor urp = new AnomalyMonitor(new AnomalyMonitor.Settings(STEP, DETECTOR, Duration.ofMinutes(10),
                List.of(new WatchedSeries("mesos_operator_kafka_under_replicated_partitions", Map.of(), 0.2))),
                List.of("KafkaCluster"), new SeriesReader(registry), operator::acting, operator.clock);
        for (int i = 0; i < 100; i++) {
            other.labelValues("events").set(i < 50 ? 0 : 3);
            other.labelValues("gone").set(i < 50 ? 0 : 3);
            urp.round();
            operator.clock.advance(STEP);
        }
        assertThat(urp.findings(EVENTS)).singleElement().satisfies(f -> assertThat(f.anomaly().value()).isEqualTo(3));
        assertThat(urp.findings(new ResourceKey("KafkaCluster", "gone"))).isEmpty();
        assertThat(operator.anomalous(EVENTS).status()).isEqualTo("True");
    }

    @Test
    void aNewLeaderGoesOnFromTheDailyShapesTheLastOneKeptInTheStore() {
        java.util.concurrent.atomic.AtomicBoolean leading = new java.util.concurrent.atomic.AtomicBoolean(true);
        Duration minute = Duration.ofMinutes(1);
        AnomalyMonitor daily = new AnomalyMonitor(new AnomalyMonitor.Settings(minute, DETECTOR, Duration.ofMinutes(10),
                List.of(new WatchedSeries(LAG, Map.of(), 10))), List.of("KafkaCluster"), new SeriesReader(registry),
                () -> leading.get() ? operator.acting() : null, operator.clock);
        operator.clock.set(Instant.parse("2026-12-01T00:00:00Z"));
        Random random = new Random(5);
        // a nightly batch: lag about 100, 2,000 from 02:00 to 02:30; three days, a point a minute
        for (int p = 0; p < 3 * 1440; p++) {
            int minuteOfDay = p % 1440;
            lag.labelValues("events", "g", "t").set((minuteOfDay >= 120 && minuteOfDay < 150 ? 2000 : 100)
                    + random.nextGaussian() * 5);
            daily.round();
            operator.clock.advance(minute);
        }
        assertThat(daily.watching(EVENTS)).singleElement().satisfies(w -> assertThat(w.seasonal()).isTrue());
        assertThat(operator.profiles.get(EVENTS)).as("kept in the store").hasSize(1);

        leading.set(false); // deposed, then leading again: the detectors start afresh
        daily.round();
        assertThat(daily.watching(EVENTS)).isEmpty();
        leading.set(true);
        for (int p = 0; p < DETECTOR.warmUp() + 1; p++) {
            lag.labelValues("events", "g", "t").set(100 + random.nextGaussian() * 5);
            daily.round();
            operator.clock.advance(minute);
        }
        assertThat(daily.watching(EVENTS)).singleElement().satisfies(w -> {
            assertThat(w.warmedUp()).isTrue();
            assertThat(w.seasonal()).as("the daily pattern, known at once from the kept shape").isTrue();
        });
    }
}
