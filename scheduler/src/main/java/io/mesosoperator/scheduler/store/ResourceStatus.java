package io.mesosoperator.scheduler.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The status of a resource, written only by the operator (DESIGN.md section 2). {@code workload}
 * is what the kind reports of its running software (null for Service); {@code autoscale} is the
 * autoscaler's last decision (null without spec.autoscale), kept across reconciliations.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResourceStatus(
        long observedGeneration,
        String phase,
        int replicas,
        int readyReplicas,
        List<Condition> conditions,
        List<InstanceStatus> instances,
        Plan plan,
        com.fasterxml.jackson.databind.JsonNode workload,
        com.fasterxml.jackson.databind.JsonNode autoscale) {

    /** A status as a reconciliation derives it: the autoscaler's part is carried over by the control loop. */
    public ResourceStatus(long observedGeneration, String phase, int replicas, int readyReplicas, List<Condition> conditions,
                          List<InstanceStatus> instances, Plan plan, com.fasterxml.jackson.databind.JsonNode workload) {
        this(observedGeneration, phase, replicas, readyReplicas, conditions, instances, plan, workload, null);
    }

    /**
     * The deploy plan's summary: its strategy, the configuration it deploys (spec hash and restart
     * count; {@code plan continue} approves this one past a canary), whether the user paused it.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Plan(String strategy, String config, boolean paused, String approvedConfig) {}

    /** The same status with these instances (crash history written between reconciliations). */
    public ResourceStatus withInstances(List<InstanceStatus> newInstances) {
        return new ResourceStatus(observedGeneration, phase, replicas, readyReplicas, conditions, newInstances, plan, workload, autoscale);
    }

    /** The same status with what the kind reports of its software (e.g. Kafka's bootstrap servers, quorum leader). */
    public ResourceStatus withWorkload(com.fasterxml.jackson.databind.JsonNode details) {
        return new ResourceStatus(observedGeneration, phase, replicas, readyReplicas, conditions, instances, plan, details, autoscale);
    }

    /** The same status with the autoscaler's last decision. */
    public ResourceStatus withAutoscale(com.fasterxml.jackson.databind.JsonNode decision) {
        return new ResourceStatus(observedGeneration, phase, replicas, readyReplicas, conditions, instances, plan, workload,
                decision);
    }

    /** The same status with these conditions. */
    public ResourceStatus withConditions(List<Condition> newConditions) {
        return new ResourceStatus(observedGeneration, phase, replicas, readyReplicas, newConditions, instances, plan, workload, autoscale);
    }

    public Condition condition(String type) {
        return conditions == null ? null
                : conditions.stream().filter(c -> c.type().equals(type)).findFirst().orElse(null);
    }

    public InstanceStatus instance(int i) {
        if (instances == null) {
            return null;
        }
        if (i >= 0 && i < instances.size() && instances.get(i).instance() == i) {
            return instances.get(i); // instances are kept in order: no scan (10,000 instances, per reconcile)
        }
        return instances.stream().filter(s -> s.instance() == i).findFirst().orElse(null);
    }
}
