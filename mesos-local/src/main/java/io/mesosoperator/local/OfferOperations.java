package io.mesosoperator.local;

import io.mesosoperator.local.MasterState.AgentEntry;
import io.mesosoperator.local.MasterState.FrameworkEntry;
import io.mesosoperator.local.MasterState.OfferEntry;
import io.mesosoperator.local.MasterState.TaskEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ACCEPT: the offers are checked and pooled, then each operation applies to the pool in order
 * (LAUNCH and LAUNCH_GROUP hand tasks to the agent, RESERVE/UNRESERVE/CREATE/DESTROY go to
 * {@link Reservations}), as master.cpp's accept does. Runs on the master's actor.
 */
final class OfferOperations {
    /** The master's logger: log filters know these messages by its name. */
    private static final Logger LOG = LoggerFactory.getLogger(LocalMaster.class);

    private final MasterState state;
    private final Allocator allocator;
    private final Reservations reservations;
    private final TaskValidation validation;
    private volatile Consumer<TaskInfo> launchWatcher = t -> { };

    OfferOperations(MasterState state, Allocator allocator) {
        this.state = state;
        this.allocator = allocator;
        this.reservations = new Reservations(state.agents);
        this.validation = new TaskValidation(state.tasks, state.executors);
    }

    /** Instrumentation (benchmarks): called on the master's thread with each task an ACCEPT launches. */
    void watchLaunches(Consumer<TaskInfo> watcher) {
        launchWatcher = watcher;
    }

    void accept(FrameworkEntry fw, Call.Accept accept) {
        List<OfferEntry> used = new ArrayList<>();
        String invalid = null;
        for (OfferID id : accept.getOfferIdsList()) {
            OfferEntry offer = state.offers.get(id.getValue());
            if (offer == null || !offer.frameworkId().equals(fw.id.getValue())) {
                invalid = "Offer " + id.getValue() + " is no longer valid";
            } else if (!used.isEmpty() && !used.get(0).agentId().equals(offer.agentId())) {
                invalid = "Aggregated offers must belong to one single agent";
            } else {
                used.add(offer);
            }
        }
        used.forEach(o -> state.offers.remove(o.offer().getId().getValue()));
        if (invalid != null || used.isEmpty()) {
            String reason = invalid != null ? invalid : "No offers given";
            for (Offer.Operation op : accept.getOperationsList()) {
                for (TaskInfo task : launchedTasks(op)) {
                    fw.sendUpdate(MasterState.masterStatus(task.getTaskId(), task.hasAgentId() ? task.getAgentId() : null,
                            fw.partitionAware() ? TaskState.TASK_DROPPED : TaskState.TASK_LOST,
                            TaskStatus.Reason.REASON_INVALID_OFFERS, "Task launched with invalid offers: " + reason));
                }
            }
            return;
        }
        AgentEntry agent = state.agents.get(used.get(0).agentId());
        Resources pool = Resources.empty();
        for (OfferEntry o : used) {
            pool = pool.plus(o.resources());
        }
        // operations apply in order and are not atomic: a failing one is dropped, the rest go on
        for (Offer.Operation op : accept.getOperationsList()) {
            try {
                switch (op.getType()) {
                    case LAUNCH -> {
                        for (TaskInfo task : op.getLaunch().getTaskInfosList()) {
                            pool = launch(fw, agent, task, pool);
                        }
                    }
                    case LAUNCH_GROUP -> pool = launchGroup(fw, agent, op.getLaunchGroup(), pool);
                    case RESERVE -> pool = reservations.reserve(fw, agent, op.getReserve().getResourcesList(), pool);
                    case UNRESERVE -> pool = reservations.unreserve(fw, agent, op.getUnreserve().getResourcesList(), pool);
                    case CREATE -> pool = reservations.create(fw, agent, op.getCreate().getVolumesList(), pool);
                    case DESTROY -> pool = reservations.destroy(fw, agent, op.getDestroy().getVolumesList(), pool);
                    default -> LOG.warn("framework {}: offer operation {} is not supported by mesos-local yet; dropped",
                            fw.id.getValue(), op.getType());
                }
            } catch (Reservations.InvalidOperation e) {
                LOG.warn("framework {}: {} dropped: {}", fw.id.getValue(), op.getType(), e.getMessage());
            }
            agent = state.agents.get(agent.id().getValue()); // operations may have changed its total
        }
        allocator.refuse(fw.id.getValue(), agent.id().getValue(), accept.hasFilters() ? accept.getFilters() : null);
    }

