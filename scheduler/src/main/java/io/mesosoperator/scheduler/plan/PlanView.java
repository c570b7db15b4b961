package io.mesosoperator.scheduler.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mesosoperator.scheduler.kind.InstanceSet;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.Strategy;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.InstanceStatus;
import io.mesosoperator.scheduler.store.PlanState;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.ResourceStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The deploy plan of a resource as DC/OS Commons users know it: one phase, one step per
 * instance, each with a state and, when it is not progressing, the concrete blocker (no offer
 * fits and why, backoff until when, waiting for readiness, agent unreachable). Derived from the
 * status and the last offer round. The strategy and the user's pause come from the plan state
 * the reconciler applied (kept in ZooKeeper, see {@link PlanState}).
 */
public final class PlanView {
    private PlanView() {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Step(String name, String status, String message, String blocker) {}

    public record Phase(String name, String strategy, String status, List<Step> steps) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Plan(String name, String status, boolean paused, String config, String approvedConfig,
                       List<Phase> phases) {}

    public static Plan deploy(ResourceKey key, ResourceStatus status, ResourceReads reads) {
        List<Step> steps = new ArrayList<>();
        if (status != null && status.instances() != null) {
            for (InstanceStatus i : status.instances()) {
                steps.add(step(key, i, reads));
            }
        }
        ResourceStatus.Plan plan = status == null || status.plan() == null
                ? new ResourceStatus.Plan(Strategy.PARALLEL.label(), null, false, null) : status.plan();
        String phaseStatus = aggregate(steps);
        return new Plan("deploy", phaseStatus, plan.paused(), plan.config(), plan.approvedConfig(),
                List.of(new Phase("instances", plan.strategy(), phaseStatus, steps)));
    }

    private static Step step(ResourceKey key, InstanceStatus i, ResourceReads reads) {
        String name = PodSpec.name(key.name(), i.group(), i.instance());
        if (i.heldBy() != null) {
            String what = i.taskId() == null ? "not launched yet" : "task " + i.taskId() + " runs an older configuration";
            return new Step(name, i.heldBy().startsWith("serial") ? "PENDING" : "WAITING", what, i.heldBy());
        }
        if (i.ready() && i.outdated()) {
            return new Step(name, "PENDING", "task " + i.taskId() + " runs an older configuration",
                    "rolling update: replaced when its turn comes (one instance at a time)");
        }
        if (i.ready()) {
            return new Step(name, "COMPLETE", "task " + i.taskId() + " is ready", null);
        }
        String state = i.state() == null ? "" : i.state();
        switch (state) {
            case "BACKOFF" -> {
                String why = "in backoff until " + i.nextLaunchTime() + " after " + i.consecutiveFailures()
                        + " failure(s) in a row (last: " + i.lastExit() + ")";
                return new Step(name, i.consecutiveFailures() >= InstanceSet.CRASH_LOOP_THRESHOLD ? "ERROR" : "WAITING",
                        "relaunch pending", why);
            }
            case "WAITING_FOR_OFFER" -> {
                String why = reads.placementBlocker(key, i.instance());
                return why == null ? new Step(name, "PENDING", "waiting for an offer", null)
                        : new Step(name, "WAITING", "waiting for resources", why);
            }
            case "TASK_UNREACHABLE" -> {
                return new Step(name, "WAITING", "task " + i.taskId(), "agent " + i.agentId()
                        + " is unreachable; the instance is replaced elsewhere if it does not come back in time");
            }
            case "TASK_RUNNING" -> {
                return new Step(name, "STARTED", "task " + i.taskId() + " runs", i.waitingFor() != null
                        ? "waiting for readiness: " + i.waitingFor() : "waiting for readiness (health check)");
            }
            default -> {
                return new Step(name, "STARTING", "task " + i.taskId() + " is " + state, null);
            }
        }
    }

    private static String aggregate(List<Step> steps) {
        if (steps.stream().allMatch(s -> s.status().equals("COMPLETE"))) {
            return "COMPLETE";
        }
        if (steps.stream().anyMatch(s -> s.status().equals("ERROR"))) {
            return "ERROR";
        }
        if (steps.stream().anyMatch(s -> s.status().equals("WAITING"))) {
            return "WAITING";
        }
        return "IN_PROGRESS";
    }
}
