package io.mesosoperator.scheduler.placement;

import io.mesosoperator.scheduler.kind.PodSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntBiFunction;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/**
 * Places waiting pods on offered resources (unreserved, role "*" for now). Spreads the instances
 * of one resource across agents: among offers that fit, the agent with the fewest of that
 * resource's tasks of the pod's group wins, and a pod's {@code maxPerAgent} counts those too
 * (Kafka's controllers and brokers are placed independently). A pod with required attributes goes
 * only to agents whose offers carry them (an agent without them is named in the reason the pod
 * waits). Pure: decides, the Operator acts.
 */
public final class OfferMatcher {
    private OfferMatcher() {}

    /** A pod placed on an offer, with the ports picked for it. */
    public record Placement(PodSpec pod, List<Long> ports) {}

    /**
     * Placements per offer id (offers without any are to be declined), and for each pod that found
     * no place, why: what was short on how many of the offered agents.
     */
    public record Result(Map<String, List<Placement>> placements, List<PodSpec> unplaced, Map<PodSpec, String> reasons) {}

    /** Where stateful pods may go: only to the agent holding their reservation, taking cpus/mem from it. */
    public interface Constraints {
        Constraints NONE = new Constraints() { };

        /** False when the offer cannot take the pod at all. */
        default boolean eligible(PodSpec pod, Offer offer) {
            return true;
        }

        /** True when the pod's cpus, mem and volume come from a reservation this offer holds. */
        default boolean reserved(PodSpec pod, Offer offer) {
            return false;
        }
    }

    public static Result match(List<PodSpec> pending, List<Offer> offers, double executorCpus, double executorMemMb,
                               ToIntBiFunction<PodSpec, String> activeOnAgent) {
        return match(pending, offers, executorCpus, executorMemMb, activeOnAgent, Constraints.NONE);
    }

    /**
     * @param executorCpus what our executor takes, added to the need of each pod it runs
     *     ({@link TaskFactory#usesOperatorExecutor}); a command task needs only its own resources
     * @param executorMemMb likewise for mem
     * @param activeOnAgent how many tasks of the pod's resource and group already run on an agent
     */
    public static Result match(List<PodSpec> pending, List<Offer> offers, double executorCpus, double executorMemMb,
                               ToIntBiFunction<PodSpec, String> activeOnAgent, Constraints constraints) {
        Map<String, Offer> byId = new LinkedHashMap<>();
        offers.forEach(o -> byId.put(o.getId().getValue(), o));
        Map<String, Remaining> remaining = new LinkedHashMap<>();
        for (Offer offer : offers) {
            remaining.put(offer.getId().getValue(), Remaining.of(offer));
        }
        Map<String, List<Placement>> placements = new LinkedHashMap<>();
        Load load = new Load(activeOnAgent);
        List<PodSpec> unplaced = new ArrayList<>();
        Map<PodSpec, String> reasons = new LinkedHashMap<>();
        // Pods without a reservation that need the same of the same resource are interchangeable: they
        // are placed from a heap of the offers that fit, least loaded first (O(pods log offers), not
        // pods x offers). A pod bound to its reservation looks at every offer itself.
        Map<List<Object>, List<PodSpec>> alike = new LinkedHashMap<>();
        for (PodSpec pod : pending) {
            if (pod.volume() == null) {
                alike.computeIfAbsent(java.util.Arrays.asList(pod.resource(), pod.group(),
                        Need.of(pod, false, executorCpus, executorMemMb), pod.maxPerAgent(), pod.requiredAttributes()),
                        k -> new ArrayList<>()).add(pod);
            } else {
                alike.put(List.of(pod), List.of(pod));
            }
        }
        for (List<PodSpec> group : alike.values()) {
            if (group.get(0).volume() == null) {
                placeAlike(group, remaining.values(), byId, Need.of(group.get(0), false, executorCpus, executorMemMb),
                        constraints, load, placements);
            } else {
                placeOne(group.get(0), remaining.values(), byId, executorCpus, executorMemMb, constraints, load,
                        placements);
            }
        }
        java.util.Set<PodSpec> placed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        placements.values().forEach(list -> list.forEach(p -> placed.add(p.pod())));
        for (List<PodSpec> group : alike.values()) {
            String why = null; // the same for every pod of an alike group
            for (PodSpec pod : group) {
                if (placed.contains(pod)) {
                    continue;
                }
                if (why == null) {
                    why = whyNot(pod, remaining.values(), byId, constraints, executorCpus, executorMemMb,
                            agent -> load.on(pod, agent));
                }
                unplaced.add(pod);
                reasons.put(pod, why);
            }
        }
        return new Result(placements, unplaced, reasons);
    }

