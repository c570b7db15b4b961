package io.mesosoperator.local;

import java.time.Duration;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.DurationInfo;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.TaskInfo;

/**
 * The executor a command task gets, as Mesos describes it. It is made from the task alone, so it
 * lives apart from the agent that launches it.
 */
final class CommandExecutorInfo {
    private CommandExecutorInfo() {}

    /**
     * The ExecutorInfo a Mesos agent makes for a task that came with only a CommandInfo (slave.cpp
     * getExecutorInfo): the task's id, a name that shows the command, the command's URIs and
     * environment, and a shutdown grace period a second longer than the task's kill grace period. The command executor itself runs inside this agent (see InProcessCommandExecutor).
     */
    static ExecutorInfo forTask(FrameworkInfo framework, TaskInfo task) {
        CommandInfo command = task.getCommand();
        String shown;
        if (!command.hasValue()) {
            shown = command.getShell() ? "NO COMMAND" : "NO EXECUTABLE";
        } else if (command.getShell()) {
            shown = "sh -c '" + abbreviate(command.getValue()) + "'";
        } else {
            shown = "[" + abbreviate(command.getValue() + ", " + String.join(", ", command.getArgumentsList())) + "]";
        }
        ExecutorInfo.Builder info = ExecutorInfo.newBuilder()
                .setExecutorId(ExecutorID.newBuilder().setValue(task.getTaskId().getValue()))
                .setFrameworkId(framework.getId())
                .setName("Command Executor (Task: " + task.getTaskId().getValue() + ") (Command: " + shown + ")")
                .setSource(task.getTaskId().getValue())
                .setCommand(CommandInfo.newBuilder().addAllUris(command.getUrisList()).setEnvironment(command.getEnvironment()));
        if (task.hasLabels()) {
            info.setLabels(task.getLabels());
        }
        if (task.hasKillPolicy() && task.getKillPolicy().hasGracePeriod()) {
            // outlasts the task's own grace period, so the container is not destroyed before
            // TASK_KILLED is sent
            info.setShutdownGracePeriod(DurationInfo.newBuilder().setNanoseconds(
                    task.getKillPolicy().getGracePeriod().getNanoseconds() + Duration.ofSeconds(1).toNanos()));
        }
        return info.build();
    }

    private static String abbreviate(String command) {
        return command.length() > 15 ? command.substring(0, 12) + "..." : command;
    }
}
