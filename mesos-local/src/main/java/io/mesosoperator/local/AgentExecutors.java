package io.mesosoperator.local;

import com.google.protobuf.ByteString;
import io.mesosoperator.mesos.TaskStates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executors of a {@link LocalAgent} and what the master asks of them, as slave.cpp does it:
 * a task is delivered to its executor (started on its first task, its LAUNCH events queued until
 * it subscribes), killed, or shut down with its executor; an executor that exits, crashes, never
 * starts or never subscribes is gone, with a terminal update for each unfinished task and a
 * FAILURE for the scheduler. Runs on the agent's actor.
 */
final class AgentExecutors {
    /** The agent's logger: log filters know these messages by its name. */
    private static final Logger LOG = LoggerFactory.getLogger(LocalAgent.class);

    private final LocalAgent agent;
    private final LocalAgent.Config config;
    private final Actor actor;
    private final TaskStatusUpdates statusUpdates;
    private final AgentFiles files;
    private final Containerizer containerizer;
    /** By {@link ExecutorRun#key}. */
    private final Map<String, ExecutorRun> executors = new LinkedHashMap<>();
    /** Set once the agent stops: it starts nothing more, so that stopping what runs stops everything. */
    private boolean terminating;

    AgentExecutors(LocalAgent agent, LocalAgent.Config config, Actor actor, TaskStatusUpdates statusUpdates,
                   AgentFiles files, Containerizer containerizer) {
        this.agent = agent;
        this.config = config;
        this.actor = actor;
        this.statusUpdates = statusUpdates;
        this.files = files;
        this.containerizer = containerizer;
    }

    Collection<ExecutorRun> all() {
        return executors.values();
    }

    ExecutorRun get(String key) {
        return executors.get(key);
    }

    /** The tasks and executors' resources an agent reports when it re-registers with a master. */
    void report(List<MasterAgents.AgentTask> tasks, Map<String, Resources> executorResources) {
        for (ExecutorRun ex : executors.values()) {
            for (TaskInfo task : ex.tasks.values()) {
                TaskState state = ex.states.getOrDefault(task.getTaskId().getValue(), TaskState.TASK_STAGING);
                tasks.add(new MasterAgents.AgentTask(ex.frameworkId(), task, state, null));
            }
            if (ex.container != null && ex.info.getResourcesCount() > 0) {
                executorResources.put(ex.key, Resources.from(ex.info.getResourcesList()));
            }
        }
    }

    /** SIGKILL to the executor running a task, as a crash would; false when none runs it. */
    boolean killExecutorOf(String taskId) {
        return executors.values().stream()
                .filter(e -> e.tasks.containsKey(taskId) && e.container != null)
                .findFirst()
                .map(e -> {
                    e.container.signal("KILL");
                    return true;
                })
                .orElse(false);
    }

