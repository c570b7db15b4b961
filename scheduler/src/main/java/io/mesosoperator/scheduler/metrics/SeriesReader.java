package io.mesosoperator.scheduler.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the current value of exported series back from the registry, so that whatever watches a
 * series (anomaly detection, autoscaling) sees exactly what Prometheus would scrape, by the same
 * name and labels, and any series a collector exports can be watched without code of its own.
 * Gauges and counters only: a counter is read by its exported name, with or without {@code _total}.
 */
public final class SeriesReader {
    /** One series: its labels (in the order exported) and its value at the time of the read. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final PrometheusRegistry registry;

    public SeriesReader(PrometheusRegistry registry) {
        this.registry = registry;
    }

    /**
     * Every series of the metric {@code name} whose labels include all of {@code matching}
     * (an empty map matches all); empty when no such metric is registered.
     */
    public List<Sample> read(String name, Map<String, String> matching) {
        String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
        List<Sample> samples = new ArrayList<>();
        for (MetricSnapshot snapshot : registry.scrape(n -> n.equals(base) || n.equals(name))) {
            if (!snapshot.getMetadata().getPrometheusName().equals(base)) {
                continue;
            }
            for (DataPointSnapshot point : snapshot.getDataPoints()) {
                Double value = valueOf(point);
                if (value == null) {
                    continue;
                }
                Map<String, String> labels = new LinkedHashMap<>();
                for (Label label : point.getLabels()) {
                    labels.put(label.getName(), label.getValue());
                }
                if (labels.entrySet().containsAll(matching.entrySet())) {
                    samples.add(new Sample(name, labels, value));
                }
            }
        }
        return samples;
    }

    private static Double valueOf(DataPointSnapshot point) {
        if (point instanceof GaugeSnapshot.GaugeDataPointSnapshot gauge) {
            return gauge.getValue();
        }
        if (point instanceof CounterSnapshot.CounterDataPointSnapshot counter) {
            return counter.getValue();
        }
        return null;
    }
}
