package io.mesosoperator.scheduler.operator;

import io.mesosoperator.scheduler.events.WatchHub;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.ReconcileResult;
import io.mesosoperator.scheduler.kind.Reconciler;
import io.mesosoperator.scheduler.metrics.OperatorMetrics;
import io.mesosoperator.scheduler.placement.OfferRound;
import io.mesosoperator.scheduler.placement.Reservations;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.InstanceStatus;
import io.mesosoperator.scheduler.store.PlanState;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The reconciliation of one resource at a time (DESIGN.md section 3): anything may enqueue a
 * resource's key; on the loop thread the kind's reconciler compares the desired with the observed
 * state, and its result is carried out here: launches wait for offers ({@link OfferRound}), kills
 * go to Mesos, the status is kept and stored soon, reservations no longer desired are released.
 */
final class ControlLoop {
    /** Logs under the Operator's name: these lines were its own before it was split. */
    private static final Logger LOG = LoggerFactory.getLogger(Operator.class);

    private final OperatorState state;
    private final OfferRound offerRound;
    private final Reservations reservations;
    private final BatchedWrites writes;
    private final EventLog events;
    private final OperatorMetrics metrics;
    private final WatchHub watchers;
    private final Clock clock;
    private final ScheduledExecutorService loop;
    private final Consumer<Call.Builder> send;
    private final Set<ResourceKey> queued = ConcurrentHashMap.newKeySet();
    private final Dependents dependents = new Dependents();

    ControlLoop(OperatorState state, OfferRound offerRound, Reservations reservations, BatchedWrites writes, EventLog events,
                OperatorMetrics metrics, WatchHub watchers, Clock clock, ScheduledExecutorService loop,
                Consumer<Call.Builder> send) {
        this.state = state;
        this.offerRound = offerRound;
        this.reservations = reservations;
        this.writes = writes;
        this.events = events;
        this.metrics = metrics;
        this.watchers = watchers;
        this.clock = clock;
        this.loop = loop;
        this.send = send;
    }

