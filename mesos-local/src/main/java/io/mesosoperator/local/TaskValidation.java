package io.mesosoperator.local;

import io.mesosoperator.mesos.TaskStates;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.TaskInfo;

/**
 * Whether the tasks of an ACCEPT's LAUNCH or LAUNCH_GROUP may run, as Mesos'
 * src/master/validation.cpp decides it: each check gives the message of the TASK_ERROR the
 * master sends (REASON_TASK_INVALID, or REASON_TASK_GROUP_INVALID for a group), or null when the
 * task may run. It only reads the master's tables; launching stays with the master. Runs on the
 * master's actor.
 */
final class TaskValidation {
    private final Map<String, LocalMaster.TaskEntry> tasks;
    private final RunningExecutors executors;

    TaskValidation(Map<String, LocalMaster.TaskEntry> tasks, RunningExecutors executors) {
        this.tasks = tasks;
        this.executors = executors;
    }

    /**
     * @param executor the task's executor with its framework id filled in, or null for a command task
     * @param needed what the task and (if not yet running) its executor take from {@code pool}
     */
    String task(String frameworkId, String agentId, TaskInfo task, ExecutorInfo executor, Resources needed,
                Resources pool) {
        String error = null;
        if (duplicate(frameworkId, task)) {
            error = "Task has duplicate ID: " + task.getTaskId().getValue();
        } else if (task.hasExecutor() == task.hasCommand()) {
            error = "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present";
        }
        if (error == null && executor != null) {
            error = executors.incompatible(agentId, frameworkId, executor);
        }
        if (error == null && !pool.contains(needed)) {
            error = "Task uses more resources " + needed + " than available " + pool;
        }
        return error;
    }

    /** @param needed what all the group's tasks and (if not yet running) its executor take from {@code pool} */
    String group(String frameworkId, String agentId, ExecutorInfo executor, List<TaskInfo> group, Resources needed,
                 Resources pool) {
        String error = group.isEmpty() ? "Task group is empty" : null;
        // every task is looked at and the last one found wrong gives the message
        for (TaskInfo task : group) {
            if (task.hasExecutor()) {
                error = "Task " + task.getTaskId().getValue() + " in a task group must not have an executor";
            } else if (duplicate(frameworkId, task)) {
                error = "Task has duplicate ID: " + task.getTaskId().getValue();
            }
        }
        if (error == null) {
            error = executors.incompatible(agentId, frameworkId, executor);
        }
        if (error == null && !pool.contains(needed)) {
            error = "Task group uses more resources " + needed + " than available " + pool;
        }
        return error;
    }

    /** A task id may be reused only once the task that had it is terminal. */
    private boolean duplicate(String frameworkId, TaskInfo task) {
        LocalMaster.TaskEntry existing = tasks.get(frameworkId + "/" + task.getTaskId().getValue());
        return existing != null && !TaskStates.isTerminal(existing.state);
    }
}
