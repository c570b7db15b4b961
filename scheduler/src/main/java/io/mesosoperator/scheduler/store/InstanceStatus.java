package io.mesosoperator.scheduler.store;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One instance ("pod") of a resource as users see it, and the crash history the restart backoff
 * is computed from (kept in the status, so it survives an operator restart). {@code deployedConfig}
 * is the configuration the instance last became ready with: when its task dies later, bringing it
 * back is recovery, which no plan strategy holds back. {@code heldBy} says why the plan does not
 * deploy this instance yet (serial order, canary, paused); {@code waitingFor} why its running task
 * does not serve yet, as the kind's probe sees it. {@code group} is its pod's group (e.g. "broker"),
 * part of its name; null for kinds whose instances are all alike. {@code host} and {@code ports}
 * are where its task listens (the agent's hostname, and the port Mesos gave each named port), from
 * its launch on; references to {@code endpoints.<port>} take those of the ready instances.
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
        String nextLaunchTime,
        String deployedConfig,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean outdated,
        String heldBy,
        String waitingFor,
        String group,
        String host,
        java.util.Map<String, Long> ports) {

    /** An instance whose task's endpoints are not known (none runs, or its kind does not say). */
    public InstanceStatus(int instance, String taskId, String state, boolean ready, String agentId, int restarts,
                          int consecutiveFailures, String lastExit, String lastFailureTime, String nextLaunchTime,
                          String deployedConfig, boolean outdated, String heldBy, String waitingFor, String group) {
        this(instance, taskId, state, ready, agentId, restarts, consecutiveFailures, lastExit, lastFailureTime,
                nextLaunchTime, deployedConfig, outdated, heldBy, waitingFor, group, null, null);
    }

    public static InstanceStatus fresh(int instance) {
        return new InstanceStatus(instance, null, null, false, null, 0, 0, null, null, null, null, false, null, null, null);
    }

    /** The same instance, its task listening on {@code host} at these named ports (empty: it has none). */
    public InstanceStatus listening(String newHost, java.util.Map<String, Long> newPorts) {
        return new InstanceStatus(instance, taskId, state, ready, agentId, restarts, consecutiveFailures, lastExit,
                lastFailureTime, nextLaunchTime, deployedConfig, outdated, heldBy, waitingFor, group, newHost,
                newPorts == null || newPorts.isEmpty() ? null : new java.util.TreeMap<>(newPorts));
    }

    /** The same instance, as a member of this group. */
    public InstanceStatus inGroup(String newGroup) {
        return new InstanceStatus(instance, taskId, state, ready, agentId, restarts, consecutiveFailures, lastExit,
                lastFailureTime, nextLaunchTime, deployedConfig, outdated, heldBy, waitingFor, newGroup, host, ports);
    }

    public InstanceStatus withTask(String newTaskId, String newState, boolean newReady, String newAgentId, String next) {
        return new InstanceStatus(instance, newTaskId, newState, newReady, newAgentId, restarts, consecutiveFailures,
                lastExit, lastFailureTime, next, deployedConfig, false, null, null, group, null, null);
    }

    public InstanceStatus failed(String exit, String time) {
        return new InstanceStatus(instance, taskId, state, false, agentId, restarts + 1, consecutiveFailures + 1, exit,
                time, nextLaunchTime, deployedConfig, outdated, heldBy, waitingFor, group, host, ports);
    }

    public InstanceStatus healthyAgain() {
        return new InstanceStatus(instance, taskId, state, ready, agentId, restarts, 0, lastExit, lastFailureTime,
                nextLaunchTime, deployedConfig, outdated, heldBy, waitingFor, group, host, ports);
    }

    /** Ready with this configuration: from now on, relaunching it is recovery. */
    public InstanceStatus deployed(String config) {
        return new InstanceStatus(instance, taskId, state, ready, agentId, restarts, consecutiveFailures, lastExit,
                lastFailureTime, nextLaunchTime, config, outdated, heldBy, waitingFor, group, host, ports);
    }

    /** Running, but its software does not serve yet, and why (from the kind's probe). */
    public InstanceStatus waitingFor(String why) {
        return new InstanceStatus(instance, taskId, state, ready, agentId, restarts, consecutiveFailures, lastExit,
                lastFailureTime, nextLaunchTime, deployedConfig, outdated, heldBy, why, group, host, ports);
    }

    public InstanceStatus planned(boolean isOutdated, String held) {
        return new InstanceStatus(instance, taskId, state, ready, agentId, restarts, consecutiveFailures, lastExit,
                lastFailureTime, nextLaunchTime, deployedConfig, isOutdated, held, waitingFor, group, host, ports);
    }
}