    /** Asks for a reconciliation of the resource; one is queued per resource however many ask. */
    void enqueue(ResourceKey key) {
        if (queued.add(key)) {
            try {
                loop.execute(() -> {
                    queued.remove(key);
                    reconcile(key);
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                queued.remove(key); // the term ended; the next leader reconciles everything it loads
            }
        }
    }

    /** Every resource, and every one that still has tasks, is reconciled again. */
    void resyncAll() {
        Set<ResourceKey> keys = new HashSet<>(state.resources.keySet());
        state.tasks.values().forEach(t -> keys.add(t.resourceKey()));
        keys.forEach(this::enqueue);
    }

    private void reconcile(ResourceKey key) {
        MDC.put("resource", key.toString());
        long started = System.nanoTime();
        try {
            Resource resource = state.resources.get(key);
            List<TaskRecord> own = state.tasks.of(key.toString());
            if (resource == null) {
                offerRound.forget(key);
                if (state.statuses.remove(key) != null) {
                    enqueueDependents(key);
                }
                state.plans.remove(key);
                state.tasks.forgetEnded(key.toString());
                for (TaskRecord t : own) {
                    if (!t.terminal() && !t.killRequested()) {
                        kill(t, "resource deleted");
                    }
                }
                releaseReservations(key, Set.of(), own);
                if (own.isEmpty()) {
                    events.forget(key);
                    state.ownedConditions.forget(key);
                }
                return;
            }
            Reconciler reconciler = state.reconciler(resource.kind());
            ReconcileResult result = reconciler.reconcile(resource,
                    new Reconciler.Observed(own, state.statuses.get(key), offerRound.waiting(key),
                            state.plans.getOrDefault(key, PlanState.INITIAL), state), clock.instant());
            // the conditions others own (Anomalous) are not the kind's to compute: they go into every status
            ResourceStatus status = state.ownedConditions.applyTo(key, result.status(), state.statuses.get(key), clock.instant());
            boolean newDemand = offerRound.awaitOffers(key, result.launches());
            for (ReconcileResult.Kill k : result.kills()) {
                TaskRecord t = state.tasks.get(k.taskId());
                if (t != null) {
                    kill(t, k.reason());
                }
            }
            result.relocations().forEach(r -> relocate(key, r));
            ResourceStatus previous = state.statuses.get(key);
            if (previous != null && previous.autoscale() != null && status.autoscale() == null
                    && resource.spec().hasNonNull("autoscale")) {
                // the autoscaler's decision is not derived from the tasks: it stays until its next one, while the
                // spec asks for autoscaling (without it, the last decision would be shown forever)
                status = status.withAutoscale(previous.autoscale());
            }
            recordBackoffs(key, state.statuses.get(key), status);
            recordCompletedSteps(key, state.statuses.get(key), status);
            if (!status.equals(state.statuses.get(key))) {
                ResourceStatus before = state.statuses.put(key, status);
                writes.persistSoon(key);
                if (Dependents.exportsChanged(before, status)) {
                    enqueueDependents(key); // they may launch what waited, or roll to a new value
                }
                if (before == null || !before.phase().equals(status.phase())
                        || before.readyReplicas() != status.readyReplicas()
                        || before.observedGeneration() != status.observedGeneration()) {
                    watchers.publish(new WatchHub.Change(clock.instant().toString(), "status", key.toString(),
                            status.phase(), status.readyReplicas() + "/" + status.replicas(),
                            "generation " + status.observedGeneration() + " observed"));
                }
                if (before == null || !before.phase().equals(status.phase())) {
                    LOG.info("{} is {} ({}/{} ready)", key, status.phase(), status.readyReplicas(),
                            status.replicas());
                }
            }
            releaseReservations(key, status.instances().stream().map(InstanceStatus::instance)
                    .collect(Collectors.toSet()), own);
            if (result.requeueAfter() != null) {
                loop.schedule(() -> enqueue(key), Math.max(10, result.requeueAfter().toMillis()), TimeUnit.MILLISECONDS);
            }
            if (newDemand) {
                offerRound.revive();
            }
        } catch (RuntimeException e) {
            LOG.error("reconciling {} failed; retrying in 5s", key, e);
            loop.schedule(() -> enqueue(key), 5, TimeUnit.SECONDS);
        } finally {
            metrics.reconciled(key.kind(), System.nanoTime() - started);
            MDC.remove("resource");
        }
    }

    /** The resources that take values from this one look again: what they wait for or run with may have changed. */
    private void enqueueDependents(ResourceKey key) {
        dependents.of(key, state.resources.values()).forEach(this::enqueue);
    }

    private void recordBackoffs(ResourceKey key, ResourceStatus before, ResourceStatus after) {
        for (InstanceStatus now : after.instances()) {
            InstanceStatus was = before == null ? null : before.instance(now.instance());
            if ("BACKOFF".equals(now.state()) && (was == null || !java.util.Objects.equals(was.nextLaunchTime(), now.nextLaunchTime()))) {
                events.record(key, "Warning", "BackOff", "instance " + now.instance() + " failed " + now.consecutiveFailures()
                        + " time(s) in a row (" + now.lastExit() + "); next launch at " + now.nextLaunchTime());
            }
        }
    }

    /** A deploy step completes when its instance is first ready with the plan's configuration. */
    private void recordCompletedSteps(ResourceKey key, ResourceStatus before, ResourceStatus after) {
        for (InstanceStatus now : after.instances()) {
            InstanceStatus was = before == null ? null : before.instance(now.instance());
            if (now.deployedConfig() == null || (was != null && now.deployedConfig().equals(was.deployedConfig()))) {
                continue;
            }
            TaskRecord task = now.taskId() == null ? null : state.tasks.get(now.taskId());
            if (task != null && task.launchedAt() != null) {
                Duration took = Duration.between(Instant.parse(task.launchedAt()), clock.instant());
                metrics.planStepCompleted(key.kind(), took);
                watchers.publish(new WatchHub.Change(clock.instant().toString(), "plan-step", key.toString(),
                        "COMPLETE", PodSpec.name(key.name(), now.group(), now.instance()), "ready with configuration " + now.deployedConfig()
                        + " after " + took.toMillis() + " ms"));
            }
        }
    }

    /** Reservations of instances no longer desired go once no task of theirs runs; their agents are offered again. */
    private void releaseReservations(ResourceKey key, Set<Integer> desired, List<TaskRecord> own) {
        if (reservations.release(key, desired, own)) {
            offerRound.revive();
        }
    }

    /** An instance leaves its reservation on an agent lost for good; that agent is cleaned up if it offers again. */
    private void relocate(ResourceKey key, ReconcileResult.Relocation relocation) {
        if (reservations.relocate(key, relocation)) {
            offerRound.revive();
        }
    }

    void kill(TaskRecord task, String reason) {
        TaskRecord killing = task.withKillRequested();
        writes.storeSoon(killing.taskId(), killing, null); // after any queued update of the task, never before it
        state.tasks.put(killing.taskId(), killing);
        LOG.info("killing task {} ({})", task.taskId(), reason);
        metrics.killed(task.resourceKey().kind());
        events.record(task.resourceKey(), "Normal", "Killing", "instance " + task.instance() + " task " + task.taskId() + ": " + reason);
        Call.Kill.Builder kill = Call.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(task.taskId()));
        if (task.agentId() != null) {
            kill.setAgentId(AgentID.newBuilder().setValue(task.agentId()));
        }
        send.accept(Call.newBuilder().setType(Call.Type.KILL).setKill(kill));
    }
}
