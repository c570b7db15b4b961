package io.mesosoperator.scheduler.reconcile;

import io.mesosoperator.scheduler.spec.Resource;
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
 * the outcome as a status with Ready / Progressing / Degraded conditions. Pure: no I/O.
 */
public final class InstanceSet {
    /** An instance failing this many times in a row is reported as crash-looping (Degraded). */
    static final int CRASH_LOOP_THRESHOLD = 2;

    private InstanceSet() {}

    public static ReconcileResult reconcile(Resource resource, List<PodSpec> pods, Reconciler.Observed observed,
                                            RecoveryPolicy policy, Instant now) {
        Backoff backoff = policy.backoff();
        List<PodSpec> launches = new ArrayList<>();
        List<ReconcileResult.Kill> kills = new ArrayList<>();
        List<InstanceStatus> instances = new ArrayList<>();
        List<String> crashLoops = new ArrayList<>();
        List<Integer> outdated = new ArrayList<>();
        Duration requeue = null;
        int ready = 0;
        boolean stopping = false;
        boolean starting = false;

        Map<Integer, List<TaskRecord>> active = observed.tasks().stream()
                .filter(t -> !t.terminal())
                .collect(Collectors.groupingBy(TaskRecord::instance));

        for (Map.Entry<Integer, List<TaskRecord>> e : active.entrySet()) {
            if (e.getKey() >= pods.size()) {
                for (TaskRecord t : e.getValue()) {
                    stopping = true;
                    if (!t.killRequested()) {
                        kills.add(new ReconcileResult.Kill(t.taskId(), t.agentId(), "scaled down to " + pods.size()));
                    }
                }
            }
        }

        for (PodSpec pod : pods) {
            int i = pod.instance();
            InstanceStatus history = previous(observed.previousStatus(), i);
            List<TaskRecord> tasks = new ArrayList<>();
            for (TaskRecord t : active.getOrDefault(i, List.of())) {
                Instant giveUpAt = t.unreachable() && t.unreachableSince() != null
                        ? Instant.parse(t.unreachableSince()).plus(policy.replaceUnreachableAfter()) : null;
                if (giveUpAt != null && !now.isBefore(giveUpAt)) {
                    // replaced below; left alone (a kill cannot reach it) until its agent returns
                    continue;
                }
                if (giveUpAt != null) {
                    requeue = min(requeue, Duration.between(now, giveUpAt));
                }
                tasks.add(t);
            }
            // the ready one first, then the newest: that one stays if there are duplicates
            tasks.sort(Comparator.comparing((TaskRecord t) -> !isReady(t, pod))
                    .thenComparing(TaskRecord::launchedAt, Comparator.nullsLast(Comparator.reverseOrder())));
            for (TaskRecord extra : tasks.subList(Math.min(1, tasks.size()), tasks.size())) {
                if (!extra.killRequested()) {
                    kills.add(new ReconcileResult.Kill(extra.taskId(), extra.agentId(), "duplicate of " + tasks.get(0).taskId()));
                }
            }
            TaskRecord current = tasks.isEmpty() ? null : tasks.get(0);
            if (current != null) {
                boolean isReady = isReady(current, pod);
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
                } else {
                    starting = true;
                }
                if (current.killRequested()) {
                    stopping = true;
                } else if (!Objects.equals(pod.configHash(), current.configHash())) {
                    outdated.add(i);
                }
                instances.add(history.withTask(current.taskId(), current.state(), isReady, current.agentId(), null));
            } else {
                starting = true;
                Instant launchAt = now;
                if (history.consecutiveFailures() > 0 && history.lastFailureTime() != null) {
                    launchAt = Instant.parse(history.lastFailureTime()).plus(backoff.delayAfter(history.consecutiveFailures()));
                }
                if (observed.launchesInFlight().contains(i) || !now.isBefore(launchAt)) {
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
        if (updating && ready == pods.size() && launches.isEmpty() && !stopping) {
            int victim = outdated.get(0);
            TaskRecord task = active.get(victim).get(0);
            kills.add(new ReconcileResult.Kill(task.taskId(), task.agentId(), "configuration changed (rolling update)"));
        }

        List<Condition> conditions = new ArrayList<>();
        conditions.add(Condition.of(Condition.READY, ready == pods.size(),
                ready == pods.size() ? "AllInstancesReady" : "InstancesNotReady",
                ready + "/" + pods.size() + " instances ready"));
        String progressReason = updating ? "RollingUpdate" : stopping ? "ScalingDown" : starting ? "Launching" : "Stable";
        conditions.add(Condition.of(Condition.PROGRESSING, !progressReason.equals("Stable"), progressReason,
                switch (progressReason) {
                    case "RollingUpdate" -> outdated.size() + " instance(s) still run an older configuration";
                    case "ScalingDown" -> "stopping instances that are no longer wanted";
                    case "Launching" -> (pods.size() - ready) + " instance(s) starting or waiting for resources";
                    default -> "all instances match the spec";
                }));
        boolean degraded = !crashLoops.isEmpty();
        conditions.add(Condition.of(Condition.DEGRADED, degraded, degraded ? "CrashLoopBackOff" : "AsExpected",
                degraded ? String.join("; ", crashLoops) : "no instance is failing repeatedly"));

        String phase = degraded ? "Degraded"
                : updating ? "Updating"
                : ready == pods.size() && !stopping ? "Running"
                : ready == 0 && !pods.isEmpty() ? "Pending"
                : "Deploying";
        ResourceStatus status = new ResourceStatus(resource.generation(), phase, pods.size(), ready,
                withTransitionTimes(conditions, observed.previousStatus(), now), instances);
        return new ReconcileResult(launches, kills, status, requeue);
    }

    /** Ready: running, and healthy when the pod has a health check. */
    static boolean isReady(TaskRecord task, PodSpec pod) {
        return "TASK_RUNNING".equals(task.state())
                && (pod.healthCheck() == null || Boolean.TRUE.equals(task.healthy()));
    }

    private static InstanceStatus previous(ResourceStatus status, int instance) {
        InstanceStatus prev = status == null ? null : status.instance(instance);
        return prev != null ? prev : InstanceStatus.fresh(instance);
    }

    /** A condition keeps its transition time while its status stays the same. */
    static List<Condition> withTransitionTimes(List<Condition> conditions, ResourceStatus previous, Instant now) {
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
