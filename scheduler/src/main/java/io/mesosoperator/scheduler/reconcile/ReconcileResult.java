package io.mesosoperator.scheduler.reconcile;

import java.time.Duration;
import java.util.List;

/**
 * What one reconciliation decided: pods that should be waiting for an offer now, tasks to kill
 * (with why), the status to publish, and when to look again even if nothing happens.
 */
public record ReconcileResult(List<PodSpec> launches, List<Kill> kills, ResourceStatus status, Duration requeueAfter) {
    public record Kill(String taskId, String agentId, String reason) {}
}
