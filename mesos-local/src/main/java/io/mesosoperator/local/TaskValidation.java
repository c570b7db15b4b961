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
    /** The least an executor may take (src/master/constants.hpp MIN_CPUS, MIN_MEM). */
    private static final double MIN_CPUS = 0.01;
    private static final double MIN_MEM_MB = 32;
    private final Map<String, MasterState.TaskEntry> tasks;
    private final RunningExecutors executors;

    TaskValidation(Map<String, MasterState.TaskEntry> tasks, RunningExecutors executors) {
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
            error = frameworkIdOf(frameworkId, executor);
        }
        if (error == null && executor != null) {
            error = executors.incompatible(agentId, frameworkId, executor);
        }
        if (error == null && !pool.contains(needed)) {
            error = "Task uses more resources " + needed + " than available " + pool;
        }
        return error;
    }

    /**
     * As validation.cpp's task::group::validate, in its order: each task, then the executor (which,
     * unlike a LAUNCH's, the master does not complete with the framework id), then what they need.
     *
     * @param executor the group's executor as the scheduler sent it
     * @param needed what all the group's tasks and (if not yet running) its executor take from {@code pool}
     */
    String group(String frameworkId, String agentId, ExecutorInfo executor, List<TaskInfo> group, Resources needed,
                 Resources pool) {
        if (group.isEmpty()) {
            return "Task group is empty";
        }
        for (TaskInfo task : group) {
            if (duplicate(frameworkId, task)) {
                return "Task '" + task.getTaskId().getValue() + "' is invalid: Task has duplicate ID: "
                        + task.getTaskId().getValue();
            }
        }
        String error = frameworkIdOf(frameworkId, executor);
        if (error == null) {
            error = executors.incompatible(agentId, frameworkId, executor);
        }
        if (error != null) {
            return error;
        }
        String executorId = "Executor '" + executor.getExecutorId().getValue() + "'";
        if (!executor.hasType()) {
            return "'ExecutorInfo.type' must be set";
        }
        if (executor.getType() == ExecutorInfo.Type.UNKNOWN) {
            return "Unknown executor type";
        }
        for (TaskInfo task : group) {
            // the master gives every task the group's executor; one that brings another is refused
            if (task.hasExecutor() && !task.getExecutor().equals(executor)) {
                return "The `ExecutorInfo` of task '" + task.getTaskId().getValue() + "' is different from executor '"
                        + executor.getExecutorId().getValue() + "'";
            }
        }
        Resources own = Resources.from(executor.getResourcesList());
        if (own.total("cpus") < MIN_CPUS) {
            return executorId + " uses less CPUs (" + amount(own, "cpus") + ") than the minimum required (" + MIN_CPUS + ")";
        }
        if (own.total("mem") < MIN_MEM_MB) {
            return executorId + " uses less memory (" + amount(own, "mem") + ") than the minimum required (32MB)";
        }
        if (!own.has("disk")) {
            return executorId + " uses no disk";
        }
        if (!pool.contains(needed)) {
            return "Total resources " + needed + " required by task group and its executor are more than available " + pool;
        }
        return null;
    }

    /** The executor of a LAUNCH gets the framework's id when it has none; a LAUNCH_GROUP's must carry it. */
    static String frameworkIdOf(String frameworkId, ExecutorInfo executor) {
        if (!executor.hasFrameworkId()) {
            return "'ExecutorInfo.framework_id' must be set";
        }
        if (!executor.getFrameworkId().getValue().equals(frameworkId)) {
            return "ExecutorInfo has an invalid FrameworkID (Actual: " + executor.getFrameworkId().getValue()
                    + " vs Expected: " + frameworkId + ")";
        }
        return null;
    }

    private static String amount(Resources resources, String name) {
        return resources.has(name) ? (name.equals("mem") ? (long) resources.total(name) + "MB" : String.valueOf(resources.total(name)))
                : "None";
    }

    /** A task id may be reused only once the task that had it is terminal. */
    private boolean duplicate(String frameworkId, TaskInfo task) {
        MasterState.TaskEntry existing = tasks.get(frameworkId + "/" + task.getTaskId().getValue());
        return existing != null && !TaskStates.isTerminal(existing.state);
    }
}
