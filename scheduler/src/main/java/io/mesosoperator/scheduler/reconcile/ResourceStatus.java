package io.mesosoperator.scheduler.reconcile;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The status of a resource, written only by the operator (DESIGN.md section 2). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResourceStatus(
        long observedGeneration,
        String phase,
        int replicas,
        int readyReplicas,
        List<Condition> conditions,
        List<InstanceStatus> instances) {

    public Condition condition(String type) {
        return conditions == null ? null
                : conditions.stream().filter(c -> c.type().equals(type)).findFirst().orElse(null);
    }

    public InstanceStatus instance(int i) {
        return instances == null ? null
                : instances.stream().filter(s -> s.instance() == i).findFirst().orElse(null);
    }
}
