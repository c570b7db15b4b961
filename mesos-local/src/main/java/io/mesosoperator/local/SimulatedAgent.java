package io.mesosoperator.local;

import com.google.protobuf.ByteString;
import io.mesosoperator.mesos.Uuids;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * An agent without processes (DESIGN.md section 5, "simulated" flavour): a launched task goes
 * STARTING, then RUNNING after {@code startDelay}, and stays there until it is killed or failed
 * on command ({@link #fail}). Thousands of them fit in one JVM, so a benchmark measures the
 * scheduler's own cost over the same v1 API. Updates are not retried (nothing here loses them);
 * one shared timer thread plays every agent's lifecycles.
 */
public final class SimulatedAgent implements Agent {
    private record Task(String frameworkId, TaskID taskId, ExecutorID executorId) {}

    private final LocalMaster master;
    private final ScheduledExecutorService timer;
    private final Duration startDelay;
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    private AgentID agentId;

    private SimulatedAgent(LocalMaster master, ScheduledExecutorService timer, Duration startDelay) {
        this.master = master;
        this.timer = timer;
        this.startDelay = startDelay;
    }

    static SimulatedAgent register(LocalMaster master, ScheduledExecutorService timer, Duration startDelay,
                                   String hostname, int port, Resources total) {
        SimulatedAgent agent = new SimulatedAgent(master, timer, startDelay);
        agent.agentId = master.registerAgent(agent, total, hostname, port);
        return agent;
    }

    public String id() {
        return agentId.getValue();
    }

    /** The ids of the tasks this agent runs (or is starting). */
    public List<String> taskIds() {
        return List.copyOf(tasks.keySet());
    }

    /** Fault injection: the task's process "exits" with a failure; false when the agent does not run it. */
    public boolean fail(String taskId, String message) {
        Task task = tasks.remove(taskId);
        if (task == null) {
            return false;
        }
        finish(task, TaskState.TASK_FAILED, message);
        return true;
    }

    @Override
    public void launch(FrameworkInfo framework, TaskInfo task) {
        Task t = new Task(framework.getId().getValue(), task.getTaskId(),
                task.hasExecutor() ? task.getExecutor().getExecutorId() : null);
        tasks.put(task.getTaskId().getValue(), t);
        timer.execute(() -> update(t, TaskState.TASK_STARTING, null));
        timer.schedule(() -> {
            if (tasks.get(task.getTaskId().getValue()) == t) {
                update(t, TaskState.TASK_RUNNING, null);
            }
        }, startDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void launchGroup(FrameworkInfo framework, ExecutorInfo executor, List<TaskInfo> group) {
        group.forEach(task -> launch(framework, task.toBuilder().setExecutor(executor).build()));
    }

    @Override
    public void killTask(String frameworkId, String taskId) {
        Task task = tasks.remove(taskId);
        if (task != null) {
            timer.execute(() -> finish(task, TaskState.TASK_KILLED, "Command terminated with signal Terminated"));
        }
    }

    private void finish(Task task, TaskState state, String message) {
        update(task, state, message);
        if (task.executorId() != null) {
            master.executorTerminated(agentId.getValue(), task.frameworkId(), task.executorId().getValue(), 0);
        }
    }

    private void update(Task task, TaskState state, String message) {
        TaskStatus.Builder status = TaskStatus.newBuilder()
                .setTaskId(task.taskId())
                .setState(state)
                .setSource(TaskStatus.Source.SOURCE_EXECUTOR)
                .setAgentId(agentId)
                .setTimestamp(LocalMaster.now())
                .setUuid(Uuids.random());
        if (task.executorId() != null) {
            status.setExecutorId(task.executorId());
        }
        if (message != null) {
            status.setMessage(message);
        }
        master.statusUpdate(task.frameworkId(), status.build(), state);
    }

    @Override
    public void acknowledge(String frameworkId, String taskId, ByteString uuid) {
        // nothing to retry: simulated updates are never lost
    }

    @Override
    public void shutdownExecutor(String frameworkId, String executorId) {
        tasks.values().removeIf(t -> t.frameworkId().equals(frameworkId) && t.executorId() != null
                && t.executorId().getValue().equals(executorId));
    }

    @Override
    public void shutdownFramework(String frameworkId) {
        tasks.values().removeIf(t -> t.frameworkId().equals(frameworkId));
    }

    @Override
    public void frameworkMessage(String frameworkId, String executorId, ByteString data) {
        // no executor to deliver to
    }

    @Override
    public List<Attribute> attributes() {
        return List.of();
    }

    @Override
    public long partitionedForNanos() {
        return 0;
    }

    @Override
    public void checkpoint(Resources withReservations) {
    }

    @Override
    public void createVolume(String role, String persistenceId) {
    }

    @Override
    public void destroyVolume(String role, String persistenceId) {
    }
}
