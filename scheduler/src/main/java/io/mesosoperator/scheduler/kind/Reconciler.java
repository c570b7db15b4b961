package io.mesosoperator.scheduler.kind;

import io.mesosoperator.scheduler.spec.FieldError;
import io.mesosoperator.scheduler.spec.KindDefinition;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.store.PlanState;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.StatusReads;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * One per kind. Given the accepted resource and what Mesos reports of its tasks, decides what to
 * launch and kill and what the status says. Must be idempotent and free of side effects: the
 * Operator carries out the result (DESIGN.md section 3).
 */
public interface Reconciler {
    KindDefinition kind();

    ReconcileResult reconcile(Resource resource, Observed observed, Instant now);

    /** Where the kind's own observers (e.g. Kafka's AdminClient) enqueue a resource whose picture changed. */
    default void bind(java.util.function.Consumer<io.mesosoperator.scheduler.spec.ResourceKey> enqueue) {
    }

    /** Checks beyond the schema (cross-field, against the operator's Mesos role); empty when fine. */
    default List<FieldError> check(Resource resource, String role) {
        return List.of();
    }

    /**
     * The checks of an apply: those of {@link #check(Resource, String)}, and what this kind refuses
     * to change in the running resource ({@code running}; null when the resource is new) beyond its
     * {@link KindDefinition#fixedFields()}. Empty when fine.
     */
    default List<FieldError> check(Resource resource, Resource running, String role) {
        return check(resource, role);
    }

    /**
     * A task of this resource reached a terminal state (killed by the operator or not). Kinds that
     * run to completion (jobs) record the outcome here and return the status to keep (stored at
     * once, like a crash); null (the default) means the shared rule: a task that ended without a
     * kill request is a crash of its instance, restarted with backoff.
     */
    default ResourceStatus taskEnded(Resource resource, ResourceStatus status, TaskRecord ended, Instant now) {
        return null;
    }

    /**
     * The user asked to kill this resource's current work without a retry (`kill KIND NAME`):
     * returns the status that records it (the next reconciliation kills the tasks), or null when
     * the kind has no such thing (only jobs do).
     */
    default ResourceStatus killRequested(Resource resource, ResourceStatus status, Instant now) {
        return null;
    }

    /**
     * A call of this kind's own API on the resource's running work ({@link KindCall}); null (the
     * default) when the kind has no such calls.
     */
    default KindCall.Answer call(Resource resource, ResourceStatus status, KindCall call, Instant now) {
        return null;
    }

    /**
     * What the operator observed of one resource when reconciling it, what users decided about its
     * plan, and the other resources as its references read them ({@code others}).
     */
    record Observed(List<TaskRecord> tasks, ResourceStatus previousStatus, Set<Integer> launchesInFlight, PlanState plan,
                    StatusReads others) {
        public Observed(List<TaskRecord> tasks, ResourceStatus previousStatus, Set<Integer> launchesInFlight, PlanState plan) {
            this(tasks, previousStatus, launchesInFlight, plan, StatusReads.NONE);
        }

        public Observed(List<TaskRecord> tasks, ResourceStatus previousStatus, Set<Integer> launchesInFlight) {
            this(tasks, previousStatus, launchesInFlight, PlanState.INITIAL);
        }
    }
}
