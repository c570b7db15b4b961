package io.mesosoperator.scheduler.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recent past of a few exported series, for the dashboard's charts: every interval they are
 * read back from the registry ({@link SeriesReader}, so a chart shows what Prometheus would scrape,
 * by the same names and labels) and the last {@code points} samples are kept, in memory only. Not a
 * time-series store: a restarted operator starts its history afresh; Prometheus keeps the long view.
 */
public final class MetricsHistory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsHistory.class);
    /** Tasks by kind and state, launches and unexpected ends (each one a restart of its instance) by kind. */
    public static final List<String> SERIES = List.of("mesos_operator_tasks", "mesos_operator_tasks_launched_total",
            "mesos_operator_tasks_failed_total", "mesos_operator_kafka_consumer_group_lag",
            "mesos_operator_cassandra_read_latency_seconds", "mesos_operator_cassandra_write_latency_seconds");

    /** One series over time: its name, labels and [epoch millis, value] points, oldest first. */
    public record Series(String name, Map<String, String> labels, List<double[]> points) {}

    private record Snapshot(long time, List<SeriesReader.Sample> samples) {}

    private final SeriesReader reader;
    private final List<String> names;
    private final Duration interval;
    private final int points;
    private final Clock clock;
    private final Deque<Snapshot> snapshots = new ArrayDeque<>();
    private final Rounds rounds;

    public MetricsHistory(SeriesReader reader, List<String> names, Duration interval, int points, Clock clock) {
        this.reader = reader;
        this.names = List.copyOf(names);
        this.interval = interval;
        this.rounds = new Rounds("metrics-history", Duration.ZERO, interval, this::sample);
        this.points = points;
        this.clock = clock;
    }

    public Duration interval() {
        return interval;
    }

    /** How many samples are kept. */
    public int points() {
        return points;
    }

    public void start() {
        rounds.start();
    }

    @Override
    public void close() {
        rounds.close();
    }

    /** Reads every kept series now and drops the oldest sample beyond {@code points}. */
    void sample() {
        List<SeriesReader.Sample> now = new ArrayList<>();
        names.forEach(name -> now.addAll(reader.read(name, Map.of())));
        Snapshot snapshot = new Snapshot(clock.millis(), List.copyOf(now));
        synchronized (snapshots) {
            snapshots.addLast(snapshot);
            while (snapshots.size() > points) {
                snapshots.removeFirst();
            }
        }
    }

    /** Every series seen in the kept samples, each with a point per sample it was in. */
    public List<Series> series() {
        List<Snapshot> copy;
        synchronized (snapshots) {
            copy = List.copyOf(snapshots);
        }
        Map<String, Series> byKey = new LinkedHashMap<>();
        for (Snapshot s : copy) {
            for (SeriesReader.Sample sample : s.samples()) {
                byKey.computeIfAbsent(sample.name() + sample.labels(), k -> new Series(sample.name(), sample.labels(), new ArrayList<>()))
                        .points().add(new double[] {s.time(), sample.value()});
            }
        }
        return List.copyOf(byKey.values());
    }
}
