package io.mesosoperator.scheduler.kind;

import io.mesosoperator.mesos.Backoff;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.store.Condition;
import io.mesosoperator.scheduler.store.InstanceStatus;
import io.mesosoperator.scheduler.store.PlanState;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The shared mechanism behind every kind: keep exactly one ready task per desired pod. Launches
 * what is missing (after the crash backoff), kills duplicates and instances beyond the count,
 * replaces pods whose configuration changed one at a time once all are ready, and summarizes
 * the outcome as a status with Ready / Progressing / Degraded conditions. The plan's strategy
 * (parallel, serial, canary) and the user's pause decide which deploy steps may proceed; recovery
 * of an already deployed instance always may. Pure: no I/O.
 */
public final class InstanceSet {
    /** An instance failing this many times in a row is reported as crash-looping (Degraded). */
    public static final int CRASH_LOOP_THRESHOLD = 2;

    private InstanceSet() {}

    public static ReconcileResult reconcile(Resource resource, List<PodSpec> specPods, Strategy strategy,
                                            Reconciler.Observed observed, RecoveryPolicy policy, Instant now) {
        return reconcile(resource, specPods, strategy, WorkloadProbe.NONE, observed, policy, now);
    }

    public static ReconcileResult reconcile(Resource resource, List<PodSpec> specPods, Strategy strategy,
                                            WorkloadProbe probe, Reconciler.Observed observed, RecoveryPolicy policy,
                                            Instant now) {
        Backoff backoff = policy.backoff();
        PlanState plan = observed.plan();
        // a plan restart changes every pod's configuration, so the running tasks roll again
        List<PodSpec> pods = specPods.stream().map(p -> p.withConfigHash(plan.target(p.configHash()))).toList();
        String pending = probe.configurationPending();
        if (pending != null) {
            pods = keepingWhatRuns(pods, observed.tasks());
        }
        String planConfig = pods.isEmpty() ? plan.target("") : planConfig(pods);
        List<PodSpec> launches = new ArrayList<>();
        List<ReconcileResult.Kill> kills = new ArrayList<>();
        List<InstanceStatus> instances = new ArrayList<>();
        List<String> crashLoops = new ArrayList<>();
        List<Integer> outdated = new ArrayList<>();
        Duration requeue = null;
        int ready = 0;
        boolean stopping = false;
        boolean starting = false;
        int waitingForReference = 0;

        Map<Integer, List<TaskRecord>> active = observed.tasks().stream()
                .filter(t -> !t.terminal())
                .collect(Collectors.groupingBy(TaskRecord::instance));

        java.util.Set<Integer> desired = pods.stream().map(PodSpec::instance).collect(Collectors.toSet());
        for (Map.Entry<Integer, List<TaskRecord>> e : active.entrySet()) {
            if (!desired.contains(e.getKey())) {
                for (TaskRecord t : e.getValue()) {
                    // a task given up on a lost agent never stops while the agent stays away: asked to
                    // stop (killed if its agent returns), it does not keep the scale-down going for ever
                    stopping |= !givenUp(t, policy, now);
                    if (!t.killRequested()) {
                        kills.add(new ReconcileResult.Kill(t.taskId(), t.agentId(), "scaled down to " + pods.size()));
                    }
                }
            }
        }

        List<Slot> slots = new ArrayList<>();
        for (PodSpec pod : pods) {
            int i = pod.instance();
            InstanceStatus history = previous(observed.previousStatus(), i).inGroup(pod.group());
            List<TaskRecord> tasks = new ArrayList<>();
            for (TaskRecord t : active.getOrDefault(i, List.of())) {
                Instant giveUpAt = t.unreachable() && t.unreachableSince() != null
                        ? Instant.parse(t.unreachableSince()).plus(policy.replaceUnreachableAfter()) : null;
                if (givenUp(t, policy, now)) {
                    // replaced below; left alone (a kill cannot reach it) until its agent returns
                    continue;
                }
                if (giveUpAt != null) {
                    requeue = min(requeue, Duration.between(now, giveUpAt));
                }
                tasks.add(t);
            }
            // the ready one first, then the newest: that one stays if there are duplicates
            tasks.sort(Comparator.comparing((TaskRecord t) -> !isReady(t, pod, probe))
                    .thenComparing(TaskRecord::launchedAt, Comparator.nullsLast(Comparator.reverseOrder())));
            for (TaskRecord extra : tasks.subList(Math.min(1, tasks.size()), tasks.size())) {
                if (!extra.killRequested()) {
                    kills.add(new ReconcileResult.Kill(extra.taskId(), extra.agentId(), "duplicate of " + tasks.get(0).taskId()));
                }
            }
            slots.add(new Slot(pod, history, tasks.isEmpty() ? null : tasks.get(0), observed.launchesInFlight().contains(i), probe));
        }
        Map<Integer, String> held = holds(slots, strategy, plan, planConfig, resource.key().name());

        for (Slot slot : slots) {
            PodSpec pod = slot.pod();
            int i = pod.instance();
            InstanceStatus history = slot.history();
            TaskRecord current = slot.current();
            String heldBy = held.get(i);
            if (current != null) {
                boolean isReady = isReady(current, pod, probe);
                if (isReady) {
                    ready++;
                    if (history.consecutiveFailures() > 0 && current.runningSince() != null) {
                        Instant resetAt = Instant.parse(current.runningSince()).plus(backoff.resetAfter());
                        if (!now.isBefore(resetAt)) {
                            history = history.healthyAgain();
                        } else {
                            requeue = min(requeue, Duration.between(now, resetAt));
                        }
                    }
                    if (slot.upToDate()) {
                        history = history.deployed(pod.configHash());
                    }
                } else {
                    starting = true;
                }
                if (current.killRequested()) {
                    stopping = true;
                } else if (!slot.upToDate() && heldBy == null) {
                    outdated.add(i);
                }
                instances.add(history.withTask(current.taskId(), current.state(), isReady, current.agentId(), null)
                        .listening(current.host(), current.ports())
                        .planned(!slot.upToDate(), heldBy)
                        .waitingFor(!isReady && isReady(current, pod, WorkloadProbe.NONE) ? probe.notReady(current) : null));
            } else if (heldBy != null) {
                instances.add(history.withTask(null, "WAITING_FOR_PLAN", false, null, null).planned(false, heldBy));
            } else {
                starting = true;
                Instant launchAt = now;
                if (history.consecutiveFailures() > 0 && history.lastFailureTime() != null) {
                    launchAt = Instant.parse(history.lastFailureTime()).plus(backoff.delayAfter(history.consecutiveFailures()));
                }
                boolean due = slot.launchInFlight() || !now.isBefore(launchAt);
                String blocked = !due ? null : pending != null ? pending : probe.launchBlocker(pod);
                if (blocked != null) {
                    // not launched while what it needs at start is missing (e.g. a running peer to join
                    // through, or the value of a reference)
                    waitingForReference += pending != null ? 1 : 0;
                    instances.add(history.withTask(null, pending != null ? WAITING_FOR_REFERENCE : WAITING_FOR_PEERS,
                            false, null, null).planned(false, blocked));
                } else if (due) {
                    launches.add(pod);
                    instances.add(history.withTask(null, "WAITING_FOR_OFFER", false, null, null));
                } else {
                    requeue = min(requeue, Duration.between(now, launchAt));
                    instances.add(history.withTask(null, "BACKOFF", false, null, launchAt.toString()));
                }
            }
            if (history.consecutiveFailures() >= CRASH_LOOP_THRESHOLD) {
                InstanceStatus shown = instances.get(instances.size() - 1);
                crashLoops.add("instance " + i + " failed " + history.consecutiveFailures() + " times in a row (last: "
                        + history.lastExit() + ")" + (shown.nextLaunchTime() != null ? "; next launch at " + shown.nextLaunchTime() : ""));
            }
        }

        boolean updating = !outdated.isEmpty();
        String rollBlocker = updating ? probe.rollBlocker() : null;
        if (updating && ready == pods.size() && launches.isEmpty() && !stopping && rollBlocker == null) {
            int victim = outdated.get(0);
            TaskRecord task = active.get(victim).get(0);
            kills.add(new ReconcileResult.Kill(task.taskId(), task.agentId(), "configuration changed (rolling update)"));
        }

        List<Condition> conditions = new ArrayList<>();
        conditions.add(Condition.of(Condition.READY, ready == pods.size(),
                ready == pods.size() ? "AllInstancesReady" : "InstancesNotReady",
                ready + "/" + pods.size() + " instances ready"));
        String progressReason = !held.isEmpty() && plan.paused() ? "PlanPaused"
                : !held.isEmpty() && held.values().stream().anyMatch(h -> h.startsWith(CANARY_HOLD)) ? "CanaryWaiting"
                : waitingForReference > 0 ? "WaitingForReference"
                : updating ? "RollingUpdate" : stopping ? "ScalingDown" : starting ? "Launching" : "Stable";
        conditions.add(Condition.of(Condition.PROGRESSING, !progressReason.equals("Stable"), progressReason,
                switch (progressReason) {
                    case "PlanPaused" -> held.size() + " instance(s) wait: the plan is paused (plan continue resumes it)";
                    case "CanaryWaiting" -> held.size() + " instance(s) wait for plan continue after the canary";
                    case "WaitingForReference" -> waitingForReference + " instance(s) wait to start: " + pending;
                    case "RollingUpdate" -> outdated.size() + " instance(s) still run an older configuration"
                            + (rollBlocker == null ? "" : "; the next waits: " + rollBlocker);
                    case "ScalingDown" -> "stopping instances that are no longer wanted";
                    case "Launching" -> (pods.size() - ready) + " instance(s) starting or waiting for resources";
                    default -> "all instances match the spec";
                }));
        boolean degraded = !crashLoops.isEmpty();
        conditions.add(Condition.of(Condition.DEGRADED, degraded, degraded ? "CrashLoopBackOff" : "AsExpected",
                degraded ? String.join("; ", crashLoops) : "no instance is failing repeatedly"));

        boolean anyOutdated = slots.stream().anyMatch(s -> s.current() != null && !s.upToDate());
        String phase = degraded ? "Degraded"
                : anyOutdated ? "Updating"
                : ready == pods.size() && !stopping ? "Running"
                : ready == 0 && !pods.isEmpty() ? "Pending"
                : "Deploying";
        ResourceStatus status = new ResourceStatus(resource.generation(), phase, pods.size(), ready,
                withTransitionTimes(conditions, observed.previousStatus(), now), instances,
                new ResourceStatus.Plan(strategy.label(), planConfig, plan.paused(), plan.approvedConfig()), null);
        return new ReconcileResult(launches, kills, status, requeue);
    }

