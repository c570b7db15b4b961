package io.mesosoperator.scheduler.reconcile;

import com.codahale.metrics.CachedGauge;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos.TaskState;

/**
 * The operator's metrics, shared by every leadership term: offers received, declined and used,
 * launches and failures, reconcile and plan step durations, tasks per kind and Mesos state, leadership. Exported
 * by Dropwizard (/metrics) and in Prometheus text format (/metrics/prometheus, admin port).
 */
public final class OperatorMetrics {
    private static final String PREFIX = "mesos_operator.";

    final Meter offersReceived;
    final Meter offersDeclined;
    final Meter offersUsed;
    final Meter launches;
    final Meter kills;
    final Meter failures;
    final Timer reconcile;
    /** From a deploy step's launch to its instance being ready with the new configuration. */
    final Timer planStep;
    /** How long the last explicit reconciliation took (subscription to every known task answered); -1 before one. */
    final java.util.concurrent.atomic.AtomicLong lastReconciliationMillis = new java.util.concurrent.atomic.AtomicLong(-1);

    public OperatorMetrics(MetricRegistry registry, Collection<String> kinds, Supplier<ResourceReads> acting,
                           BooleanSupplier leading) {
        offersReceived = registry.meter(PREFIX + "offers.received");
        offersDeclined = registry.meter(PREFIX + "offers.declined");
        offersUsed = registry.meter(PREFIX + "offers.used");
        launches = registry.meter(PREFIX + "tasks.launched");
        kills = registry.meter(PREFIX + "tasks.killed");
        failures = registry.meter(PREFIX + "tasks.failed");
        reconcile = registry.timer(PREFIX + "reconcile.duration");
        planStep = registry.timer(PREFIX + "plan.step.duration");
        registry.gauge(PREFIX + "reconciliation.last_millis", () -> (Gauge<Long>) lastReconciliationMillis::get);
        registry.gauge(PREFIX + "leader", () -> (Gauge<Integer>) () -> leading.getAsBoolean() ? 1 : 0);
        // one pass over the task records per scrape (at most once a second), shared by the kinds x states
        // gauges: each used to list (and, on a follower, read from ZooKeeper) every task itself
        CachedGauge<Map<String, Long>> perKindAndState = new CachedGauge<>(1, TimeUnit.SECONDS) {
            @Override
            protected Map<String, Long> loadValue() {
                ResourceReads reads = acting.get();
                return reads == null ? Map.of() : reads.tasks().stream().collect(Collectors.groupingBy(
                        t -> t.resource().substring(0, t.resource().indexOf('/') + 1) + t.state(), Collectors.counting()));
            }
        };
        for (String kind : kinds) {
            for (TaskState state : TaskState.values()) {
                String key = kind + "/" + state.name();
                registry.gauge(PREFIX + "tasks." + kind.toLowerCase() + "." + state.name().toLowerCase(),
                        () -> (Gauge<Long>) () -> perKindAndState.getValue().getOrDefault(key, 0L));
            }
        }
    }
}
