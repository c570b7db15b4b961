package io.mesosoperator.local;

import io.mesosoperator.local.MasterState.AgentEntry;
import io.mesosoperator.local.MasterState.FrameworkEntry;
import io.mesosoperator.local.MasterState.OfferEntry;
import io.mesosoperator.local.MasterState.TaskEntry;
import io.mesosoperator.mesos.TaskStates;
import java.util.List;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every scheduler call but SUBSCRIBE, from a subscribed framework on its current stream: the
 * checks of who calls, then one case per call type, with the status a real master answers
 * (202, or 200 for UPDATE_FRAMEWORK). ACCEPT is {@link OfferOperations}', TEARDOWN
 * {@link FrameworkLifecycle}'s, REVIVE and SUPPRESS the {@link Allocator}'s. Runs on the master's actor.
 */
final class SchedulerCalls {
    /** The master's logger: log filters know these messages by its name. */
    private static final Logger LOG = LoggerFactory.getLogger(LocalMaster.class);

    private final MasterState state;
    private final Allocator allocator;
    private final FrameworkLifecycle lifecycle;
    private final OfferOperations operations;

    SchedulerCalls(MasterState state, Allocator allocator, FrameworkLifecycle lifecycle, OfferOperations operations) {
        this.state = state;
        this.allocator = allocator;
        this.lifecycle = lifecycle;
        this.operations = operations;
    }

    /** The HTTP status of the answer; a refused call throws {@link Http.Failure}. */
    int handle(Call call, String streamId) {
        FrameworkEntry fw = state.frameworks.get(call.getFrameworkId().getValue());
        if (fw == null) {
            throw Http.badRequest("Framework cannot be found");
        }
        if (fw.stream == null) {
            throw new Http.Failure(403, "Framework is not subscribed");
        }
        if (streamId == null) {
            throw Http.badRequest("All non-subscribe calls should include the 'Mesos-Stream-Id' header");
        }
        if (!streamId.equals(fw.stream.id())) {
            throw Http.badRequest("The stream ID '" + streamId + "' included in this request didn't match the stream ID"
                    + " currently associated with framework ID " + fw.id.getValue());
        }
        switch (call.getType()) {
            case TEARDOWN -> lifecycle.remove(fw, "teardown");
            case ACCEPT -> operations.accept(fw, call.getAccept());
            case DECLINE -> decline(fw, call.getDecline().getOfferIdsList(), call.getDecline().getFilters());
            case REVIVE -> allocator.revive(fw.id.getValue());
            case SUPPRESS -> allocator.suppress(fw.id.getValue());
            case KILL -> kill(fw, call.getKill().getTaskId());
            case SHUTDOWN -> {
                AgentEntry agent = state.agents.get(call.getShutdown().getAgentId().getValue());
                if (agent != null) {
                    agent.agent().shutdownExecutor(fw.id.getValue(), call.getShutdown().getExecutorId().getValue());
                }
            }
            case ACKNOWLEDGE -> {
                Call.Acknowledge ack = call.getAcknowledge();
                AgentEntry agent = state.agents.get(ack.getAgentId().getValue());
                if (agent != null) {
                    agent.agent().acknowledge(fw.id.getValue(), ack.getTaskId().getValue(), ack.getUuid());
                }
            }
            case RECONCILE -> reconcile(fw, call.getReconcile());
            case MESSAGE -> {
                AgentEntry agent = state.agents.get(call.getMessage().getAgentId().getValue());
                if (agent != null) {
                    agent.agent().frameworkMessage(fw.id.getValue(), call.getMessage().getExecutorId().getValue(),
                            call.getMessage().getData());
                }
            }
            case UPDATE_FRAMEWORK -> {
                fw.info = call.getUpdateFramework().getFrameworkInfo().toBuilder().setId(fw.id).build();
                return 200;
            }
            case REQUEST, ACCEPT_INVERSE_OFFERS, DECLINE_INVERSE_OFFERS, ACKNOWLEDGE_OPERATION_STATUS ->
                    LOG.debug("{} from {} accepted and ignored (no inverse offers or operation feedback here)",
                            call.getType(), fw.id.getValue());
            case UNKNOWN -> throw new Http.Failure(501, "");
            default -> throw new Http.Failure(501, "Call type " + call.getType() + " is not implemented by mesos-local");
        }
        return 202;
    }