    /** A task unreachable for longer than the policy waits for its agent: replaced elsewhere, left alone. */
    static boolean givenUp(TaskRecord t, RecoveryPolicy policy, Instant now) {
        return t.unreachable() && t.unreachableSince() != null
                && !now.isBefore(Instant.parse(t.unreachableSince()).plus(policy.replaceUnreachableAfter()));
    }

    static final String CANARY_HOLD = "canary: ";
    /** The state of an instance whose launch the kind's probe holds back ({@link WorkloadProbe#launchBlocker}). */
    public static final String WAITING_FOR_PEERS = "WAITING_FOR_PEERS";
    /** The state of an instance that waits for the value of a reference ({@link WorkloadProbe#configurationPending}). */
    public static final String WAITING_FOR_REFERENCE = "WAITING_FOR_REFERENCE";

    /**
     * The pods, those whose instance has a task keeping that task's configuration: while the new
     * one cannot be made, what runs is not outdated (and so not replaced).
     */
    private static List<PodSpec> keepingWhatRuns(List<PodSpec> pods, List<TaskRecord> tasks) {
        Map<Integer, String> running = new java.util.HashMap<>();
        for (TaskRecord t : tasks) {
            if (!t.terminal() && (!t.killRequested() || !running.containsKey(t.instance()))) {
                running.put(t.instance(), t.configHash());
            }
        }
        return pods.stream().map(p -> running.containsKey(p.instance()) ? p.withConfigHash(running.get(p.instance())) : p)
                .toList();
    }

