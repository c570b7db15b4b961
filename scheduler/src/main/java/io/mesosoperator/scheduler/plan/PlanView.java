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
        String phaseStatus = aggregate(steps.stream().map(Step::status).toList());
        List<Phase> phases = new ArrayList<>(List.of(new Phase("instances", plan.strategy(), phaseStatus, steps)));
        List<Step> executors = executorSteps(key, status, reads);
        if (!executors.isEmpty()) {
            phases.add(new Phase("executors", Strategy.PARALLEL.label(),
                    aggregate(executors.stream().map(Step::status).toList()), executors));
        }
        return new Plan("deploy", aggregate(phases.stream().map(Phase::status).toList()),
                plan.paused(), plan.config(), plan.approvedConfig(), phases);
    }

    /**
     * A SparkJob's live executors ({@code status.workload.executors}, pods of their own that the
     * driver asks for, outside the instances): one step each, a pending one with the reason no
     * offer fits, as the matcher gave it in the last offer round.
     */
    private static List<Step> executorSteps(ResourceKey key, ResourceStatus status, ResourceReads reads) {
        List<Step> steps = new ArrayList<>();
        if (status == null || status.workload() == null) {
            return steps;
        }
        for (com.fasterxml.jackson.databind.JsonNode e : status.workload().path("executors")) {
            if (!e.has("instance")) {
                continue;
            }
            String name = PodSpec.name(key.name(), "exec", e.get("instance").asInt()) + " (executor " + e.path("id").asText() + ")";
            switch (e.path("state").asText()) {
                case "PENDING" -> {
                    String why = reads.placementBlocker(key, e.get("instance").asInt());
                    steps.add(new Step(name, "WAITING", "waiting for resources",
                            why != null ? why : e.path("message").asText("waiting for an offer")));
                }
                case "STARTING" -> steps.add(new Step(name, "STARTING", "task " + e.path("task").asText() + " is starting", null));
                case "RUNNING" -> steps.add(new Step(name, "COMPLETE", "task " + e.path("task").asText() + " runs", null));
                default -> { } // ended: no longer part of the deployment
            }
        }
        return steps;
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

    private static String aggregate(List<String> statuses) {
        if (statuses.stream().allMatch(s -> s.equals("COMPLETE"))) {
            return "COMPLETE";
        }
        if (statuses.stream().anyMatch(s -> s.equals("ERROR"))) {
            return "ERROR";
        }
        if (statuses.stream().anyMatch(s -> s.equals("WAITING"))) {
            return "WAITING";
        }
        return "IN_PROGRESS";
    }
}
