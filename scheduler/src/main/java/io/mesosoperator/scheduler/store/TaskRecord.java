package io.mesosoperator.scheduler.store;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.mesosoperator.scheduler.spec.ResourceKey;

/**
 * What the operator knows of one Mesos task it launched, persisted in ZooKeeper before the launch
 * is sent, so that a restarted operator neither loses nor duplicates it. {@code state} is the
 * Mesos TaskState name of the last update seen.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskRecord(
        String taskId,
        String resource,
        int instance,
        String configHash,
        String agentId,
        String state,
        Boolean healthy,
        String message,
        String reason,
        String sandbox,
        String launchedAt,
        String runningSince,
        boolean killRequested,
        String updatedAt,
        String unreachableSince,
        String agentUrl,
        String host,
        java.util.Map<String, Long> ports,
        String group) {
    /** How listings show tasks: by resource, instance, then task id. */
    public static final java.util.Comparator<TaskRecord> ORDER = java.util.Comparator.comparing(TaskRecord::resource)
            .thenComparingInt(TaskRecord::instance).thenComparing(TaskRecord::taskId);

    /**
     * @param agentUrl the agent's HTTP address (from the offer), where its files API serves the sandbox
     * @param host     the agent's hostname, where the task's servers listen
     * @param ports    the ports the task got, by name (its peers' configuration is built from them)
     * @param group    the group of its pod (the pod spec's {@code group}), which placement limits count by; may be null
     */
    public static TaskRecord staging(String taskId, ResourceKey resource, int instance, String configHash, String agentId,
                                     String agentUrl, String host, java.util.Map<String, Long> ports, String group,
                                     String now) {
        return new TaskRecord(taskId, resource.toString(), instance, configHash, agentId, "TASK_STAGING", null, null,
                null, null, now, null, false, now, null, agentUrl, host, ports, group);
    }

    /** "host:port" of one of the task's named ports; null when it has no such port. */
    public String address(String portName) {
        Long port = ports == null ? null : ports.get(portName);
        return port == null || host == null ? null : host + ":" + port;
    }

    @JsonIgnore
    public ResourceKey resourceKey() {
        return ResourceKey.parse(resource);
    }

    @JsonIgnore
    public boolean terminal() {
        return TaskStates.isTerminal(state);
    }

    public TaskRecord withUpdate(String newState, Boolean newHealthy, String newMessage, String newReason,
                                 String newSandbox, String newAgentId, String now) {
        String since = "TASK_RUNNING".equals(newState) ? (runningSince != null ? runningSince : now) : null;
        String unreachable = UNREACHABLE.equals(newState) ? (unreachableSince != null ? unreachableSince : now) : null;
        return new TaskRecord(taskId, resource, instance, configHash, newAgentId != null ? newAgentId : agentId,
                newState, newHealthy != null ? newHealthy : ("TASK_RUNNING".equals(newState) ? healthy : null),
                newMessage != null ? newMessage : message, newReason, newSandbox != null ? newSandbox : sandbox,
                launchedAt, since, killRequested, now, unreachable, agentUrl, host, ports, group);
    }

    static final String UNREACHABLE = "TASK_UNREACHABLE";

    @JsonIgnore
    public boolean unreachable() {
        return UNREACHABLE.equals(state);
    }

    public TaskRecord withKillRequested() {
        return new TaskRecord(taskId, resource, instance, configHash, agentId, state, healthy, message, reason, sandbox,
                launchedAt, runningSince, true, updatedAt, unreachableSince, agentUrl, host, ports, group);
    }
}
