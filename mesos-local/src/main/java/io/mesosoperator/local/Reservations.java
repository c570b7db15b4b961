package io.mesosoperator.local;

import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RESERVE / UNRESERVE / CREATE / DESTROY offer operations (docs/reservation.md,
 * docs/persistent-volume.md, src/master/validation.cpp): each moves amounts between an agent's
 * resource slots, taken from what the ACCEPT's offers hold; volumes get a directory on the agent
 * that outlives every task. Runs on the master's actor.
 */
final class Reservations {
    private static final Logger LOG = LoggerFactory.getLogger(Reservations.class);

    /** An operation the master refuses; it is dropped and the ACCEPT goes on. */
    static final class InvalidOperation extends Exception {
        InvalidOperation(String message) {
            super(message);
        }
    }

    private final Map<String, MasterState.AgentEntry> agents;

    Reservations(Map<String, MasterState.AgentEntry> agents) {
        this.agents = agents;
    }

    Resources reserve(MasterState.FrameworkEntry fw, MasterState.AgentEntry agent, List<Resource> wanted, Resources pool)
            throws InvalidOperation {
        for (Resource r : wanted) {
            Resources.Slot slot = Resources.slotOf(r);
            requireFrameworkRole(fw, slot, "reserve");
            if (!r.hasReservation() && r.getReservationsCount() == 0) {
                throw new InvalidOperation("Resource " + r.getName() + " is not dynamically reserved");
            }
            if (slot.volume()) {
                throw new InvalidOperation("A persistent volume cannot be reserved; reserve disk, then CREATE");
            }
            requirePrincipal(fw, slot);
            double amount = r.getScalar().getValue();
            if (pool.amount(slot.asUnreserved()) + 1e-6 < amount) {
                throw new InvalidOperation("Invalid RESERVE: " + r.getName() + ":" + amount + " is not available unreserved");
            }
            pool = pool.move(slot.asUnreserved(), slot, amount);
            update(agent, total(agent).move(slot.asUnreserved(), slot, amount));
        }
        return pool;
    }

    Resources unreserve(MasterState.FrameworkEntry fw, MasterState.AgentEntry agent, List<Resource> wanted, Resources pool)
            throws InvalidOperation {
        for (Resource r : wanted) {
            Resources.Slot slot = Resources.slotOf(r);
            requireFrameworkRole(fw, slot, "unreserve");
            if (slot.volume()) {
                throw new InvalidOperation("A persistent volume must be DESTROYed before its disk is unreserved");
            }
            double amount = r.getScalar().getValue();
            if (pool.amount(slot) + 1e-6 < amount) {
                throw new InvalidOperation("Invalid UNRESERVE: " + r.getName() + ":" + amount + " reserved for "
                        + slot.role() + " is not in the offers (in use?)");
            }
            pool = pool.move(slot, slot.asUnreserved(), amount);
            update(agent, total(agent).move(slot, slot.asUnreserved(), amount));
        }
        return pool;
    }

    Resources create(MasterState.FrameworkEntry fw, MasterState.AgentEntry agent, List<Resource> volumes, Resources pool)
            throws InvalidOperation {
        for (Resource r : volumes) {
            Resources.Slot slot = Resources.slotOf(r);
            if (!r.hasDisk() || !r.getDisk().hasPersistence() || slot.persistenceId().isEmpty()) {
                throw new InvalidOperation("Persistent volumes need disk.persistence.id");
            }
            if (!r.getDisk().hasVolume() || slot.containerPath().isEmpty() || slot.containerPath().startsWith("/")
                    || slot.containerPath().contains("/")) {
                throw new InvalidOperation("Persistent volumes need a relative, non-nested disk.volume.container_path");
            }
            if (r.getDisk().getVolume().getMode() != org.apache.mesos.v1.Protos.Volume.Mode.RW) {
                throw new InvalidOperation("Read-only persistent volume not supported");
            }
            requireFrameworkRole(fw, slot, "create a volume on");
            requirePrincipal(fw, slot);
            boolean taken = total(agent).volumes().stream()
                    .anyMatch(v -> v.role().equals(slot.role()) && v.persistenceId().equals(slot.persistenceId()));
            if (taken) {
                throw new InvalidOperation("Persistence ID '" + slot.persistenceId() + "' is not unique");
            }
            double amount = r.getScalar().getValue();
            if (pool.amount(slot.withoutVolume()) + 1e-6 < amount) {
                throw new InvalidOperation("Invalid CREATE: the volume needs disk:" + amount + " reserved for "
                        + slot.role() + " with the same reservation in the offers");
            }
            pool = pool.move(slot.withoutVolume(), slot, amount);
            update(agent, total(agent).move(slot.withoutVolume(), slot, amount));
            agent.agent().createVolume(slot.role(), slot.persistenceId());
            LOG.info("framework {} created volume {} ({} MB) on agent {}", fw.id.getValue(), slot.persistenceId(),
                    amount, agent.id().getValue());
        }
        return pool;
    }

    Resources destroy(MasterState.FrameworkEntry fw, MasterState.AgentEntry agent, List<Resource> volumes, Resources pool)
            throws InvalidOperation {
        for (Resource r : volumes) {
            Resources.Slot slot = Resources.slotOf(r);
            requireFrameworkRole(fw, slot, "destroy a volume of");
            double amount = r.getScalar().getValue();
            if (!slot.volume() || pool.amount(slot) + 1e-6 < amount) {
                throw new InvalidOperation("Persistent volumes in use, or not offered: " + slot.persistenceId());
            }
            pool = pool.move(slot, slot.withoutVolume(), amount);
            update(agent, total(agent).move(slot, slot.withoutVolume(), amount));
            agent.agent().destroyVolume(slot.role(), slot.persistenceId());
            LOG.info("framework {} destroyed volume {} on agent {}", fw.id.getValue(), slot.persistenceId(), agent.id().getValue());
        }
        return pool;
    }

    /** The agent's current total: several resources of one operation each change it in turn. */
    private Resources total(MasterState.AgentEntry agent) {
        return agents.get(agent.id().getValue()).total();
    }

    private void update(MasterState.AgentEntry agent, Resources total) {
        MasterState.AgentEntry updated = new MasterState.AgentEntry(agent.agent(), agent.id(), total, agent.hostname(), agent.port());
        agents.put(agent.id().getValue(), updated);
        agent.agent().checkpoint(total); // the agent keeps it across master failovers
    }

    private static void requireFrameworkRole(MasterState.FrameworkEntry fw, Resources.Slot slot, String what)
            throws InvalidOperation {
        if (!slot.reserved()) {
            throw new InvalidOperation("cannot " + what + " unreserved resources (role \"*\")");
        }
        String role = fw.role().isEmpty() ? "*" : fw.role();
        if (!slot.role().equals(role)) {
            throw new InvalidOperation("reservation role '" + slot.role() + "' does not match the framework's role '"
                    + role + "'");
        }
    }

    private static void requirePrincipal(MasterState.FrameworkEntry fw, Resources.Slot slot) throws InvalidOperation {
        if (fw.info.hasPrincipal() && !slot.principal().isEmpty() && !slot.principal().equals(fw.info.getPrincipal())) {
            throw new InvalidOperation("The reservation principal '" + slot.principal()
                    + "' does not match the framework's principal '" + fw.info.getPrincipal() + "'");
        }
    }
}
