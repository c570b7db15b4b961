package io.mesosoperator.scheduler.reconcile;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.Collection;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
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
        for (String kind : kinds) {
            for (TaskState state : TaskState.values()) {
                registry.gauge(PREFIX + "tasks." + kind.toLowerCase() + "." + state.name().toLowerCase(), () -> (Gauge<Long>) () -> {
                    ResourceReads reads = acting.get();
                    return reads == null ? 0L : reads.tasks().stream()
                            .filter(t -> t.state().equals(state.name()) && t.resource().startsWith(kind + "/")).count();
                });
            }
        }
    }
}
