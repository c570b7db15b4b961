package io.mesosoperator.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * The master's tables: frameworks, agents, outstanding offers, tasks and executors, shared by the
 * rooms that handle scheduler calls, agents' messages, allocation and /state. Like every one of
 * those rooms, it is touched on the master's actor thread only.
 */
final class MasterState {
    final Map<String, FrameworkEntry> frameworks = new LinkedHashMap<>();
    final Map<String, AgentEntry> agents = new LinkedHashMap<>();
    /** Agents marked unreachable, with the time they were marked (for unreachable_time). */
    final Map<String, Double> unreachable = new LinkedHashMap<>();
    final Map<String, OfferEntry> offers = new LinkedHashMap<>();
    /** Keyed by {@link #taskKey}: task ids are unique per framework only. */
    final Map<String, TaskEntry> tasks = new LinkedHashMap<>();
    final RunningExecutors executors = new RunningExecutors();

    static final class FrameworkEntry {
        FrameworkID id;
        FrameworkInfo info;
        EventStream stream;
        ScheduledFuture<?> heartbeat;
        ScheduledFuture<?> failoverTimer;

        boolean partitionAware() {
            return info.getCapabilitiesList().stream()
                    .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.PARTITION_AWARE);
        }

        String role() {
            return info.getRolesCount() > 0 ? info.getRoles(0) : info.getRole();
        }

        /** An event on the framework's stream; lost when it is not connected, as with a real master. */
        void send(Event event) {
            if (stream != null) {
                stream.send(event);
            }
        }

        void sendUpdate(TaskStatus status) {
            send(Event.newBuilder().setType(Event.Type.UPDATE)
                    .setUpdate(Event.Update.newBuilder().setStatus(status)).build());
        }
    }

    record AgentEntry(Agent agent, AgentID id, Resources total, String hostname, int port) {}

    record OfferEntry(Offer offer, String frameworkId, String agentId, Resources resources) {}

    static final class TaskEntry {
        final String frameworkId;
        final TaskInfo task;
        final String agentId;
        final Resources resources;
        TaskState state = TaskState.TASK_STAGING;
        TaskStatus lastStatus;
        final List<TaskStatus> statuses = new ArrayList<>();

        TaskEntry(String frameworkId, TaskInfo task, String agentId, Resources resources) {
            this.frameworkId = frameworkId;
            this.task = task;
            this.agentId = agentId;
            this.resources = resources;
        }
    }

    static String taskKey(String frameworkId, String taskId) {
        return frameworkId + "/" + taskId;
    }

    /** Withdraws the framework's offers that match, telling it with RESCIND when {@code notify}. */
    void rescindOffers(FrameworkEntry fw, Predicate<OfferEntry> which, boolean notify) {
        offers.values().removeIf(o -> {
            if (!o.frameworkId().equals(fw.id.getValue()) || !which.test(o)) {
                return false;
            }
            if (notify) {
                fw.send(Event.newBuilder().setType(Event.Type.RESCIND)
                        .setRescind(Event.Rescind.newBuilder().setOfferId(o.offer().getId())).build());
            }
            return true;
        });
    }

    /** A status update the master makes up itself (invalid tasks, reconciliation), without a uuid. */
    static TaskStatus masterStatus(TaskID taskId, AgentID agentId, TaskState state, TaskStatus.Reason reason,
                                   String message) {
        TaskStatus.Builder status = TaskStatus.newBuilder()
                .setTaskId(taskId)
                .setState(state)
                .setSource(TaskStatus.Source.SOURCE_MASTER)
                .setReason(reason)
                .setMessage(message)
                .setTimestamp(LocalMaster.now());
        if (agentId != null) {
            status.setAgentId(agentId);
        }
        return status.build();
    }
}
