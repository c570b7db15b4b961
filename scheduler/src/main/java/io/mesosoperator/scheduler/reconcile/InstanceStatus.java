package io.mesosoperator.scheduler.reconcile;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One instance ("pod") of a resource as users see it, and the crash history the restart backoff
 * is computed from (kept in the status, so it survives an operator restart).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InstanceStatus(
        int instance,
        String taskId,
        String state,
        boolean ready,
        String agentId,
        int restarts,
        int consecutiveFailures,
        String lastExit,
        String lastFailureTime,
        String nextLaunchTime) {

    public static InstanceStatus fresh(int instance) {
        return new InstanceStatus(instance, null, null, false, null, 0, 0, null, null, null);
    }

    public InstanceStatus withTask(String newTaskId, String newState, boolean newReady, String newAgentId, String next) {
        return new InstanceStatus(instance, newTaskId, newState, newReady, newAgentId, restarts, consecutiveFailures,
                lastExit, lastFailureTime, next);
    }

    public InstanceStatus failed(String exit, String time) {
        return new InstanceStatus(instance, taskId, state, false, agentId, restarts + 1, consecutiveFailures + 1, exit,
                time, nextLaunchTime);
    }

    public InstanceStatus healthyAgain() {
        return new InstanceStatus(instance, taskId, state, ready, agentId, restarts, 0, lastExit, lastFailureTime,
                nextLaunchTime);
    }
}
