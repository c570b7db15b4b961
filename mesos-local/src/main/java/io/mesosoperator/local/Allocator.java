package io.mesosoperator.local;

import io.mesosoperator.mesos.TaskStates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.mesos.v1.Protos.Address;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * The offer round, kept apart from the master as Mesos keeps its allocator
 * (src/master/allocator/mesos/hierarchical.cpp): every allocation interval, and at once on REVIVE,
 * each subscribed framework that has not suppressed offers is offered what every reachable agent
 * it has not filtered has free. It owns only what allocation uses (filters, suppression, the offer
 * sequence); the tables it reads and the offers it adds to are the master's {@link MasterState}.
 * Runs on the master's actor, like everything it touches.
 */
final class Allocator {
    private static final double DEFAULT_REFUSE_SECONDS = 5.0;
    private static final double MAX_REFUSE_SECONDS = 365 * 24 * 3600.0;

    private final String masterId;
    private final String host;
    private final BooleanSupplier leading;
    private final Map<String, MasterState.FrameworkEntry> frameworks;
    private final Map<String, MasterState.AgentEntry> agents;
    private final Map<String, Double> unreachable;
    private final Map<String, MasterState.TaskEntry> tasks;
    private final RunningExecutors executors;
    private final Map<String, MasterState.OfferEntry> offers;

    /** Framework ids that sent SUPPRESS (or subscribed with suppressed roles) and have not revived since. */
    private final Set<String> suppressed = new HashSet<>();
    /** Per framework id: agent id to the System.nanoTime() until which the framework refused it. */
    private final Map<String, Map<String, Long>> refusedUntilNanos = new HashMap<>();
    private long offerSeq;

    /**
     * @param host the address agents' offer URLs carry
     * @param leading whether the master leads: one that does not makes no offers
     */
    Allocator(String masterId, String host, BooleanSupplier leading, MasterState state) {
        this.masterId = masterId;
        this.host = host;
        this.leading = leading;
        this.frameworks = state.frameworks;
        this.agents = state.agents;
        this.unreachable = state.unreachable;
        this.tasks = state.tasks;
        this.executors = state.executors;
        this.offers = state.offers;
    }

    /** Starts the periodic offer round on the master's actor. */
    void start(Actor actor, Duration interval) {
        actor.every(interval.toMillis(), this::allocate);
    }

    /** A (re-)subscription starts afresh: no filters, suppressed only if it asked to be. */
    void subscribed(String frameworkId, boolean suppress) {
        if (suppress) {
            suppressed.add(frameworkId);
        } else {
            suppressed.remove(frameworkId);
        }
        refusedUntilNanos.remove(frameworkId);
    }

    void suppress(String frameworkId) {
        suppressed.add(frameworkId);
    }

    /** REVIVE: filters and suppression go, and offers are made now, not at the next round (as Mesos' allocator does). */
    void revive(String frameworkId) {
        suppressed.remove(frameworkId);
        refusedUntilNanos.remove(frameworkId);
        allocate();
    }

    boolean suppressed(String frameworkId) {
        return suppressed.contains(frameworkId);
    }

    /** A framework removed leaves no filters or suppression behind. */
    void removeFramework(String frameworkId) {
        suppressed.remove(frameworkId);
        refusedUntilNanos.remove(frameworkId);
    }

    /** Filters an agent out of the framework's offers for refuse_seconds (default 5 s) after a DECLINE or ACCEPT. */
    void refuse(String frameworkId, String agentId, Filters filters) {
        double seconds = filters == null || !filters.hasRefuseSeconds() || filters.getRefuseSeconds() < 0
                ? DEFAULT_REFUSE_SECONDS : Math.min(filters.getRefuseSeconds(), MAX_REFUSE_SECONDS);
        if (seconds > 0) {
            refusedUntilNanos.computeIfAbsent(frameworkId, k -> new LinkedHashMap<>())
                    .put(agentId, System.nanoTime() + (long) (seconds * 1e9));
        }
    }

    void allocate() {
        if (!leading.getAsBoolean()) {
            return;
        }
        for (MasterState.FrameworkEntry fw : frameworks.values()) {
            if (fw.stream == null || suppressed.contains(fw.id.getValue())) {
                continue;
            }
            List<Offer> batch = new ArrayList<>();
            boolean refinement = fw.info.getCapabilitiesList().stream()
                    .anyMatch(c -> c.getType() == org.apache.mesos.v1.Protos.FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT);
            long now = System.nanoTime();
            Map<String, Resources> used = usedByAgent();
            Map<String, Long> refused = refusedUntilNanos.getOrDefault(fw.id.getValue(), Map.of());
            for (MasterState.AgentEntry agent : agents.values()) {
                if (unreachable.containsKey(agent.id().getValue())) {
                    continue;
                }
                Long refusedUntil = refused.get(agent.id().getValue());
                if (refusedUntil != null && refusedUntil > now) {
                    continue;
                }
                Resources taken = used.get(agent.id().getValue());
                Resources free = (taken == null ? agent.total() : agent.total().minus(taken))
                        .offerableTo(fw.role().isEmpty() ? "*" : fw.role());
                if (!free.allocatable()) {
                    continue;
                }
                Offer offer = Offer.newBuilder()
                        .setId(OfferID.newBuilder().setValue(masterId + "-O" + offerSeq++))
                        .setFrameworkId(fw.id)
                        .setAgentId(agent.id())
                        .setHostname(agent.hostname())
                        .setUrl(org.apache.mesos.v1.Protos.URL.newBuilder().setScheme("http")
                                .setAddress(Address.newBuilder().setHostname(agent.hostname()).setIp(host).setPort(agent.port()))
                                .setPath("/slave(1)"))
                        .addAllResources(refinement ? Resources.refined(free.toProtos("*", false)) : free.toProtos("*", false))
                        .addAllAttributes(agent.agent().attributes())
                        .addAllExecutorIds(executors.ids(agent.id().getValue(), fw.id.getValue()).stream()
                                .map(id -> ExecutorID.newBuilder().setValue(id).build()).toList())
                        .build();
                offers.put(offer.getId().getValue(), new MasterState.OfferEntry(offer, fw.id.getValue(), agent.id().getValue(), free));
                batch.add(offer);
            }
            if (!batch.isEmpty()) {
                fw.stream.send(Event.newBuilder().setType(Event.Type.OFFERS)
                        .setOffers(Event.Offers.newBuilder().addAllOffers(batch)).build());
            }
        }
    }

    /** What tasks, executors and outstanding offers hold, per agent: one pass over each, not one per agent. */
    private Map<String, Resources> usedByAgent() {
        Map<String, Resources> used = new HashMap<>();
        for (MasterState.TaskEntry task : tasks.values()) {
            if (!TaskStates.isTerminal(task.state)) {
                used.merge(task.agentId, task.resources, Resources::plus);
            }
        }
        executors.forEach((agentId, frameworkId, res) -> used.merge(agentId, res, Resources::plus));
        for (MasterState.OfferEntry offer : offers.values()) {
            used.merge(offer.agentId(), offer.resources(), Resources::plus);
        }
        return used;
    }
}