    private void decline(FrameworkEntry fw, List<OfferID> ids, Filters filters) {
        for (OfferID id : ids) {
            OfferEntry offer = state.offers.get(id.getValue());
            if (offer != null && offer.frameworkId().equals(fw.id.getValue())) {
                state.offers.remove(id.getValue());
                allocator.refuse(fw.id.getValue(), offer.agentId(), filters);
            }
        }
    }

    private void kill(FrameworkEntry fw, TaskID taskId) {
        TaskEntry task = state.tasks.get(MasterState.taskKey(fw.id.getValue(), taskId.getValue()));
        if (task == null) {
            // unknown task: the master answers as an explicit reconciliation of it would
            reconcile(fw, Call.Reconcile.newBuilder()
                    .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(taskId)).build());
            return;
        }
        if (!TaskStates.isTerminal(task.state) && !state.unreachable.containsKey(task.agentId)) {
            state.agents.get(task.agentId).agent().killTask(fw.id.getValue(), taskId.getValue());
        }
    }

    /** Implicit (no tasks: all the framework's) or explicit, with a master's answers for unknown tasks. */
    private void reconcile(FrameworkEntry fw, Call.Reconcile reconcile) {
        if (reconcile.getTasksCount() == 0) {
            state.tasks.values().stream()
                    .filter(t -> t.frameworkId.equals(fw.id.getValue()))
                    .forEach(t -> fw.sendUpdate(reconciliationStatus(t)));
            return;
        }
        for (Call.Reconcile.Task wanted : reconcile.getTasksList()) {
            TaskEntry known = state.tasks.get(MasterState.taskKey(fw.id.getValue(), wanted.getTaskId().getValue()));
            if (known != null) {
                fw.sendUpdate(reconciliationStatus(known));
                continue;
            }
            AgentID agentId = wanted.hasAgentId() ? wanted.getAgentId() : null;
            boolean agentKnown = agentId != null && state.agents.containsKey(agentId.getValue());
            TaskState taskState;
            String message;
            if (agentKnown) {
                taskState = fw.partitionAware() ? TaskState.TASK_GONE : TaskState.TASK_LOST;
                message = "Reconciliation: Task is unknown to the agent";
            } else {
                taskState = fw.partitionAware() ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST;
                message = "Reconciliation: Task is unknown";
            }
            fw.sendUpdate(MasterState.masterStatus(wanted.getTaskId(), agentId, taskState,
                    TaskStatus.Reason.REASON_RECONCILIATION, message));
        }
    }

    private static TaskStatus reconciliationStatus(TaskEntry task) {
        TaskStatus.Builder status = TaskStatus.newBuilder()
                .setTaskId(task.task.getTaskId())
                .setState(task.state)
                .setSource(TaskStatus.Source.SOURCE_MASTER)
                .setReason(TaskStatus.Reason.REASON_RECONCILIATION)
                .setMessage("Reconciliation: Latest task state")
                .setAgentId(AgentID.newBuilder().setValue(task.agentId))
                .setTimestamp(LocalMaster.now());
        if (task.task.hasExecutor()) {
            status.setExecutorId(task.task.getExecutor().getExecutorId()); // a command task's executor is the agent's affair
        }
        if (task.lastStatus != null) {
            if (task.lastStatus.hasHealthy()) {
                status.setHealthy(task.lastStatus.getHealthy());
            }
            if (task.lastStatus.hasContainerStatus()) {
                status.setContainerStatus(task.lastStatus.getContainerStatus());
            }
        }
        return status.build();
    }
}
