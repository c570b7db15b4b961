package io.mesosoperator.local;

import io.mesosoperator.mesos.Uuids;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Event;

/**
 * One executor container on a {@link LocalAgent}: its process, sandbox, stream and the tasks given
 * to it. Touched on the agent's actor only.
 */
final class ExecutorRun {
    /** framework id/executor id, as the agent's table keys its executors. */
    final String key;
    final FrameworkInfo framework;
    final ExecutorInfo info;
    final String containerId;
    final Path sandbox;
    /** Mesos' command executor, for a task that came without an ExecutorInfo. */
    final boolean commandExecutor;
    /** Null until it is started (after the fetch) and when it could not be. */
    ExecutorContainer container;
    /** Null until the executor subscribes, and after its connection died. */
    EventStream stream;
    boolean shuttingDown;
    ScheduledFuture<?> registrationTimer;
    /** LAUNCH and LAUNCH_GROUP events waiting for the executor to subscribe. */
    final List<Event> queued = new ArrayList<>();
    final Map<String, TaskInfo> tasks = new LinkedHashMap<>();
    final Map<String, TaskState> states = new LinkedHashMap<>();

    ExecutorRun(String key, FrameworkInfo framework, ExecutorInfo info, boolean commandExecutor, String containerId,
                Path sandbox) {
        this.key = key;
        this.framework = framework;
        this.info = info;
        this.commandExecutor = commandExecutor;
        this.containerId = containerId;
        this.sandbox = sandbox;
    }

    static String key(String frameworkId, String executorId) {
        return frameworkId + "/" + executorId;
    }

    String frameworkId() {
        return framework.getId().getValue();
    }

    String executorId() {
        return info.getExecutorId().getValue();
    }

    void signal(String signal) {
        if (container != null) {
            container.signal(signal);
        }
    }

    /** A status update the agent makes up for one of this executor's tasks (it died, it never reached it). */
    TaskStatus agentStatus(AgentID agentId, TaskID taskId, TaskState state, TaskStatus.Reason reason, String message) {
        return TaskStatus.newBuilder()
                .setTaskId(taskId)
                .setState(state)
                .setSource(TaskStatus.Source.SOURCE_AGENT)
                .setReason(reason)
                .setMessage(message)
                .setAgentId(agentId)
                .setExecutorId(info.getExecutorId())
                .setTimestamp(LocalMaster.now())
                .setUuid(Uuids.random())
                .build();
    }
}
