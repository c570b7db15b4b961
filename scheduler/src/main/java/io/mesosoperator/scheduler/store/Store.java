package io.mesosoperator.scheduler.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.anomaly.DailyProfile;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the operator must not lose (DESIGN.md section 7): the port the operator core and the
 * API write and read through; ZooKeeper is behind it ({@code state.ZkStore}). Every operation
 * throws {@link StoreException} when the store cannot be reached, and then did not happen; a write
 * of a leadership term that another operator has superseded throws {@link DeposedException}.
 *
 * <p>Optimistic concurrency: a resource's {@code resourceVersion} (opaque) changes with every write
 * of its spec or its status. The writes a user makes (spec, delete, plan decisions) take an
 * expected resourceVersion (null: none) and throw {@link ResourceVersionConflict}, changing
 * nothing, when it is not the current one; the check and the write are one atomic step.
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
     * The resourceVersion of a resource as read or written here ({@link Resource#storedVersion()}
     * for its spec) with its status as stored now.
     */
    String resourceVersion(Resource stored);

    /**
     * Stores a newly accepted generation: the resource and its history entry together (both or
     * neither), dropping the oldest history beyond what the store keeps. Only if the stored spec is
     * still {@code basis} (the stored resource this generation was made from; null: none exists)
     * and, when {@code resourceVersion} is given, the resource is still at it; otherwise
     * {@link ResourceVersionConflict}.
     *
     * @return the resource as stored, with its new {@link Resource#storedVersion()}
     */
    Resource putResource(Resource resource, String change, Resource basis, String resourceVersion);

    /** The kept generations of a resource, oldest first: {generation, appliedAt, change, resource}. */
    List<ObjectNode> history(ResourceKey key);

    /**
     * Removes the spec, its status, its plan decisions, its history, its secret and its kept daily shapes together; when
     * {@code resourceVersion} is given, only if it is current ({@link ResourceVersionConflict}).
     */
    void deleteResource(ResourceKey key, String resourceVersion);

    Optional<ResourceStatus> loadStatus(ResourceKey key);

    Map<ResourceKey, ResourceStatus> loadStatuses();

    /** Stores a status; the resource's resourceVersion changes with it. */
    void putStatus(ResourceKey key, ResourceStatus status);

    // ---------------------------------------------------------------- secrets

    /** The resource's secret, made on first use and the same for every operator instance after that. */
    String secret(ResourceKey key);

    // ---------------------------------------------------------------- plans

    Map<ResourceKey, PlanState> loadPlans();

    /** Stores the user's plan decisions; when {@code resourceVersion} is given, only if it is current. */
    void putPlan(ResourceKey key, PlanState plan, String resourceVersion);

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

    // ---------------------------------------------------------------- learnt daily shapes

    /**
     * The daily shapes the anomaly monitor learnt for the resource's watched series, by series (empty:
     * none kept), so that a new leader does not learn them afresh over days.
     */
    Map<String, DailyProfile.Saved> dailyProfiles(ResourceKey key);

    /** Replaces the resource's kept daily shapes; {@link #deleteResource} removes them too. */
    void putDailyProfiles(ResourceKey key, Map<String, DailyProfile.Saved> profiles);

    // ---------------------------------------------------------------- reservations

    List<ReservationRecord> loadReservations();

    void putReservation(ReservationRecord reservation);

    void deleteReservation(ResourceKey key, int instance);
}
