package io.mesosoperator.scheduler.monitor;

import java.util.Map;

/**
 * A family of exported series the anomaly monitor watches: every series of the metric {@code name}
 * whose labels include {@code labels}, each with a baseline of its own. A counter (a name ending in
 * {@code _total}, as Prometheus names them) is judged by its rate per second, anything else by its value.
 *
 * @param name          the exported name, e.g. {@code mesos_operator_task_memory_bytes}
 * @param labels        labels a series must carry to be watched (empty: all of the family)
 * @param absoluteFloor the smallest robust standard deviation this family's baselines assume, in the
 *                      series' unit (bytes, cores, messages): changes well below it are never anomalies
 */
public record WatchedSeries(String name, Map<String, String> labels, double absoluteFloor) {
    public WatchedSeries {
        if (name == null || !name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException("watched series name must be a Prometheus metric name, got '" + name + "'");
        }
        if (!(absoluteFloor > 0)) {
            throw new IllegalArgumentException("absoluteFloor of " + name + " must be positive, got " + absoluteFloor);
        }
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** Whether the family is a counter, judged by its rate. */
    public boolean rate() {
        return name.endsWith("_total");
    }
}
