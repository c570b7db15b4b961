package io.mesosoperator.local;

import com.google.protobuf.ByteString;
import io.mesosoperator.local.MasterState.AgentEntry;
import io.mesosoperator.local.MasterState.FrameworkEntry;
import io.mesosoperator.local.MasterState.TaskEntry;
import io.mesosoperator.mesos.TaskStates;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.TimeInfo;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's side of its agents: their registration and re-registration after a master
 * failover, the health check that marks a silent agent unreachable, and what agents report
 * (status updates, executors' ends, executors' messages), passed on to the frameworks. Runs on
 * the master's actor; {@link LocalMaster} hands agents' calls over to it.
 */
final class MasterAgents {
    /** The master's logger: log filters know these messages by its name. */
    private static final Logger LOG = LoggerFactory.getLogger(LocalMaster.class);

    /** A task an agent reports when it re-registers with a new leading master. */
    record AgentTask(String frameworkId, TaskInfo task, TaskState state, TaskStatus lastStatus) {}

    private final String masterId;
    private final MasterState state;
    private final Duration unreachableAfter;
    private int agentSeq;

    MasterAgents(String masterId, MasterState state, Duration unreachableAfter) {
        this.masterId = masterId;
        this.state = state;
        this.unreachableAfter = unreachableAfter;
    }

    AgentID register(Agent agent, Resources total, String hostname, int port) {
        AgentID id = AgentID.newBuilder().setValue(masterId + "-S" + agentSeq++).build();
        state.agents.put(id.getValue(), new AgentEntry(agent, id, total, hostname, port));
        LOG.info("agent {} registered at {}:{} with {}", id.getValue(), hostname, port, total);
        return id;
    }

    /** The agent keeps its id and reports its executors' tasks, from which this master rebuilds what it had lost. */
    void reregister(Agent agent, AgentID id, Resources total, String hostname, int port,
                    List<AgentTask> agentTasks, Map<String, Resources> executors) {
        state.agents.put(id.getValue(), new AgentEntry(agent, id, total, hostname, port));
        state.unreachable.remove(id.getValue());
        for (AgentTask t : agentTasks) {
            TaskEntry entry = new TaskEntry(t.frameworkId(), t.task(), id.getValue(), Resources.from(t.task().getResourcesList()));
            entry.state = t.state();
            entry.lastStatus = t.lastStatus();
            state.tasks.put(MasterState.taskKey(t.frameworkId(), t.task().getTaskId().getValue()), entry);
        }
        state.executors.reregistered(id.getValue(), executors);
        LOG.info("agent {} re-registered with {} task(s)", id.getValue(), agentTasks.size());
    }

    /** The health check of agents: one that has not answered for too long is unreachable. */
    void check() {
        for (AgentEntry agent : state.agents.values()) {
            String id = agent.id().getValue();
            if (!state.unreachable.containsKey(id) && agent.agent().partitionedForNanos() > unreachableAfter.toNanos()) {
                markUnreachable(agent);
            }
        }
    }

    /**
     * Its tasks become TASK_UNREACHABLE (TASK_LOST without PARTITION_AWARE) and keep running as far
     * as anyone knows; its offers are rescinded and its resources no longer offered.
     */
    private void markUnreachable(AgentEntry agent) {
        String id = agent.id().getValue();
        double time = LocalMaster.now();
        state.unreachable.put(id, time);
        LOG.info("agent {} is unreachable", id);
        for (FrameworkEntry fw : state.frameworks.values()) {
            state.rescindOffers(fw, o -> o.agentId().equals(id), true);
        }
        for (TaskEntry task : state.tasks.values()) {
            if (!task.agentId.equals(id) || TaskStates.isTerminal(task.state)) {
                continue;
            }
            FrameworkEntry fw = state.frameworks.get(task.frameworkId);
            boolean partitionAware = fw != null && fw.partitionAware();
            task.state = partitionAware ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST;
            if (fw != null) {
                fw.sendUpdate(TaskStatus.newBuilder()
                        .setTaskId(task.task.getTaskId())
                        .setState(task.state)
                        .setSource(TaskStatus.Source.SOURCE_MASTER)
                        .setReason(TaskStatus.Reason.REASON_AGENT_REMOVED)
                        .setMessage("Agent " + agent.hostname() + " is unreachable")
                        .setAgentId(agent.id())
                        .setTimestamp(time)
                        .setUnreachableTime(TimeInfo.newBuilder().setNanoseconds((long) (time * 1e9)))
                        .build());
            }
        }
    }

    /** A status update from an agent's update manager; {@code latest} is the newest state it knows. */
    void statusUpdate(String frameworkId, TaskStatus status, TaskState latest) {
        TaskEntry task = state.tasks.get(MasterState.taskKey(frameworkId, status.getTaskId().getValue()));
        if (task != null) {
            // as Mesos' master (Master::updateTask): an ended task keeps its terminal state whatever
            // comes after it, and a status of the same state as the last one replaces it in the history
            if (!TaskStates.isTerminal(task.state)) {
                task.state = latest;
                task.lastStatus = status;
            }
            if (!task.statuses.isEmpty() && task.statuses.get(task.statuses.size() - 1).getState() == status.getState()) {
                task.statuses.remove(task.statuses.size() - 1);
            }
            task.statuses.add(status);
        }
        FrameworkEntry fw = state.frameworks.get(frameworkId);
        if (fw != null) {
            fw.sendUpdate(status);
        }
    }

    void executorTerminated(String agentId, String frameworkId, String executorId, int status) {
        state.executors.terminated(agentId, frameworkId, executorId);
        FrameworkEntry fw = state.frameworks.get(frameworkId);
        if (fw != null) {
            fw.send(Event.newBuilder().setType(Event.Type.FAILURE)
                    .setFailure(Event.Failure.newBuilder()
                            .setAgentId(AgentID.newBuilder().setValue(agentId))
                            .setExecutorId(ExecutorID.newBuilder().setValue(executorId))
                            .setStatus(status))
                    .build());
        }
    }

    void frameworkMessage(String agentId, String frameworkId, String executorId, ByteString data) {
        FrameworkEntry fw = state.frameworks.get(frameworkId);
        if (fw != null) {
            fw.send(Event.newBuilder().setType(Event.Type.MESSAGE)
                    .setMessage(Event.Message.newBuilder()
                            .setAgentId(AgentID.newBuilder().setValue(agentId))
                            .setExecutorId(ExecutorID.newBuilder().setValue(executorId))
                            .setData(data))
                    .build());
        }
    }
}
