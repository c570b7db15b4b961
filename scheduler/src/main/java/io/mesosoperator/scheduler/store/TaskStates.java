package io.mesosoperator.scheduler.store;

import org.apache.mesos.v1.Protos.TaskState;

/** How the operator reads Mesos task states (mesos.proto TaskState; docs/reconciliation.md). */
public final class TaskStates {
    private TaskStates() {}

    /**
     * Terminal for the operator: the task will not run again, so its instance needs a new one.
     * Besides Mesos' terminal states this counts TASK_LOST (terminal in practice, reconciliation
     * docs) and TASK_UNKNOWN (the master has no knowledge of it, e.g. after the agent it ran on
     * was replaced). TASK_UNREACHABLE is not: the agent may come back with the task.
     */
    public static boolean isTerminal(String state) {
        return "TASK_UNKNOWN".equals(state) || io.mesosoperator.mesos.TaskStates.isTerminal(TaskState.valueOf(state));
    }

    public static boolean isTerminal(TaskState state) {
        return isTerminal(state.name());
    }
}
