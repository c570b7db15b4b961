package io.mesosoperator.executor;

import io.mesosoperator.mesos.CommandLines;
import io.mesosoperator.mesos.ProcessGroupGuard;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.TaskInfo;

/** One task's OS process: started in the task's sandbox, output appended to its stdout/stderr. */
final class TaskProcess implements TaskRun {
    private final TaskInfo task;
    /** The task's own variables (from its CommandInfo), without what the executor added. */
    private final Map<String, String> variables;
    private final Process process;
    private final Path sandbox;
    private volatile boolean killRequested;

    private TaskProcess(TaskInfo task, Map<String, String> variables, Process process, Path sandbox) {
        this.task = task;
        this.variables = variables;
        this.process = process;
        this.sandbox = sandbox;
    }

    static TaskProcess start(TaskInfo task, Path sandbox, ExecutorSettings settings) throws IOException {
        CommandInfo command = commandOf(task);
        // inside a mesos-local agent: the task leads a process group of its own, as it would under a
        // separate mesos-executor, instead of joining the agent's, and the group cannot outlive the
        // agent's JVM (nothing else would stop it once that is gone)
        List<String> argv = settings.commandExecutor()
                ? ProcessGroupGuard.argv(CommandLines.argv(command)) : CommandLines.argv(command);
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(sandbox.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(sandbox.toFile(), "stdout")))
                .redirectError(ProcessBuilder.Redirect.appendTo(new File(sandbox.toFile(), "stderr")));
        Map<String, String> variables = variablesOf(command);
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(settings.environment());
        env.putAll(variables);
        env.put("MESOS_SANDBOX", sandbox.toString()); // the task's own, as Mesos gives a task of a group
        if (!settings.commandExecutor()) {
            env.put("MESOS_TASK_ID", task.getTaskId().getValue()); // mesos-executor sets no such variable
            ConfigFiles.render(env, sandbox);
            env.remove(ConfigFiles.ENV); // the executor's input: the process has the files (some may hold a secret)
        }
        return new TaskProcess(task, Map.copyOf(variables), builder.start(), sandbox);
    }

    /** The variables a CommandInfo sets, by name. */
    static Map<String, String> variablesOf(CommandInfo command) {
        Map<String, String> variables = new java.util.HashMap<>();
        for (Environment.Variable variable : command.getEnvironment().getVariablesList()) {
            variables.put(variable.getName(), variable.getValue());
        }
        return variables;
    }

    /** A variable of the task's own environment (its CommandInfo), or null. */
    String variable(String name) {
        return variables.get(name);
    }

    /**
     * A task run by a custom executor may not carry a CommandInfo (Mesos refuses the launch), so
     * the operator sends it serialized in TaskInfo.data; a command task carries it directly.
     */
    static CommandInfo commandOf(TaskInfo task) throws IOException {
        if (task.hasCommand()) {
            return task.getCommand();
        }
        if (task.getData().isEmpty()) {
            throw new IOException("task " + task.getTaskId().getValue() + " has neither a command nor a CommandInfo in its data");
        }
        return CommandInfo.parseFrom(task.getData());
    }

    @Override
    public TaskInfo task() {
        return task;
    }

    long pid() {
        return process.pid();
    }

    boolean killRequested() {
        return killRequested;
    }

    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** SIGKILL to the whole process tree at once, as when its container is destroyed. */
    @Override
    public void destroyNow(ScheduledExecutorService timer) {
        killRequested = true;
        destroyTree();
    }

    private void destroyTree() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** SIGTERM to the whole process tree, then SIGKILL to what is left after the grace period. */
    @Override
    public void kill(Duration gracePeriod, ScheduledExecutorService timer) {
        killRequested = true;
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        // then SIGKILL what is left: of the tree as it was (a child that ignores SIGTERM outlives a
        // parent that obeyed it, reparented away from it), and what a parent still running has
        // spawned since; a tree that is gone costs no scan of every process on the host
        Timers.later(timer, gracePeriod, () -> {
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            if (process.isAlive()) {
                destroyTree();
            }
        });
    }

    /**
     * The last lines the process wrote before it ended (its stderr, or its stdout when it wrote
     * nothing to stderr), for the failure's message: a crash loop then says why in the status.
     */
    String outputTail() {
        String tail = OutputTail.of(sandbox.resolve("stderr"));
        return tail.isEmpty() ? OutputTail.of(sandbox.resolve("stdout")) : tail;
    }

    /** Mesos' wording for how a command ended (as the command executor reports it). */
    static String describeExit(int exitValue) {
        // Java reports death by signal N as 128 + N.
        if (exitValue > 128 && exitValue < 128 + 65) {
            return "Command terminated with signal " + signalName(exitValue - 128);
        }
        return "Command exited with status " + exitValue;
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 1 -> "Hangup";
            case 2 -> "Interrupt";
            case 3 -> "Quit";
            case 6 -> "Aborted";
            case 9 -> "Killed";
            case 11 -> "Segmentation fault";
            case 13 -> "Broken pipe";
            case 15 -> "Terminated";
            default -> "Signal " + signal;
        };
    }
}