    /** Pids of the running executor processes, by executor id (the in-agent command executors have none). */
    Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        executors.values().stream().filter(e -> e.container != null && e.container.pid().isPresent())
                .forEach(e -> pids.put(e.executorId(), e.container.pid().getAsLong()));
        return pids;
    }

    /** The started executor containers, with their resources as limits, for /monitor/statistics. */
    List<ContainerStatistics.Container> containers() {
        return executors.values().stream().filter(e -> e.container != null).map(e -> {
            Resources limits = Resources.from(e.info.getResourcesList());
            for (TaskInfo task : e.tasks.values()) {
                limits = limits.plus(Resources.from(task.getResourcesList()));
            }
            return new ContainerStatistics.Container(e.frameworkId(), e.executorId(), e.info.getName(),
                    e.info.getSource(), e.container.pid(), e.sandbox, limits.total("cpus"), limits.total("mem"));
        }).toList();
    }

    /** The ids of the executors running, custom and command executors alike. */
    Set<String> running() {
        Set<String> ids = new LinkedHashSet<>();
        executors.values().stream().filter(e -> e.container != null).forEach(e -> ids.add(e.executorId()));
        return ids;
    }

    /**
     * The agent stops: from now on it starts no executor and delivers no task (slave.cpp ignores
     * them while terminating, with no update: the agent is going away); the executors it has are
     * the ones to stop.
     */
    List<ExecutorRun> terminate() {
        terminating = true;
        return List.copyOf(executors.values());
    }

    /** The agent host is gone: every executor with it, without a word to anyone. */
    void crash() {
        executors.values().forEach(ex -> {
            ex.signal("KILL");
            if (ex.stream != null) {
                ex.stream.close(); // the host's connections die with it (an in-agent executor's reader ends)
            }
        });
        executors.clear();
    }

    // ---------------------------------------------------------------- launching

    void launch(FrameworkInfo framework, TaskInfo task) {
        ExecutorInfo info = task.hasExecutor() ? task.getExecutor() : CommandExecutorInfo.forTask(framework, task);
        deliver(framework, info, !task.hasExecutor(), List.of(task), LaunchEvents.launch(framework, task));
    }

    void launchGroup(FrameworkInfo framework, ExecutorInfo executor, List<TaskInfo> group) {
        deliver(framework, executor, false, group, LaunchEvents.launchGroup(framework, group));
    }

    private void deliver(FrameworkInfo framework, ExecutorInfo info, boolean commandExecutor, List<TaskInfo> tasks,
                         Event event) {
        if (terminating) {
            LOG.warn("agent {}: ignoring {} because the agent is terminating", config.name(),
                    tasks.stream().map(t -> t.getTaskId().getValue()).toList());
            return;
        }
        String key = ExecutorRun.key(framework.getId().getValue(), info.getExecutorId().getValue());
        ExecutorRun ex = executors.get(key);
        if (ex == null) {
            String containerId = UUID.randomUUID().toString();
            ex = new ExecutorRun(key, framework.toBuilder().setCheckpoint(framework.getCheckpoint()).build(), info,
                    commandExecutor, containerId,
                    files.executorRun(framework.getId().getValue(), info.getExecutorId().getValue(), containerId));
            executors.put(key, ex);
            start(ex);
        }
        for (TaskInfo task : tasks) {
            ex.tasks.put(task.getTaskId().getValue(), task);
            if (ex.container != null) {
                try {
                    containerizer.linkVolumes(ex, task);
                } catch (IOException e) {
                    LOG.warn("agent {}: cannot link volumes of {}: {}", config.name(), task.getTaskId().getValue(), e.getMessage());
                }
            }
        }
        if (ex.stream != null) {
            ex.stream.send(event);
        } else {
            ex.queued.add(event);
        }
    }

    /** Fetches, then starts the container, and watches its exit and its subscription deadline. */
    private void start(ExecutorRun ex) {
        containerizer.fetch(ex).whenComplete((ok, error) -> actor.dispatch(() -> {
            if (executors.get(ex.key) != ex) {
                return; // shut down while fetching
            }
            if (terminating) {
                executors.remove(ex.key); // the agent stopped while fetching: nothing may start now
                return;
            }
            if (error != null) {
                String message = "Failed to launch container: " + rootMessage(error);
                LOG.warn("agent {}: executor {}: {}", config.name(), ex.executorId(), message);
                gone(ex, -1, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, message);
                return;
            }
            try {
                for (TaskInfo task : ex.tasks.values()) {
                    containerizer.linkVolumes(ex, task);
                }
                ex.container = containerizer.spawn(ex, agent.agentId().getValue());
            } catch (IOException e) {
                gone(ex, -1, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, "Failed to launch container: " + e.getMessage());
                return;
            }
            LOG.info("agent {}: started executor {} {} in {}", config.name(), ex.executorId(),
                    ex.container.pid().isPresent() ? "as pid " + ex.container.pid().getAsLong() : "(command executor)", ex.sandbox);
            ex.container.onExit().thenAccept(exitValue -> actor.dispatch(() -> {
                if (executors.get(ex.key) == ex) {
                    gone(ex, exitValue, TaskStatus.Reason.REASON_EXECUTOR_TERMINATED, "Executor terminated");
                }
            }));
            ex.registrationTimer = actor.delay(config.registrationTimeout().toMillis(), () -> {
                if (executors.get(ex.key) == ex && ex.stream == null) {
                    LOG.warn("agent {}: executor {} did not subscribe within {}", config.name(), ex.executorId(),
                            config.registrationTimeout());
                    ex.signal("KILL");
                    gone(ex, -1, TaskStatus.Reason.REASON_EXECUTOR_REGISTRATION_TIMEOUT,
                            "Executor did not register within " + config.registrationTimeout().toSeconds() + "secs");
                }
            });
        }));
    }

    /**
     * The executor is gone (exited, crashed, never started): its process group is killed, its
     * unfinished tasks get a terminal update from the agent, and the scheduler a FAILURE event.
     */
    private void gone(ExecutorRun ex, int exitValue, TaskStatus.Reason reason, String message) {
        executors.remove(ex.key);
        ex.signal("KILL");
        if (ex.registrationTimer != null) {
            ex.registrationTimer.cancel(false);
        }
        if (ex.stream != null) {
            ex.stream.close();
        }
        for (TaskInfo task : ex.tasks.values()) {
            TaskState state = ex.states.get(task.getTaskId().getValue());
            if (state != null && TaskStates.isTerminal(state)) {
                continue;
            }
            TaskState terminal = ex.shuttingDown ? TaskState.TASK_KILLED : TaskState.TASK_FAILED;
            statusUpdates.update(ex.frameworkId(), ex.agentStatus(agent.agentId(), task.getTaskId(), terminal, reason, message));
        }
        LOG.info("agent {}: executor {} of framework {} is gone ({}, exit value {}){}", config.name(),
                ex.executorId(), ex.frameworkId(), message, exitValue,
                exitValue == 0 ? "" : "; last lines of its stderr:\n" + tail(ex.sandbox.resolve("stderr"), 5));
        // FAILURE carries a raw wait status: exit code << 8, or the signal number
        int waitStatus = exitValue > 128 ? exitValue - 128 : Math.max(exitValue, 0) << 8;
        // the master never knew a command executor (the agent made it up): its exit is not reported (slave.cpp)
        if (!agent.partitioned() && !ex.commandExecutor) {
            agent.master().executorTerminated(agent.agentId().getValue(), ex.frameworkId(), ex.executorId(), waitStatus);
        }
    }

    // ---------------------------------------------------------------- killing and shutting down

    void kill(String frameworkId, String taskId) {
        for (ExecutorRun ex : executors.values()) {
            if (!ex.frameworkId().equals(frameworkId) || !ex.tasks.containsKey(taskId)) {
                continue;
            }
            Event queued = ex.queued.stream().filter(e -> LaunchEvents.tasksOf(e).stream()
                    .anyMatch(t -> t.getTaskId().getValue().equals(taskId))).findFirst().orElse(null);
            if (queued != null) {
                // killing one task of an undelivered group kills the whole group (scheduler-http-api.md KILL)
                ex.queued.remove(queued);
                for (TaskInfo t : LaunchEvents.tasksOf(queued)) {
                    ex.states.put(t.getTaskId().getValue(), TaskState.TASK_KILLED);
                    statusUpdates.update(frameworkId, ex.agentStatus(agent.agentId(), t.getTaskId(), TaskState.TASK_KILLED,
                            TaskStatus.Reason.REASON_TASK_KILLED_DURING_LAUNCH, "Killed before delivery to the executor"));
                }
            } else if (ex.stream != null) {
                ex.stream.send(Event.newBuilder().setType(Event.Type.KILL)
                        .setKill(Event.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId))).build());
            }
            return;
        }
    }

    void shutdownExecutor(String frameworkId, String executorId) {
        ExecutorRun ex = executors.get(ExecutorRun.key(frameworkId, executorId));
        if (ex != null) {
            shutdown(ex);
        }
    }

    void shutdownFramework(String frameworkId) {
        executors.values().stream().filter(e -> e.frameworkId().equals(frameworkId)).toList().forEach(this::shutdown);
    }

    private void shutdown(ExecutorRun ex) {
        ex.shuttingDown = true;
        if (ex.stream != null) {
            ex.stream.send(Event.newBuilder().setType(Event.Type.SHUTDOWN).build());
        }
        // after the grace period the container is destroyed, whatever the executor did
        actor.delay(containerizer.shutdownGracePeriod(ex).toMillis(), () -> ex.signal("KILL"));
    }

    /** A scheduler's MESSAGE for an executor. */
    void frameworkMessage(String frameworkId, String executorId, ByteString data) {
        ExecutorRun ex = executors.get(ExecutorRun.key(frameworkId, executorId));
        if (ex != null && ex.stream != null) {
            ex.stream.send(Event.newBuilder().setType(Event.Type.MESSAGE)
                    .setMessage(Event.Message.newBuilder().setData(data)).build());
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no stderr)";
        }
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
