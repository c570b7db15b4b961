package io.mesosoperator.scheduler.store;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.mesosoperator.scheduler.spec.ResourceKey;

/**
 * The resources reserved for one stateful instance on one agent, and its persistent volume.
 * Written to ZooKeeper before the RESERVE leaves; an instance is only ever launched where its
 * record says. Deleting the record (instance gone) makes the reservation an orphan that the
 * operator destroys and unreserves when it is next offered.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReservationRecord(
        String resource,
        int instance,
        String agentId,
        String role,
        String principal,
        String persistenceId,
        String containerPath,
        double cpus,
        double mem,
        double diskMb,
        String createdAt) {

    @JsonIgnore
    public ResourceKey resourceKey() {
        return ResourceKey.parse(resource);
    }
}
