package io.mesosoperator.scheduler.metrics;

import io.mesosoperator.scheduler.store.ResourceReads;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The operator's metrics, shared by every leadership term, on the Prometheus Java client and named
 * as Prometheus asks: base units ({@code _seconds}), counters ending in {@code _total}, what varies
 * (the resource kind, the task state) as labels rather than in names, durations as histograms so
 * that several operators' series aggregate. Served in the text format on the admin port
 * ({@code /metrics/prometheus}) beside the standard {@code jvm_*} metrics.
 */
public final class OperatorMetrics {
    private static final String KIND = "kind";

    private final Counter offersReceived;
    private final Counter offersDeclined;
    private final Counter offersUsed;
    private final Counter launches;
    private final Counter kills;
    private final Counter failures;
    private final Histogram reconcile;
    private final Histogram planStep;
    private final Counter terms;
    /** How long the last explicit reconciliation took (subscription to every known task answered); -1 before one. */
    private final AtomicLong lastReconciliationNanos = new AtomicLong(-1);

    /**
     * @param acting the acting term's reads (null while this instance does not lead), for tasks by kind and state
     * @param kinds every registered kind, so that each has a series from the start
     */
    public OperatorMetrics(PrometheusRegistry registry, Collection<String> kinds, Supplier<ResourceReads> acting,
                           BooleanSupplier leading) {
        offersReceived = Counter.builder().name("mesos_operator_offers_received_total")
                .help("Offers received from the Mesos master").register(registry);
        offersDeclined = Counter.builder().name("mesos_operator_offers_declined_total")
                .help("Offers declined (nothing to launch on them)").register(registry);
        offersUsed = Counter.builder().name("mesos_operator_offers_used_total")
                .help("Offers accepted with at least one operation").register(registry);
        launches = Counter.builder().name("mesos_operator_tasks_launched_total").help("Tasks launched")
                .labelNames(KIND).register(registry);
        kills = Counter.builder().name("mesos_operator_tasks_killed_total").help("Task kills sent")
                .labelNames(KIND).register(registry);
        failures = Counter.builder().name("mesos_operator_tasks_failed_total")
                .help("Tasks that ended unexpectedly (not killed, not a job's own end)").labelNames(KIND).register(registry);
        reconcile = Histogram.builder().name("mesos_operator_reconcile_duration_seconds")
                .help("Time of one reconcile pass of one resource").unit(Unit.SECONDS).labelNames(KIND)
                .classicOnly().classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
                .register(registry);
        planStep = Histogram.builder().name("mesos_operator_plan_step_duration_seconds")
                .help("From a deploy step's launch to its instance being ready with the new configuration")
                .unit(Unit.SECONDS).labelNames(KIND)
                .classicOnly().classicUpperBounds(0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)
                .register(registry);
        terms = Counter.builder().name("mesos_operator_leadership_terms_total")
                .help("Leadership terms this instance began; more than one means it lost and regained leadership")
                .register(registry);
        kinds.forEach(kind -> {
            launches.labelValues(kind);
            kills.labelValues(kind);
            failures.labelValues(kind);
        });
        GaugeWithCallback.builder().name("mesos_operator_reconciliation_last_duration_seconds")
                .help("How long the last explicit task reconciliation with Mesos took; -1 before one").unit(Unit.SECONDS)
                .callback(cb -> {
                    long nanos = lastReconciliationNanos.get();
                    cb.call(nanos < 0 ? -1 : nanos / 1e9);
                }).register(registry);
        GaugeWithCallback.builder().name("mesos_operator_leader").help("1 while this instance leads and acts, else 0")
                .callback(cb -> cb.call(leading.getAsBoolean() ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("mesos_operator_tasks")
                .help("Tasks the operator knows, by resource kind and last Mesos state").labelNames(KIND, "state")
                .callback(cb -> tasksByKindAndState(acting.get(), kinds)
                        .forEach((kindAndState, n) -> cb.call(n, kindAndState.get(0), kindAndState.get(1))))
                .register(registry);
    }

    /**
     * One pass over the task records per scrape: every kind has a TASK_RUNNING series (0 when none
     * runs), so that a dashboard shows a line where there is nothing yet; other states appear when
     * a task is in them.
     */
    static Map<List<String>, Long> tasksByKindAndState(ResourceReads reads, Collection<String> kinds) {
        Map<List<String>, Long> counts = new java.util.TreeMap<>(java.util.Comparator.comparing((List<String> l) -> l.get(0))
                .thenComparing(l -> l.get(1)));
        kinds.forEach(kind -> counts.put(List.of(kind, "TASK_RUNNING"), 0L));
        if (reads != null) {
            counts.putAll(reads.tasks().stream().collect(Collectors.groupingBy(
                    t -> List.of(t.resourceKey().kind(), t.state()), Collectors.counting())));
        }
        return counts;
    }

    /** A leadership term began (this instance leads and acts from now on). */
    public void termBegan() {
        terms.inc();
    }

    public void offersReceived(int n) {
        offersReceived.inc(n);
    }

    public void offersDeclined(int n) {
        offersDeclined.inc(n);
    }

    public void offerUsed() {
        offersUsed.inc();
    }

    public void launched(String kind) {
        launches.labelValues(kind).inc();
    }

    public void killed(String kind) {
        kills.labelValues(kind).inc();
    }

    public void failed(String kind) {
        failures.labelValues(kind).inc();
    }

    public void reconciled(String kind, long nanos) {
        reconcile.labelValues(kind).observe(nanos / 1e9);
    }

    public void planStepCompleted(String kind, Duration took) {
        planStep.labelValues(kind).observe(took.toNanos() / 1e9);
    }

    public void reconciliationTook(long nanos) {
        lastReconciliationNanos.set(nanos);
    }
}
