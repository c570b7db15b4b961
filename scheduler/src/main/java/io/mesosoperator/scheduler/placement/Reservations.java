package io.mesosoperator.scheduler.placement;

import io.mesosoperator.scheduler.events.EventRecorder;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.ReconcileResult;
import io.mesosoperator.scheduler.mesos.FrameworkIdentity;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.ReservationRecord;
import io.mesosoperator.scheduler.store.Store;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.Offer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reservations and persistent volumes of stateful instances: which instance holds what on
 * which agent (each record in ZooKeeper before its RESERVE leaves), and which agents may still
 * hold some that no instance owns any more, to destroy and unreserve when they are next offered.
 * The methods that give a reservation up say whether they did: the caller then revives offers,
 * so the agent offers what is to be cleaned up. Used on the operator's loop thread only (and by
 * the operator's start, before the loop acts).
 */
public final class Reservations {
    private static final Logger LOG = LoggerFactory.getLogger(Reservations.class);

    private final Store store;
    private final FrameworkIdentity identity;
    private final EventRecorder events;
    /** Whether a resource still exists: a deleted one keeps no events. */
    private final Predicate<ResourceKey> exists;

    /** Reservations of stateful instances, by "Kind/name#instance". */
    private final Map<String, ReservationRecord> reservations = new HashMap<>();
    /** Agents that may hold reservations no instance owns any more, to destroy and unreserve. */
    private final Set<String> cleanupAgents = new HashSet<>();

    public Reservations(Store store, FrameworkIdentity identity, EventRecorder events, Predicate<ResourceKey> exists) {
        this.store = store;
        this.identity = identity;
        this.events = events;
        this.exists = exists;
    }

    /** "Kind/name#instance": how reservations (and the placement blockers of waiting instances) are keyed. */
    static String reservationKey(ResourceKey key, int instance) {
        return key + "#" + instance;
    }

    /** Takes the stored records as they are (a new term). */
    public void load() {
        store.loadReservations().forEach(r -> reservations.put(reservationKey(r.resourceKey(), r.instance()), r));
    }

    public int size() {
        return reservations.size();
    }

    /** The reservation the instance launches on, or null when it has none (yet). */
    ReservationRecord of(ResourceKey key, int instance) {
        return reservations.get(reservationKey(key, instance));
    }

    /** Whether some agent may still hold a reservation nobody owns: offers are wanted for it. */
    boolean cleanupWaits() {
        return !cleanupAgents.isEmpty();
    }

    /** A replaced instance gives up its reservation and volume (destroyed when next offered). */
    public void giveUp(ResourceKey key, int instance) {
        ReservationRecord r = reservations.remove(reservationKey(key, instance));
        if (r != null) {
            store.deleteReservation(key, instance);
            cleanupAgents.add(r.agentId());
            events.record(key, "Normal", "Replacing", "instance " + instance + " gives up volume " + r.persistenceId()
                    + " on agent " + r.agentId());
        }
    }

    /**
     * Instances no longer {@code desired} are gone for good once no task of theirs runs: their
     * reservation record is dropped, and the reservation and volume are destroyed when next offered.
     * Returns whether any was released.
     */
    public boolean release(ResourceKey key, Set<Integer> desired, List<TaskRecord> own) {
        List<ReservationRecord> gone = reservations.values().stream()
                .filter(r -> r.resource().equals(key.toString()) && !desired.contains(r.instance()))
                // a task left unreachable on a lost agent the instance moved away from does not hold this one
                .filter(r -> own.stream().noneMatch(t -> t.instance() == r.instance() && !t.terminal()
                        && !(t.unreachable() && t.agentId() != null && !t.agentId().equals(r.agentId()))))
                .toList();
        for (ReservationRecord r : gone) {
            store.deleteReservation(key, r.instance());
            reservations.remove(reservationKey(key, r.instance()));
            cleanupAgents.add(r.agentId());
            LOG.info("instance {} of {} is gone: releasing its reservation and volume {} on agent {}", r.instance(), key,
                    r.persistenceId(), r.agentId());
            events.record(key, "Normal", "ReleasingVolume", "instance " + r.instance() + ": volume " + r.persistenceId()
                    + " on agent " + r.agentId() + " will be destroyed");
        }
        return !gone.isEmpty();
    }

    /**
     * An instance leaves its reservation and volume on an agent lost for good: the record goes (the
     * next launch reserves afresh wherever resources are); the agent's reservation and volume are
     * destroyed and unreserved if it ever offers again. Returns whether the instance left one.
     */
    public boolean relocate(ResourceKey key, ReconcileResult.Relocation relocation) {
        String rk = reservationKey(key, relocation.instance());
        ReservationRecord r = reservations.get(rk);
        if (r == null || !r.agentId().equals(relocation.lostAgentId())) {
            return false; // already elsewhere (or none yet)
        }
        reservations.remove(rk);
        store.deleteReservation(key, relocation.instance());
        cleanupAgents.add(r.agentId());
        LOG.warn("instance {} of {} gives up volume {} on lost agent {}: {}", relocation.instance(), key,
                r.persistenceId(), r.agentId(), relocation.reason());
        events.record(key, "Warning", "VolumeAbandoned", "instance " + relocation.instance() + " leaves volume "
                + r.persistenceId() + " on lost agent " + r.agentId() + ": " + relocation.reason());
        return true;
    }