    private Resources launch(FrameworkEntry fw, AgentEntry agent, TaskInfo task, Resources pool) {
        Resources needed = Resources.from(task.getResourcesList());
        // the master fills in an ExecutorInfo's framework_id when the scheduler left it out
        ExecutorInfo executor = !task.hasExecutor() ? null : task.getExecutor().hasFrameworkId() ? task.getExecutor()
                : task.getExecutor().toBuilder().setFrameworkId(fw.id).build();
        if (executor != null) {
            needed = needed.plus(state.executors.extraFor(agent.id().getValue(), fw.id.getValue(), executor));
        }
        String error = validation.task(fw.id.getValue(), agent.id().getValue(), task, executor, needed, pool);
        if (error != null) {
            LOG.info("framework {}: task {} invalid: {}", fw.id.getValue(), task.getTaskId().getValue(), error);
            fw.sendUpdate(MasterState.masterStatus(task.getTaskId(), agent.id(), TaskState.TASK_ERROR,
                    TaskStatus.Reason.REASON_TASK_INVALID, error));
            return pool;
        }
        TaskInfo.Builder builder = task.toBuilder().setAgentId(agent.id());
        if (executor != null) {
            builder.setExecutor(executor); // with the framework id the master filled in
        }
        TaskInfo launched = builder.build();
        state.tasks.put(MasterState.taskKey(fw.id.getValue(), task.getTaskId().getValue()),
                new TaskEntry(fw.id.getValue(), launched, agent.id().getValue(), Resources.from(task.getResourcesList())));
        if (executor != null) {
            state.executors.launched(agent.id().getValue(), fw.id.getValue(), executor);
        }
        launchWatcher.accept(launched);
        agent.agent().launch(fw.info, launched);
        return pool.minus(needed);
    }

    /** LAUNCH_GROUP: all tasks or none, onto one executor (required), delivered together. */
    private Resources launchGroup(FrameworkEntry fw, AgentEntry agent, Offer.Operation.LaunchGroup op, Resources pool) {
        ExecutorInfo executor = op.getExecutor(); // its framework id is checked, not filled in
        List<TaskInfo> group = op.getTaskGroup().getTasksList();
        Resources needed = state.executors.extraFor(agent.id().getValue(), fw.id.getValue(), executor);
        for (TaskInfo task : group) {
            needed = needed.plus(Resources.from(task.getResourcesList()));
        }
        String error = validation.group(fw.id.getValue(), agent.id().getValue(), executor, group, needed, pool);
        if (error != null) {
            for (TaskInfo task : group) {
                fw.sendUpdate(MasterState.masterStatus(task.getTaskId(), agent.id(), TaskState.TASK_ERROR,
                        TaskStatus.Reason.REASON_TASK_GROUP_INVALID, error));
            }
            return pool;
        }
        List<TaskInfo> launched = new ArrayList<>();
        for (TaskInfo task : group) {
            // the master gives each task of the group the group's executor (master.cpp accept)
            TaskInfo t = task.toBuilder().setAgentId(agent.id()).setExecutor(executor).build();
            launched.add(t);
            TaskEntry entry = new TaskEntry(fw.id.getValue(), t, agent.id().getValue(), Resources.from(task.getResourcesList()));
            state.tasks.put(MasterState.taskKey(fw.id.getValue(), task.getTaskId().getValue()), entry);
        }
        state.executors.launched(agent.id().getValue(), fw.id.getValue(), executor);
        agent.agent().launchGroup(fw.info, executor, launched);
        return pool.minus(needed);
    }

    private static List<TaskInfo> launchedTasks(Offer.Operation op) {
        return switch (op.getType()) {
            case LAUNCH -> op.getLaunch().getTaskInfosList();
            case LAUNCH_GROUP -> op.getLaunchGroup().getTaskGroup().getTasksList();
            default -> List.of();
        };
    }
}
