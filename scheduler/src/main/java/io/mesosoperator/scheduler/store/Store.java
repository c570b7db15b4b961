package io.mesosoperator.scheduler.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the operator must not lose (DESIGN.md section 7): the port the operator core and the
 * API write and read through; ZooKeeper is behind it ({@code state.ZkStore}). Every operation
 * throws {@link StoreException} when the store cannot be reached, and then did not happen.
 */
public interface Store {
    // ---------------------------------------------------------------- framework id

    /** The Mesos FrameworkID this operator registered with, for failover. */
    Optional<String> frameworkId();

    void saveFrameworkId(String id);

    // ---------------------------------------------------------------- resources and status

    List<Resource> loadResources();

    Optional<Resource> loadResource(ResourceKey key);

    /**
     * Stores a newly accepted generation: the resource and its history entry together (both or
     * neither), dropping the oldest history beyond what the store keeps.
     */
    void putResource(Resource resource, String change);

    /** The kept generations of a resource, oldest first: {generation, appliedAt, change, resource}. */
    List<ObjectNode> history(ResourceKey key);

    /** Removes the spec, its status, its plan decisions, its history and its secret together. */
    void deleteResource(ResourceKey key);

    Optional<ResourceStatus> loadStatus(ResourceKey key);

    Map<ResourceKey, ResourceStatus> loadStatuses();

    void putStatus(ResourceKey key, ResourceStatus status);

    /** A new leadership term: other operators may have written since, so write everything again. */
    void forgetWrites();

    // ---------------------------------------------------------------- secrets

    /** The resource's secret, made on first use and the same for every operator instance after that. */
    String secret(ResourceKey key);

    // ---------------------------------------------------------------- plans

    Map<ResourceKey, PlanState> loadPlans();

    void putPlan(ResourceKey key, PlanState plan);

    // ---------------------------------------------------------------- tasks

    Map<String, TaskRecord> loadTasks();

    /**
     * Task record changes (null: delete; {@code created}: all new records) in as few writes as
     * fit, each whole, so a crash loses none of what was acknowledged after it.
     */
    void putTasks(Map<String, TaskRecord> changes, boolean created);

    // ---------------------------------------------------------------- events

    List<OperatorEvent> events(ResourceKey key);

    void putEvents(ResourceKey key, List<OperatorEvent> events);

    void deleteEvents(ResourceKey key);

    // ---------------------------------------------------------------- reservations

    List<ReservationRecord> loadReservations();

    void putReservation(ReservationRecord reservation);

    void deleteReservation(ResourceKey key, int instance);
}