    /**
     * The reservation a stateful pod launches on. A new instance gets one here: the record is
     * stored first, then RESERVE and CREATE go ahead of its LAUNCH. An instance whose volume is
     * missing from its reserved disk (CREATE dropped) gets CREATE again.
     */
    ReservationRecord reserveFor(PodSpec pod, Offer offer, Map<String, ReservedResources.Held> held,
                                 List<Offer.Operation> operations, String now) {
        String key = reservationKey(pod.resource(), pod.instance());
        ReservationRecord r = reservations.get(key);
        ReservedResources.Held h = r == null ? null : held.get(ReservedResources.key(r));
        boolean holdsReservation = r != null && h != null && h.cpus() + 1e-9 >= r.cpus() && h.mem() + 1e-9 >= r.mem();
        if (!holdsReservation) {
            if (r != null) {
                LOG.warn("reservation of {} on agent {} is gone; reserving again with a new, empty volume", key, r.agentId());
                events.record(pod.resource(), "Warning", "VolumeLost", "instance " + pod.instance() + ": reservation on agent "
                        + r.agentId() + " was gone; a new volume is created");
            }
            r = new ReservationRecord(pod.resource().toString(), pod.instance(), offer.getAgentId().getValue(),
                    identity.role(), identity.principal(), pod.name() + "-" + UUID.randomUUID().toString().substring(0, 8),
                    pod.volume().containerPath(), pod.cpus(), pod.memMb(), pod.volume().sizeMb(), now);
            store.putReservation(r);
            reservations.put(key, r);
            operations.add(Offer.Operation.newBuilder().setType(Offer.Operation.Type.RESERVE)
                    .setReserve(Offer.Operation.Reserve.newBuilder()
                            .addAllResources(ReservedResources.toReserve(r, identity.frameworkName()))).build());
            events.record(pod.resource(), "Normal", "Reserving", "instance " + pod.instance() + ": reserving cpus, mem and a "
                    + r.diskMb() + " MB volume " + r.persistenceId() + " on agent " + r.agentId());
        }
        if (h == null || h.volume() == null) {
            operations.add(Offer.Operation.newBuilder().setType(Offer.Operation.Type.CREATE)
                    .setCreate(Offer.Operation.Create.newBuilder()
                            .addVolumes(ReservedResources.volume(r, identity.frameworkName()))).build());
        }
        return r;
    }

    /**
     * Reservations of this framework in the offer that no instance owns any more: DESTROY their
     * volume, UNRESERVE the rest. The offering agent then has nothing left to clean up.
     */
    List<Offer.Operation> cleanupOrphans(Offer offer, Map<String, ReservedResources.Held> held) {
        List<Offer.Operation> operations = new ArrayList<>();
        for (ReservedResources.Held h : held.values()) {
            ReservationRecord owner = reservations.get(reservationKey(ResourceKey.parse(h.resource()), h.instance()));
            if (owner != null && owner.agentId().equals(offer.getAgentId().getValue())
                    && owner.persistenceId().equals(h.persistenceId())) {
                continue;
            }
            List<org.apache.mesos.v1.Protos.Resource> unreserve = new ArrayList<>();
            for (org.apache.mesos.v1.Protos.Resource res : h.resources()) {
                if (res.hasDisk() && res.getDisk().hasPersistence()) {
                    operations.add(Offer.Operation.newBuilder().setType(Offer.Operation.Type.DESTROY)
                            .setDestroy(Offer.Operation.Destroy.newBuilder().addVolumes(res)).build());
                    unreserve.add(res.toBuilder().clearDisk().build());
                } else {
                    unreserve.add(res);
                }
            }
            operations.add(Offer.Operation.newBuilder().setType(Offer.Operation.Type.UNRESERVE)
                    .setUnreserve(Offer.Operation.Unreserve.newBuilder().addAllResources(unreserve)).build());
            LOG.info("destroying and unreserving what {} instance {} held on agent {}", h.resource(), h.instance(),
                    offer.getAgentId().getValue());
            ResourceKey key = ResourceKey.parse(h.resource());
            if (exists.test(key)) {
                events.record(key, "Normal", "VolumeDestroyed", "instance " + h.instance() + ": reservation and volume on agent "
                        + offer.getAgentId().getValue() + " released");
            }
        }
        cleanupAgents.remove(offer.getAgentId().getValue());
        return operations;
    }
}
