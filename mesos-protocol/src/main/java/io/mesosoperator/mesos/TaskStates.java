package io.mesosoperator.mesos;

import org.apache.mesos.v1.Protos.TaskState;

/** Task states as Mesos defines them (mesos.proto TaskState), shared by executor, agents and master. */
public final class TaskStates {
    private TaskStates() {}

    /**
     * The task will never run again. TASK_LOST is counted in: Mesos calls it "not always terminal",
     * but nothing of the task runs any more as far as this side knows.
     */
    public static boolean isTerminal(TaskState state) {
        return state != null && switch (state) {
            case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_ERROR, TASK_LOST, TASK_DROPPED, TASK_GONE,
                    TASK_GONE_BY_OPERATOR -> true;
            default -> false;
        };
    }
}
