package io.mesosoperator.scheduler.store;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What users decided about a resource's deploy plan, kept in ZooKeeper so that it survives an
 * operator restart or a new leader (DC/OS Commons forgets it): paused by the user, the
 * configuration approved past its canary step, and how often the plan was restarted (each
 * restart makes every running task outdated, so the plan rolls them again).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlanState(boolean paused, String approvedConfig, int restarts) {
    public static final PlanState INITIAL = new PlanState(false, null, 0);

    public PlanState pause() {
        return new PlanState(true, approvedConfig, restarts);
    }

    /** Resumes a paused plan and approves the configuration its canary step deployed. */
    public PlanState resume(String currentConfig) {
        return new PlanState(false, currentConfig, restarts);
    }

    public PlanState restart() {
        return new PlanState(false, approvedConfig, restarts + 1);
    }

    /** The configuration a task must carry to count as deployed: the spec's hash and the restart count. */
    public String target(String specHash) {
        return restarts == 0 ? specHash : specHash + "-r" + restarts;
    }
}