    /** One load-ordered pass for interchangeable pods: pop the least loaded offer that still fits. */
    private static void placeAlike(List<PodSpec> group, java.util.Collection<Remaining> offers, Map<String, Offer> byId,
                                   Need need, Constraints constraints, Load load, Map<String, List<Placement>> placements) {
        PodSpec first = group.get(0);
        record Candidate(int load, int order, Remaining offer) {}
        java.util.PriorityQueue<Candidate> heap = new java.util.PriorityQueue<>(
                java.util.Comparator.comparingInt(Candidate::load).thenComparingInt(Candidate::order));
        int order = 0;
        for (Remaining r : offers) {
            order++;
            if (!constraints.eligible(first, byId.get(r.offerId)) || missing(first, byId.get(r.offerId)) != null
                    || !r.fits(need)) {
                continue;
            }
            heap.add(new Candidate(load.on(first, r.agentId), order, r));
        }
        for (PodSpec pod : group) {
            Candidate best = null;
            while (!heap.isEmpty()) {
                Candidate c = heap.poll();
                if (pod.maxPerAgent() != null && c.load() >= pod.maxPerAgent()) {
                    heap.clear(); // the least loaded is full, so all are: loads only grow
                    break;
                }
                if (c.offer().fits(need)) {
                    best = c;
                    break;
                }
            }
            if (best == null) {
                return;
            }
            List<Long> ports = best.offer().take(need);
            placements.computeIfAbsent(best.offer().offerId, k -> new ArrayList<>()).add(new Placement(pod, ports));
            load.add(pod, best.offer().agentId);
            heap.add(new Candidate(best.load() + 1, best.order(), best.offer()));
        }
    }

    /** A pod bound to its reservation (or otherwise special): every offer is looked at. */
    private static void placeOne(PodSpec pod, java.util.Collection<Remaining> offers, Map<String, Offer> byId,
                                 double executorCpus, double executorMemMb, Constraints constraints, Load load,
                                 Map<String, List<Placement>> placements) {
        Remaining best = null;
        int bestLoad = Integer.MAX_VALUE;
        Need bestNeed = null;
        for (Remaining r : offers) {
            Offer offer = byId.get(r.offerId);
            Need need = Need.of(pod, constraints.reserved(pod, offer), executorCpus, executorMemMb);
            if (!constraints.eligible(pod, offer) || missing(pod, offer) != null || !r.fits(need)) {
                continue;
            }
            int onAgent = load.on(pod, r.agentId);
            if (pod.maxPerAgent() != null && onAgent >= pod.maxPerAgent()) {
                continue;
            }
            if (onAgent < bestLoad) {
                best = r;
                bestLoad = onAgent;
                bestNeed = need;
            }
        }
        if (best != null) {
            List<Long> ports = best.take(bestNeed);
            placements.computeIfAbsent(best.offerId, k -> new ArrayList<>()).add(new Placement(pod, ports));
            load.add(pod, best.agentId);
        }
    }

    /** "no offer fits: of 3 agent(s) offered, 2 short of cpus (needs 100.05), 3 short of mem (needs 64)". */
    private static String whyNot(PodSpec pod, java.util.Collection<Remaining> offers, Map<String, Offer> byId,
                                 Constraints constraints, double executorCpus, double executorMem,
                                 java.util.function.ToIntFunction<String> loadOnAgent) {
        int eligible = 0;
        int full = 0;
        int cpus = 0;
        int mem = 0;
        int disk = 0;
        int ports = 0;
        Map<PodSpec.RequiredAttribute, Integer> lacking = new LinkedHashMap<>();
        Need need = null;
        for (Remaining r : offers) {
            Offer offer = byId.get(r.offerId);
            if (!constraints.eligible(pod, offer)) {
                continue;
            }
            eligible++;
            PodSpec.RequiredAttribute absent = missing(pod, offer);
            if (absent != null) {
                lacking.merge(absent, 1, Integer::sum);
            }
            if (pod.maxPerAgent() != null && loadOnAgent.applyAsInt(r.agentId) >= pod.maxPerAgent()) {
                full++;
            }
            need = Need.of(pod, constraints.reserved(pod, offer), executorCpus, executorMem);
            cpus += r.cpus + 1e-9 < need.cpus() ? 1 : 0;
            mem += r.mem + 1e-9 < need.mem() ? 1 : 0;
            disk += r.disk + 1e-9 < need.disk() ? 1 : 0;
            ports += r.ports.stream().mapToLong(p -> p[1] - p[0] + 1).sum() < need.ports() ? 1 : 0;
        }
        if (eligible == 0) {
            return "no offer from an eligible agent (a stateful instance waits for the agent holding its volume)";
        }
        List<String> shortages = new ArrayList<>();
        lacking.forEach((attribute, agents) -> shortages.add(agents + " lack" + (agents == 1 ? "s" : "")
                + " attribute " + attribute));
        if (cpus > 0) {
            shortages.add(cpus + " short of cpus (needs " + need.cpus() + ")");
        }
        if (mem > 0) {
            shortages.add(mem + " short of mem (needs " + need.mem() + " MB)");
        }
        if (disk > 0) {
            shortages.add(disk + " short of disk (needs " + need.disk() + " MB)");
        }
        if (ports > 0) {
            shortages.add(ports + " short of ports (needs " + need.ports() + ")");
        }
        if (full > 0) {
            shortages.add(full + " already run " + pod.maxPerAgent() + " instance(s) of " + pod.resource().name()
                    + (pod.group() == null ? "" : " in group " + pod.group()) + " (the most one agent may)");
        }
        return "no offer fits: of " + eligible + " agent(s) offered, " + (shortages.isEmpty()
                ? "the others' resources went to earlier instances" : String.join(", ", shortages));
    }

