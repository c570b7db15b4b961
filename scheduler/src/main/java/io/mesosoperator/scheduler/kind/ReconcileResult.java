package io.mesosoperator.scheduler.kind;

import io.mesosoperator.scheduler.store.ResourceStatus;
import java.time.Duration;
import java.util.List;

/**
 * What one reconciliation decided: pods that should be waiting for an offer now, tasks to kill
 * (with why), the status to publish, when to look again even if nothing happens, and stateful
 * instances that give up their volume on an agent lost for good.
 */
public record ReconcileResult(List<PodSpec> launches, List<Kill> kills, ResourceStatus status, Duration requeueAfter,
                              List<Relocation> relocations) {
    public ReconcileResult(List<PodSpec> launches, List<Kill> kills, ResourceStatus status, Duration requeueAfter) {
        this(launches, kills, status, requeueAfter, List.of());
    }

    /** The same result publishing another status. */
    public ReconcileResult withStatus(ResourceStatus next) {
        return new ReconcileResult(launches, kills, next, requeueAfter, relocations);
    }

    public record Kill(String taskId, String agentId, String reason) {}

    /**
     * A stateful instance whose agent is lost for good: the reservation and volume it holds on
     * {@code lostAgentId} are given up (forgotten; destroyed if that agent ever offers again), so its
     * next launch goes to any agent with a new, empty volume. Ignored once the instance holds a
     * reservation elsewhere (or none), so repeating it is harmless. Only for kinds whose data
     * survives elsewhere (a Cassandra node's replicas, once the lost node left the ring): for
     * others it would lose the data.
     */
    public record Relocation(int instance, String lostAgentId, String reason) {}
}
