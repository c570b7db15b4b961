package io.mesosoperator.scheduler.kind;

import com.fasterxml.jackson.databind.JsonNode;
import io.mesosoperator.scheduler.store.Condition;
import io.mesosoperator.scheduler.store.InstanceStatus;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What a kind wants of one resource, in the terms the shared mechanism carries out ({@link
 * WorkloadKind}): the pods and the plan's strategy, how the kind's probe sees them, and what the
 * kind adds to the outcome (status.workload, its own work in the Progressing condition, tasks to
 * stop, instances to relocate, when to look again). Like the Java Operator SDK's UpdateControl: the
 * kind says what differs, the mechanism does the rest.
 */
public final class Desired {
    /** Not settled: an instance is not ready or runs an older configuration. */
    private static final Predicate<ResourceStatus> UNSETTLED = s -> s.readyReplicas() < s.replicas()
            || s.instances().stream().anyMatch(InstanceStatus::outdated);
    /** Looking again at a moment lands just after it, so that the moment has passed. */
    private static final Duration PAST_THE_MOMENT = Duration.ofMillis(100);

    private final List<PodSpec> pods;
    private final Strategy strategy;
    private WorkloadProbe readiness = WorkloadProbe.NONE;
    private Function<ResourceStatus, JsonNode> workload = status -> null;
    private String progressReason;
    private String progressMessage;
    private List<TaskRecord> alsoStop = List.of();
    private String alsoStopReason;
    private List<ReconcileResult.Relocation> relocations = List.of();
    private Duration lookAgainEvery;
    private Predicate<ResourceStatus> lookAgainWhile = status -> false;
    private java.time.Instant lookAgainAt;

    private Desired(List<PodSpec> pods, Strategy strategy) {
        this.pods = pods;
        this.strategy = strategy;
    }

    /** These pods, deployed in this order ({@code strategy}: the spec's field; null is parallel). */
    public static Desired pods(List<PodSpec> pods, String strategy) {
        return new Desired(pods, Strategy.of(strategy));
    }

    /** How the kind's probe sees the running software (readiness, roll and launch blockers). */
    public Desired readiness(WorkloadProbe probe) {
        this.readiness = probe;
        return this;
    }

    /** status.workload: what the kind reports of its software. */
    public Desired workload(JsonNode details) {
        return workload(status -> details);
    }

    /** status.workload, from the status the shared mechanism made (e.g. whether any instance is ready). */
    public Desired workload(Function<ResourceStatus, JsonNode> details) {
        this.workload = details;
        return this;
    }

    /**
     * Work of the kind's own under way (a decommission, a node leaving the ring): the Progressing
     * condition says it, and the phase is Deploying rather than Running.
     */
    public Desired progressing(String reason, String message) {
        this.progressReason = reason;
        this.progressMessage = message;
        return this;
    }

    /** Stops these tasks too (those the shared mechanism does not already stop), saying why. */
    public Desired alsoStop(List<TaskRecord> tasks, String reason) {
        this.alsoStop = tasks;
        this.alsoStopReason = reason;
        return this;
    }

    /** Stateful instances that give up their volume on an agent lost for good. */
    public Desired relocations(List<ReconcileResult.Relocation> relocations) {
        this.relocations = relocations;
        return this;
    }

    /**
     * Looks again at least {@code every} until every instance is ready and up to date and the kind
     * is not {@code busy}: readiness comes from the kind's probe, whose picture moves on its own.
     */
    public Desired lookAgainUntilSettled(Duration every, boolean busy) {
        return lookAgainWhile(every, status -> busy || UNSETTLED.test(status));
    }

    /** Looks again at least {@code every} while a launch waits for peers ({@link WorkloadProbe#launchBlocker}). */
    public Desired lookAgainWhileWaitingForPeers(Duration every) {
        return lookAgainWhile(every, status -> status.instances().stream()
                .anyMatch(i -> InstanceSet.WAITING_FOR_PEERS.equals(i.state())));
    }

    private Desired lookAgainWhile(Duration every, Predicate<ResourceStatus> condition) {
        this.lookAgainEvery = every;
        this.lookAgainWhile = condition;
        return this;
    }

    /** Looks again just after {@code at} (null: no such moment), when something is due then. */
    public Desired lookAgainAt(java.time.Instant at) {
        this.lookAgainAt = at;
        return this;
    }

    List<PodSpec> pods() {
        return pods;
    }

    Strategy strategy() {
        return strategy;
    }

    WorkloadProbe readiness() {
        return readiness;
    }

    /** The outcome: the shared mechanism's ({@code shared}) with what the kind adds. */
    ReconcileResult complete(ReconcileResult shared, Reconciliation r) {
        List<ReconcileResult.Kill> kills = shared.kills();
        if (!alsoStop.isEmpty()) {
            kills = new ArrayList<>(kills);
            for (TaskRecord t : alsoStop) {
                if (kills.stream().noneMatch(k -> k.taskId().equals(t.taskId()))) {
                    kills.add(new ReconcileResult.Kill(t.taskId(), t.agentId(), alsoStopReason));
                }
            }
        }
        ResourceStatus status = shared.status().withWorkload(workload.apply(shared.status()));
        if (progressReason != null) {
            status = withProgressing(status, r.observed().previousStatus(), r.now(), progressReason, progressMessage);
        }
        Duration requeue = shared.requeueAfter();
        if (lookAgainEvery != null && lookAgainWhile.test(shared.status())
                && (requeue == null || requeue.compareTo(lookAgainEvery) > 0)) {
            requeue = lookAgainEvery;
        }
        if (lookAgainAt != null && r.now().isBefore(lookAgainAt)) {
            Duration untilThen = Duration.between(r.now(), lookAgainAt).plus(PAST_THE_MOMENT);
            requeue = requeue == null || untilThen.compareTo(requeue) < 0 ? untilThen : requeue;
        }
        return new ReconcileResult(shared.launches(), kills, status, requeue, relocations);
    }

    /** The status with its Progressing condition saying what the kind itself is doing. */
    static ResourceStatus withProgressing(ResourceStatus status, ResourceStatus previous, java.time.Instant now,
                                          String reason, String message) {
        Condition before = previous == null ? null : previous.condition(Condition.PROGRESSING);
        String since = before != null && before.isTrue() && before.lastTransitionTime() != null
                ? before.lastTransitionTime() : now.toString();
        List<Condition> conditions = new ArrayList<>();
        for (Condition c : status.conditions()) {
            conditions.add(c.type().equals(Condition.PROGRESSING) ? Condition.of(Condition.PROGRESSING, true, reason, message)
                    .at(since) : c);
        }
        String phase = "Running".equals(status.phase()) ? "Deploying" : status.phase();
        return new ResourceStatus(status.observedGeneration(), phase, status.replicas(), status.readyReplicas(),
                conditions, status.instances(), status.plan(), status.workload());
    }
}
