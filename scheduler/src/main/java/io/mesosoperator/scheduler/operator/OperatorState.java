package io.mesosoperator.scheduler.operator;

import io.mesosoperator.scheduler.kind.Reconciler;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.PlanState;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.StatusReads;
import io.mesosoperator.scheduler.tasks.TaskTable;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What the acting operator knows, in memory, loaded from ZooKeeper when its term begins: the
 * desired state, the status and plan decisions of each resource, its tasks, and the kinds it
 * runs. API threads read it; the loop thread changes it, except the desired state, which the
 * API's spec writes change (one at a time).
 */
final class OperatorState implements StatusReads {
    final ConcurrentMap<ResourceKey, Resource> resources = new ConcurrentHashMap<>(); // API threads (under lock)
    final ConcurrentMap<ResourceKey, ResourceStatus> statuses = new ConcurrentHashMap<>(); // loop

    /** The acting operator's own picture, which references between resources read. */
    @Override
    public Resource resource(ResourceKey key) {
        return resources.get(key);
    }

    @Override
    public ResourceStatus status(ResourceKey key) {
        return statuses.get(key);
    }
    final TaskTable tasks = new TaskTable(); // loop
    final ConcurrentMap<ResourceKey, PlanState> plans = new ConcurrentHashMap<>(); // loop
    /** Conditions no kind computes (Anomalous), put into every status. */
    final OwnedConditions ownedConditions = new OwnedConditions(java.util.Set.of(
            io.mesosoperator.scheduler.store.Condition.ANOMALOUS));
    private final Map<String, Reconciler> reconcilers = new LinkedHashMap<>();

    OperatorState(Collection<Reconciler> kinds) {
        kinds.forEach(r -> reconcilers.put(r.kind().kind(), r));
    }

    /** The reconciler of a kind (by its name, e.g. "KafkaCluster"). */
    Reconciler reconciler(String kind) {
        return reconcilers.get(kind);
    }

    Collection<Reconciler> reconcilers() {
        return reconcilers.values();
    }
}
