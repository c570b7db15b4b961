package io.mesosoperator.scheduler.operator;

import io.mesosoperator.mesos.ExecutorContract;
import io.mesosoperator.scheduler.events.EventRecorder;
import io.mesosoperator.scheduler.events.WatchHub;
import io.mesosoperator.scheduler.metrics.OperatorMetrics;
import io.mesosoperator.scheduler.placement.OfferRound;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.InstanceStatus;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.Store;
import io.mesosoperator.scheduler.store.TaskRecord;
import io.mesosoperator.scheduler.store.TaskStates;
import io.mesosoperator.scheduler.tasks.TaskReconciliation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Mesos master tells the operator, handled on the loop thread: subscriptions, offers
 * (to {@link OfferRound}) and task status updates. An update changes the task's record (stored
 * before it is acknowledged), ends an instance as a crash, a stop or a job's outcome, and enqueues
 * the resource's reconciliation.
 */
final class MesosEvents {
    /** Logs under the Operator's name: these lines were its own before it was split. */
    private static final Logger LOG = LoggerFactory.getLogger(Operator.class);

    private final OperatorState state;
    private final Store store;
    private final ControlLoop control;
    private final BatchedWrites writes;
    private final EventRecorder events;
    private final OfferRound offerRound;
    private final TaskReconciliation taskReconciliation;
    private final OperatorMetrics metrics;
    private final WatchHub watchers;
    private final Clock clock;
    private final Consumer<Call.Builder> send;
    /** Ours, as the master named it in SUBSCRIBED; part of a command task's sandbox path. */
    private String frameworkId;

    MesosEvents(OperatorState state, Store store, ControlLoop control, BatchedWrites writes, EventRecorder events,
                OfferRound offerRound, TaskReconciliation taskReconciliation, OperatorMetrics metrics, WatchHub watchers,
                Clock clock, Consumer<Call.Builder> send) {
        this.state = state;
        this.store = store;
        this.control = control;
        this.writes = writes;
        this.events = events;
        this.offerRound = offerRound;
        this.taskReconciliation = taskReconciliation;
        this.metrics = metrics;
        this.watchers = watchers;
        this.clock = clock;
        this.send = send;
    }

    /** A (re)subscription: our framework id is kept, and Mesos is asked what became of our tasks. */
    void subscribed(FrameworkID frameworkId, MasterInfo master) {
        this.frameworkId = frameworkId.getValue();
        store.saveFrameworkId(frameworkId.getValue());
        state.resources.keySet().forEach(key -> events.record(key, "Normal", "Subscribed", "operator subscribed to Mesos master "
                + master.getId() + " as framework " + frameworkId.getValue() + "; reconciling its tasks"));
        offerRound.subscribed();
        taskReconciliation.start();
        control.resyncAll();
    }

    void handle(Event event) {
        switch (event.getType()) {
            case OFFERS -> offerRound.offers(event.getOffers().getOffersList());
            case UPDATE -> update(event.getUpdate().getStatus());
            case RESCIND -> LOG.debug("offer {} rescinded (we never hold offers)", event.getRescind().getOfferId().getValue());
            // scheduler.proto: with an executor id an executor ended (its wait status, when known);
            // without one the agent was removed or lost (a real master sends that; updates for its tasks follow)
            case FAILURE -> {
                Event.Failure failure = event.getFailure();
                if (failure.hasExecutorId()) {
                    LOG.info("executor {} on agent {} terminated{}", failure.getExecutorId().getValue(),
                            failure.getAgentId().getValue(), failure.hasStatus() ? " (wait status " + failure.getStatus() + ")" : "");
                } else {
                    LOG.warn("Mesos reports agent {} removed or lost", failure.getAgentId().getValue());
                }
            }
            case ERROR -> LOG.warn("Mesos master sent ERROR: {}", event.getError().getMessage());
            case MESSAGE -> LOG.debug("message from executor {} ignored", event.getMessage().getExecutorId().getValue());
            case INVERSE_OFFERS -> LOG.info("{} inverse offer(s) (maintenance) received; ignored: tasks are moved when"
                    + " agents go down", event.getInverseOffers().getInverseOffersCount());
            case RESCIND_INVERSE_OFFER, UPDATE_OPERATION_STATUS -> LOG.debug("{} ignored", event.getType());
            default -> LOG.debug("event {} ignored", event.getType());
        }
    }

