package io.mesosoperator.scheduler.kind;

import io.mesosoperator.scheduler.spec.FieldError;
import io.mesosoperator.scheduler.spec.KindDefinition;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the kinds that run a JVM workload from a fetched distribution share (KafkaCluster,
 * CassandraCluster, AkkaService): the recovery policy, the distribution used when a spec names
 * none, the probe that watches the running software, and the checks every such spec needs.
 */
public abstract class WorkloadReconciler<P extends PollingProbe<?, ?>> implements Reconciler {
    private final KindDefinition kind;
    protected final RecoveryPolicy policy;
    /** The tarball URI for specs that name none; null when the operator has none (they must). */
    protected final String defaultDistribution;
    protected final P probe;

    protected WorkloadReconciler(KindDefinition kind, RecoveryPolicy policy, String defaultDistribution, P probe) {
        this.kind = kind;
        this.policy = policy;
        this.defaultDistribution = defaultDistribution;
        this.probe = probe;
    }

    @Override
    public KindDefinition kind() {
        return kind;
    }

    @Override
    public void bind(Consumer<ResourceKey> enqueue) {
        probe.bind(enqueue);
    }

    /** The JVM needs memory beyond its heap: a heap of all the task's memory is killed by the OOM killer. */
    protected static void checkHeap(List<FieldError> errors, double heapMb, double memMb) {
        checkHeap(errors, "spec.heap", heapMb, "spec.mem", memMb);
    }

    /** The heap field must be below the memory it runs in ({@code memName}: how the message names it). */
    protected static void checkHeap(List<FieldError> errors, String heapField, double heapMb, String memName, double memMb) {
        if (heapMb >= memMb) {
            errors.add(FieldError.of(heapField, "must be below " + memName + " (" + (long) memMb + " MiB): the JVM needs"
                    + " memory beyond its heap"));
        }
    }

    /** A spec without a distribution needs the operator's default ({@code workloads.<configKey>}). */
    protected void checkDistribution(List<FieldError> errors, String field, String given, String configKey) {
        if (given == null && defaultDistribution == null) {
            errors.add(FieldError.of("spec." + field, "is required: the operator has no default (workloads." + configKey + ")"));
        }
    }
}