    /** One desired instance and what runs of it now. */
    private record Slot(PodSpec pod, InstanceStatus history, TaskRecord current, boolean launchInFlight, WorkloadProbe probe) {
        boolean upToDate() {
            return current != null && Objects.equals(pod.configHash(), current.configHash());
        }

        boolean complete() {
            return current != null && upToDate() && !current.killRequested() && isReady(current, pod, probe);
        }

        /** Its task died after it was deployed with this configuration: bringing it back is recovery. */
        boolean recovering() {
            return current == null && pod.configHash().equals(history.deployedConfig());
        }

        /** Deploy work already under way: a task with this configuration, or a launch waiting for an offer. */
        boolean started() {
            return (current != null && upToDate()) || launchInFlight;
        }
    }

    /**
     * Which deploy steps the plan holds back, and why (instance -> reason). Recovery is never held;
     * a step already under way is never pulled back.
     */
    /**
     * The configuration a plan deploys: its pods' one, or, where a kind configures roles apart
     * (Kafka's dedicated controllers), one hash of all of theirs, so that a change of any role is a
     * new configuration for the canary to hold.
     */
    static String planConfig(List<PodSpec> pods) {
        List<String> distinct = pods.stream().map(PodSpec::configHash).distinct().sorted().toList();
        return distinct.size() == 1 ? distinct.get(0)
                : ConfigHash.of(String.join(",", distinct).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Map<Integer, String> holds(List<Slot> slots, Strategy strategy, PlanState plan, String planConfig,
                                              String name) {
        List<Slot> steps = slots.stream().filter(s -> !s.complete() && !s.recovering()).toList();
        Map<Integer, String> held = new java.util.TreeMap<>();
        if (plan.paused()) {
            steps.stream().filter(s -> !s.started()).forEach(s -> held.put(s.pod().instance(),
                    "paused by the user (plan continue resumes it)"));
            return held;
        }
        if (strategy == Strategy.PARALLEL) {
            return held;
        }
        if (strategy == Strategy.CANARY && !planConfig.equals(plan.approvedConfig())) {
            Slot canary = slots.stream().filter(Slot::complete).findFirst().orElse(null);
            if (canary != null) {
                steps.stream().filter(s -> !s.started()).forEach(s -> held.put(s.pod().instance(), CANARY_HOLD
                        + canary.pod().name() + " runs the new configuration; check it, then plan continue deploys the rest"));
                return held;
            }
        }
        // serial (and canary before its first step and after approval): one step at a time, in order
        Slot first = steps.stream().filter(Slot::started).findFirst().orElse(steps.isEmpty() ? null : steps.get(0));
        for (Slot s : steps) {
            if (s != first && !s.started()) {
                held.put(s.pod().instance(), "serial: waits for " + first.pod().name() + " to be ready");
            }
        }
        return held;
    }

    /** Ready: running, healthy when the pod has a health check, and serving as its kind's probe sees it. */
    static boolean isReady(TaskRecord task, PodSpec pod, WorkloadProbe probe) {
        return "TASK_RUNNING".equals(task.state())
                && (pod.healthCheck() == null || Boolean.TRUE.equals(task.healthy()))
                && probe.notReady(task) == null;
    }

    private static InstanceStatus previous(ResourceStatus status, int instance) {
        InstanceStatus prev = status == null ? null : status.instance(instance);
        return prev != null ? prev : InstanceStatus.fresh(instance);
    }

    /** A condition keeps its transition time while its status stays the same. */
    public static List<Condition> withTransitionTimes(List<Condition> conditions, ResourceStatus previous, Instant now) {
        List<Condition> out = new ArrayList<>();
        for (Condition c : conditions) {
            Condition before = previous == null ? null : previous.condition(c.type());
            out.add(c.at(before != null && before.status().equals(c.status()) && before.lastTransitionTime() != null
                    ? before.lastTransitionTime() : now.toString()));
        }
        return out;
    }

    private static Duration min(Duration a, Duration b) {
        return a == null || b.compareTo(a) < 0 ? b : a;
    }
}