    private void update(TaskStatus status) {
        String taskId = status.getTaskId().getValue();
        taskReconciliation.heard(taskId);
        TaskRecord record = state.tasks.get(taskId);
        String taskState = status.getState().name();
        if (record == null) {
            if (!TaskStates.isTerminal(taskState)) {
                LOG.warn("Mesos reports task {} ({}) that this operator does not know; killing it", taskId, taskState);
                Call.Kill.Builder kill = Call.Kill.newBuilder().setTaskId(status.getTaskId());
                if (status.hasAgentId()) {
                    kill.setAgentId(status.getAgentId());
                }
                send.accept(Call.newBuilder().setType(Call.Type.KILL).setKill(kill));
            }
            writes.acknowledge(status);
            return;
        }
        String sandbox = sandbox(status, frameworkId, record.sandbox());
        String now = clock.instant().toString();
        TaskRecord updated = record.withUpdate(taskState, status.hasHealthy() ? status.getHealthy() : null,
                status.hasMessage() ? status.getMessage() : null, status.hasReason() ? status.getReason().name() : null,
                sandbox, status.hasAgentId() ? status.getAgentId().getValue() : null, now);
        ResourceKey key = record.resourceKey();
        if (!taskState.equals(record.state())) {
            watchers.publish(new WatchHub.Change(now, "task", key.toString(), taskState, status.hasReason() ? status.getReason().name() : null,
                    "instance " + record.instance() + " task " + taskId + (status.hasMessage() ? ": " + status.getMessage() : "")));
        }
        if (updated.terminal()) {
            String exit = taskState + (status.hasMessage() ? ": " + status.getMessage() : "");
            ResourceStatus ended = state.resources.containsKey(key) ? state.reconciler(key.kind())
                    .taskEnded(state.resources.get(key), state.statuses.get(key), updated, clock.instant()) : null;
            if (ended != null) {
                // a kind that runs to completion (a job) recorded the outcome itself: not a crash
                ended = state.ownedConditions.applyTo(key, ended, state.statuses.get(key), clock.instant());
                state.statuses.put(key, ended);
                store.putStatus(key, ended);
                boolean success = "TASK_FINISHED".equals(taskState);
                LOG.info("task {} (instance {}) ended: {}", taskId, record.instance(), exit);
                events.record(key, success || record.killRequested() ? "Normal" : "Warning", success ? "Completed"
                        : record.killRequested() ? "Stopped" : "AttemptFailed",
                        "instance " + record.instance() + " task " + taskId + " " + exit);
            } else if (!record.killRequested() && state.resources.containsKey(key)) {
                recordFailure(key, record.instance(), exit, now);
                metrics.failed(key.kind());
                LOG.warn("task {} (instance {}) ended unexpectedly: {}", taskId, record.instance(), exit);
                events.record(key, "Warning", "InstanceFailed", "instance " + record.instance() + " task " + taskId + " " + exit);
            } else {
                LOG.info("task {} (instance {}) ended: {}", taskId, record.instance(), exit);
                events.record(key, "Normal", "Stopped", "instance " + record.instance() + " task " + taskId + " " + exit);
            }
            writes.storeSoon(taskId, null, null);
            if (state.resources.containsKey(key)) {
                state.tasks.ended(updated);
            } else {
                state.tasks.remove(taskId); // a deleted resource's: a new one of that name shows none of it
            }
        } else if (!updated.state().equals(record.state()) || !java.util.Objects.equals(updated.healthy(), record.healthy())
                || !java.util.Objects.equals(updated.sandbox(), record.sandbox())) {
            writes.storeSoon(taskId, updated, null);
            state.tasks.put(taskId, updated);
            if ("TASK_RUNNING".equals(taskState) && !"TASK_RUNNING".equals(record.state())) {
                events.record(key, "Normal", "Running", "instance " + record.instance() + " task " + taskId + " is running");
            }
        } else {
            state.tasks.put(taskId, updated);
        }
        writes.storeSoon(null, null, status); // acknowledged only once the update is safely stored
        control.enqueue(key);
    }

    /**
     * The sandbox an update tells of, for the logs API ({@code /files/read} on the task's agent);
     * null when it tells of none, and the recorded one stays. Our executor names the task's own
     * directory in the label {@value ExecutorContract#SANDBOX_LABEL}. Mesos' command executor adds no label; its
     * updates name their executor (a command task's executor id is its task id), whose newest run
     * the agent serves under the virtual path {@code /frameworks/<framework id>/executors/<executor
     * id>/runs/latest} (slave.cpp {@code Framework::addExecutor}). That path is taken only while no
     * sandbox is recorded: an update the agent sends itself about a task of our shared executor
     * (e.g. when the executor died) names the executor too, but its run directory is not the
     * task's. Updates from the master (reconciliation, a lost agent) name no executor.
     */
    static String sandbox(TaskStatus status, String frameworkId, String recorded) {
        for (Label label : status.getLabels().getLabelsList()) {
            if (label.getKey().equals(ExecutorContract.SANDBOX_LABEL)) {
                return label.getValue();
            }
        }
        if (recorded == null && frameworkId != null && status.hasExecutorId()
                && !status.getExecutorId().getValue().isEmpty()) {
            return "/frameworks/" + frameworkId + "/executors/" + status.getExecutorId().getValue() + "/runs/latest";
        }
        return null;
    }

    /** A crash is remembered in the status, where the restart backoff reads it (and survives restarts). */
    private void recordFailure(ResourceKey key, int instance, String exit, String now) {
        ResourceStatus status = state.statuses.get(key);
        List<InstanceStatus> instances = new ArrayList<>(status == null || status.instances() == null ? List.of() : status.instances());
        InstanceStatus prev = status == null ? null : status.instance(instance);
        instances.removeIf(s -> s.instance() == instance);
        instances.add((prev == null ? InstanceStatus.fresh(instance) : prev).failed(exit, now));
        instances.sort((a, b) -> Integer.compare(a.instance(), b.instance()));
        ResourceStatus next = status == null
                ? new ResourceStatus(0, "Pending", 0, 0, List.of(), instances, null, null)
                : status.withInstances(instances);
        state.statuses.put(key, next);
        store.putStatus(key, next);
    }
}