    /** The first attribute the pod requires that the offer's agent lacks (or has with another value); null when none. */
    static PodSpec.RequiredAttribute missing(PodSpec pod, Offer offer) {
        for (PodSpec.RequiredAttribute required : pod.requiredAttributes()) {
            String value = offer.getAttributesList().stream().filter(a -> a.getName().equals(required.name()))
                    .map(TaskFactory::attributeValue).filter(java.util.Objects::nonNull).findFirst().orElse(null);
            if (value == null || (required.value() != null && !required.value().equals(value))) {
                return required;
            }
        }
        return null;
    }

    /** How many tasks of a pod's resource and group an agent runs, counting those placed in this round. */
    private static final class Load {
        private final ToIntBiFunction<PodSpec, String> active;
        private final Map<String, Integer> placed = new HashMap<>();

        Load(ToIntBiFunction<PodSpec, String> active) {
            this.active = active;
        }

        int on(PodSpec pod, String agentId) {
            return active.applyAsInt(pod, agentId) + placed.getOrDefault(key(pod, agentId), 0);
        }

        void add(PodSpec pod, String agentId) {
            placed.merge(key(pod, agentId), 1, Integer::sum);
        }

        private static String key(PodSpec pod, String agentId) {
            return pod.resource() + (pod.group() == null ? "" : "/" + pod.group()) + "@" + agentId;
        }
    }

    /**
     * What a pod takes from an offer's unreserved resources: its own, plus our executor's share when
     * the pod runs under our executor. A command task needs only its own: the master does not count
     * Mesos' command executor (the agent adds its 0.1 cpus and 32 MB to the container's limits only,
     * MESOS-1718).
     */
    private record Need(double cpus, double mem, double disk, int ports) {
        static Need of(PodSpec pod, boolean reserved, double executorCpus, double executorMem) {
            double volume = pod.volume() == null || reserved ? 0 : pod.volume().sizeMb();
            boolean ourExecutor = TaskFactory.usesOperatorExecutor(pod);
            return new Need((reserved ? 0 : pod.cpus()) + (ourExecutor ? executorCpus : 0),
                    (reserved ? 0 : pod.memMb()) + (ourExecutor ? executorMem : 0), pod.diskMb() + volume,
                    pod.portNames().size());
        }
    }

    /** What is left of one offer while placing. */
    private static final class Remaining {
        final String offerId;
        final String agentId;
        double cpus;
        double mem;
        double disk;
        final List<long[]> ports = new ArrayList<>();

        private Remaining(String offerId, String agentId) {
            this.offerId = offerId;
            this.agentId = agentId;
        }

        static Remaining of(Offer offer) {
            Remaining r = new Remaining(offer.getId().getValue(), offer.getAgentId().getValue());
            for (Resource res : offer.getResourcesList()) {
                if (res.hasReservation() || res.getReservationsCount() > 0 || res.hasDisk()) {
                    continue; // reserved resources are matched by the Constraints, not counted here
                }
                switch (res.getName()) {
                    case "cpus" -> r.cpus += res.getScalar().getValue();
                    case "mem" -> r.mem += res.getScalar().getValue();
                    case "disk" -> r.disk += res.getScalar().getValue();
                    case "ports" -> {
                        for (Value.Range range : res.getRanges().getRangeList()) {
                            r.ports.add(new long[] {range.getBegin(), range.getEnd()});
                        }
                    }
                    default -> { }
                }
            }
            return r;
        }

        boolean fits(Need need) {
            long freePorts = ports.stream().mapToLong(p -> p[1] - p[0] + 1).sum();
            return cpus + 1e-9 >= need.cpus() && mem + 1e-9 >= need.mem() && disk + 1e-9 >= need.disk()
                    && freePorts >= need.ports();
        }

        List<Long> take(Need need) {
            cpus -= need.cpus();
            mem -= need.mem();
            disk -= need.disk();
            List<Long> taken = new ArrayList<>();
            while (taken.size() < need.ports()) {
                long[] first = ports.get(0);
                taken.add(first[0]);
                if (first[0] == first[1]) {
                    ports.remove(0);
                } else {
                    first[0]++;
                }
            }
            return taken;
        }
    }
}
