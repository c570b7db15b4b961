package io.mesosoperator.scheduler.kind;

import io.mesosoperator.scheduler.spec.KindDefinition;
import io.mesosoperator.scheduler.spec.Resource;
import java.time.Instant;

/**
 * The reconcile chain of the kinds that run a workload watched by a probe (KafkaCluster,
 * CassandraCluster, AkkaService): resolve the spec's references ({@link ResolvedSpec}) and bind it,
 * let the kind say what it wants ({@link #desire}), keep one ready task per pod ({@link InstanceSet}),
 * then add what the kind reports and when to look again ({@link Desired}). A kind states its data and the steps in which it differs; the rest is here.
 *
 * @param <S> the kind's spec, as its schema defines it (defaults applied)
 * @param <P> the kind's probe
 */
public abstract class WorkloadKind<S, P extends PollingProbe<?, ?>> extends WorkloadReconciler<P> {
    private final SpecReader<S> specs;

    protected WorkloadKind(KindDefinition kind, Class<S> specType, RecoveryPolicy policy, String defaultDistribution,
                           P probe) {
        super(kind, policy, defaultDistribution, probe);
        this.specs = new SpecReader<>(kind, specType);
    }

    @Override
    public final ReconcileResult reconcile(Resource resource, Observed observed, Instant now) {
        // the kind sees its spec with the values its references take (so does the configuration hash)
        ResolvedSpec resolved = ResolvedSpec.of(resource, observed.others());
        Reconciliation r = new Reconciliation(resolved.resource(), observed, now, policy);
        Desired desired = desire(spec(resolved.resource()), r);
        ReconcileResult shared = InstanceSet.reconcile(resolved.resource(), desired.pods(), desired.strategy(),
                resolved.gate(desired.readiness()), observed, policy, now);
        return desired.complete(shared, r);
    }

    /** What the kind wants of this resource now; may tell its probe what to watch. */
    protected abstract Desired desire(S spec, Reconciliation r);

    /** The resource's spec, bound to the kind's type, with the defaults its schema declares today. */
    protected S spec(Resource resource) {
        return specs.read(resource);
    }

    /** The distribution a spec runs: the one it names, else the operator's default. */
    protected String distribution(String named) {
        return named != null ? named : defaultDistribution;
    }
}
