package io.mesosoperator.local;

import io.mesosoperator.mesos.ContentType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.apache.mesos.v1.Protos.ContainerID;
import org.apache.mesos.v1.Protos.ContainerStatus;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.NetworkInfo;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;
import org.apache.mesos.v1.executor.Protos.Event;

/**
 * The agent's v1 executor API (POST /api/v1/executor): an executor SUBSCRIBEs (and, re-subscribing
 * after an agent restart, re-sends what was not acknowledged), sends UPDATEs, which the agent
 * acknowledges and passes to its {@link TaskStatusUpdates}, and MESSAGEs for its scheduler. Calls
 * are decoded and validated on Jetty's thread, then handled on the agent's actor.
 */
final class ExecutorApi {
    private final LocalAgent agent;
    private final Actor actor;
    private final AgentExecutors executors;
    private final TaskStatusUpdates statusUpdates;

    ExecutorApi(LocalAgent agent, Actor actor, AgentExecutors executors, TaskStatusUpdates statusUpdates) {
        this.agent = agent;
        this.actor = actor;
        this.executors = executors;
        this.statusUpdates = statusUpdates;
    }

    void handle(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Call call = Http.decodeCall(req, resp, Call.newBuilder());
        ExecutorCallValidation.validate(call);
        String key = ExecutorRun.key(call.getFrameworkId().getValue(), call.getExecutorId().getValue());
        switch (call.getType()) {
            case SUBSCRIBE -> {
                ContentType responseType = Http.responseType(req);
                EventStream stream = new EventStream(UUID.randomUUID().toString(), responseType);
                actor.call(() -> subscribe(key, call.getSubscribe(), stream));
                resp.setStatus(200);
                resp.setContentType(responseType.mediaType());
                stream.pump(resp, () -> { });
            }
            case HEARTBEAT -> Http.accepted(resp);
            default -> {
                actor.call(() -> {
                    ExecutorRun ex = find(key);
                    if (ex.stream == null) {
                        throw new Http.Failure(403, "Executor is not subscribed");
                    }
                    if (call.getType() == Call.Type.UPDATE) {
                        update(ex, call.getUpdate().getStatus());
                    } else if (call.getType() == Call.Type.MESSAGE) {
                        agent.master().frameworkMessage(agent.agentId().getValue(), ex.frameworkId(), ex.executorId(),
                                call.getMessage().getData());
                    }
                    return null;
                });
                Http.accepted(resp);
            }
        }
    }

    /** The executor a call is about (framework id/executor id), or the 400 an agent answers when it has none. */
    private ExecutorRun find(String key) {
        ExecutorRun ex = executors.get(key);
        if (ex == null) {
            String frameworkPrefix = key.split("/")[0] + "/";
            throw Http.badRequest(executors.all().stream().anyMatch(e -> e.key.startsWith(frameworkPrefix))
                    ? "Executor cannot be found" : "Framework cannot be found");
        }
        return ex;
    }

    private Void subscribe(String key, Call.Subscribe subscribe, EventStream stream) {
        ExecutorRun ex = find(key);
        if (ex.stream != null) {
            ex.stream.close();
        }
        ex.stream = stream;
        if (ex.registrationTimer != null) {
            ex.registrationTimer.cancel(false);
        }
        ExecutorInfo executorInfo = ex.info.toBuilder().setFrameworkId(ex.framework.getId()).clearResources()
                .addAllResources(Resources.from(ex.info.getResourcesList()).toProtos("*", true)).build();
        stream.send(Event.newBuilder().setType(Event.Type.SUBSCRIBED)
                .setSubscribed(Event.Subscribed.newBuilder()
                        .setExecutorInfo(executorInfo)
                        .setFrameworkInfo(ex.framework)
                        .setAgentInfo(agent.agentInfo())
                        .setContainerId(ContainerID.newBuilder().setValue(ex.containerId)))
                .build());
        for (Call.Update update : subscribe.getUnacknowledgedUpdatesList()) {
            update(ex, update.getStatus());
        }
        dropTasksUnknownToExecutor(ex, subscribe);
        if (ex.shuttingDown) {
            stream.send(Event.newBuilder().setType(Event.Type.SHUTDOWN).build());
            return null;
        }
        ex.queued.forEach(stream::send);
        ex.queued.clear();
        return null;
    }

    /**
     * A task delivered to the executor that has had no update and that the re-subscribing executor
     * does not list among the tasks it knows never reached it (slave.cpp subscribe): TASK_DROPPED,
     * or TASK_LOST for a framework that is not PARTITION_AWARE.
     */
    private void dropTasksUnknownToExecutor(ExecutorRun ex, Call.Subscribe subscribe) {
        Set<String> known = new HashSet<>();
        subscribe.getUnacknowledgedTasksList().forEach(t -> known.add(t.getTaskId().getValue()));
        ex.queued.forEach(event -> LaunchEvents.tasksOf(event).forEach(t -> known.add(t.getTaskId().getValue()))); // not delivered yet
        boolean partitionAware = ex.framework.getCapabilitiesList().stream()
                .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.PARTITION_AWARE);
        for (TaskInfo task : ex.tasks.values()) {
            String id = task.getTaskId().getValue();
            if (ex.states.containsKey(id) || known.contains(id)) {
                continue;
            }
            TaskState state = partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
            ex.states.put(id, state);
            statusUpdates.update(ex.frameworkId(), ex.agentStatus(agent.agentId(), task.getTaskId(), state,
                    TaskStatus.Reason.REASON_AGENT_RESTARTED, "Task launched during agent restart"));
        }
    }

    /** The executor's update: acknowledged to it at once, and forwarded reliably with what the agent adds. */
    private void update(ExecutorRun ex, TaskStatus status) {
        ex.stream.send(Event.newBuilder().setType(Event.Type.ACKNOWLEDGED)
                .setAcknowledged(Event.Acknowledged.newBuilder().setTaskId(status.getTaskId()).setUuid(status.getUuid()))
                .build());
        TaskStatus.Builder forwarded = status.toBuilder()
                .setAgentId(agent.agentId())
                .setExecutorId(ex.info.getExecutorId());
        // what the containerizer knows of the executor's container, as slave.cpp adds it to every update
        ContainerStatus.Builder container = forwarded.getContainerStatusBuilder()
                .setContainerId(ContainerID.newBuilder().setValue(ex.containerId))
                .clearNetworkInfos().addNetworkInfos(NetworkInfo.newBuilder().addIpAddresses(NetworkInfo.IPAddress.newBuilder()
                        .setProtocol(NetworkInfo.Protocol.IPv4).setIpAddress(agent.host())));
        if (ex.container != null && ex.container.pid().isPresent()) {
            container.setExecutorPid((int) ex.container.pid().getAsLong());
        }
        if (!status.hasTimestamp()) {
            forwarded.setTimestamp(LocalMaster.now());
        }
        ex.states.put(status.getTaskId().getValue(), status.getState());
        statusUpdates.update(ex.frameworkId(), forwarded.build());
    }
}
