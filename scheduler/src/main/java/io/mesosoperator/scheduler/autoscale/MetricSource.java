package io.mesosoperator.scheduler.autoscale;

import io.mesosoperator.scheduler.autoscale.HorizontalScaler.Reading;
import io.mesosoperator.scheduler.metrics.SeriesReader;
import io.mesosoperator.scheduler.spec.AutoscaleSpec;
import io.mesosoperator.scheduler.spec.AutoscaleSpec.Metric;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value of one resource's autoscale metric, read from the operator's exported series
 * ({@link SeriesReader}: what Prometheus scrapes), as a {@link Reading} comparable to the target;
 * null when there is none (the scaler then changes nothing). One per resource: the CPU rate needs
 * the counters' earlier values.
 */
final class MetricSource {
    static final String TASK_CPU = "mesos_operator_task_cpu_seconds_total";
    /** Exported by the Kafka workload metrics; referenced by name only. */
    static final String KAFKA_LAG = "mesos_operator_kafka_consumer_group_lag";
    /** One series per partition of a topic: their count is the most consumers that can share the lag. */
    static final String KAFKA_LOG_END_OFFSET = "mesos_operator_kafka_log_end_offset";

    private record Point(Instant at, double cpuSeconds) {}

    private final Map<String, Deque<Point>> cpuByInstance = new HashMap<>();

    /** The reading now; {@code replicas} the current count (for averages per instance). */
    Reading read(SeriesReader series, ResourceKey key, AutoscaleSpec spec, int replicas, Instant now) {
        Metric m = spec.metric();
        return switch (m.type()) {
            case Metric.CPU -> cpu(series, key, spec, now);
            case Metric.KAFKA_LAG -> kafkaLag(series, m, replicas);
            default -> series(series, m, replicas);
        };
    }

    /** What the metric is, for the status and events. */
    static String describe(Metric m) {
        return switch (m.type()) {
            case Metric.CPU -> "CPU cores per instance (rate of " + TASK_CPU + ")";
            case Metric.KAFKA_LAG -> "lag per instance of consumer group " + m.group() + " on "
                    + (m.topic() == null ? "its topics" : "topic " + m.topic()) + " of KafkaCluster " + m.kafkaCluster();
            default -> m.name() + (m.labels().isEmpty() ? "" : m.labels().toString().replace('=', ':'))
                    + (m.perInstance() ? " per instance" : " in total");
        };
    }

    private static Reading series(SeriesReader series, Metric m, int replicas) {
        List<SeriesReader.Sample> samples = series.read(m.name(), m.labels());
        if (samples.isEmpty()) {
            return null;
        }
        double total = samples.stream().mapToDouble(SeriesReader.Sample::value).sum();
        return new Reading(m.perInstance() ? total / Math.max(1, replicas) : total);
    }

    /** KEDA's Kafka scaler: ceil(total lag / lag per instance), no more instances than the topic has partitions. */
    private static Reading kafkaLag(SeriesReader series, Metric m, int replicas) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("kafkacluster", m.kafkaCluster());
        labels.put("group", m.group());
        if (m.topic() != null) {
            labels.put("topic", m.topic());
        }
        List<SeriesReader.Sample> lags = series.read(KAFKA_LAG, labels);
        if (lags.isEmpty()) {
            return null;
        }
        double total = lags.stream().mapToDouble(SeriesReader.Sample::value).sum();
        Integer cap = null;
        if (m.topic() != null) {
            List<SeriesReader.Sample> partitions = series.read(KAFKA_LOG_END_OFFSET,
                    Map.of("kafkacluster", m.kafkaCluster(), "topic", m.topic()));
            if (!partitions.isEmpty()) {
                cap = partitions.size();
            }
        }
        return new Reading(total / Math.max(1, replicas), cap, cap == null ? null : cap + " partitions of topic " + m.topic());
    }

    /**
     * CPU cores per instance: each instance's CPU-seconds counter over a window of three decision
     * intervals (at least 3 s, as Prometheus' rate() over a range), averaged over the instances
     * with a rate. A counter that went down (the instance's task was replaced) starts afresh.
     */
    private Reading cpu(SeriesReader series, ResourceKey key, AutoscaleSpec spec, Instant now) {
        Duration window = Duration.ofMillis((long) (Math.max(3, 3 * spec.intervalSeconds()) * 1000));
        Map<String, Deque<Point>> seen = new HashMap<>();
        for (SeriesReader.Sample s : series.read(TASK_CPU, Map.of("kind", key.kind(), "resource", key.name()))) {
            String instance = s.labels().get("instance");
            Deque<Point> points = cpuByInstance.getOrDefault(instance, new ArrayDeque<>());
            if (!points.isEmpty() && s.value() < points.peekLast().cpuSeconds()) {
                points.clear();
            }
            points.addLast(new Point(now, s.value()));
            while (points.size() > 2 && points.peekFirst().at().isBefore(now.minus(window))) {
                points.removeFirst();
            }
            seen.put(instance, points);
        }
        cpuByInstance.clear();
        cpuByInstance.putAll(seen);
        double sum = 0;
        int measured = 0;
        for (Deque<Point> points : seen.values()) {
            Point first = points.peekFirst();
            Point last = points.peekLast();
            if (points.size() >= 2 && last.at().isAfter(first.at())) {
                sum += (last.cpuSeconds() - first.cpuSeconds()) / ((last.at().toEpochMilli() - first.at().toEpochMilli()) / 1000.0);
                measured++;
            }
        }
        return measured == 0 ? null : new Reading(sum / measured);
    }
}
