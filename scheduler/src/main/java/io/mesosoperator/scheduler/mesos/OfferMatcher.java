package io.mesosoperator.scheduler.mesos;

import io.mesosoperator.scheduler.reconcile.PodSpec;
import java.util.ArrayList;
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
 * resource's tasks wins. Pure: decides, the Operator acts.
 */
public final class OfferMatcher {
    private OfferMatcher() {}

    /** A pod placed on an offer, with the ports picked for it. */
    public record Placement(PodSpec pod, List<Long> ports) {}

    /** Placements per offer id; offers without any are to be declined. */
    public record Result(Map<String, List<Placement>> placements, List<PodSpec> unplaced) {}

    /**
     * @param activeOnAgent how many tasks of the pod's resource already run on an agent
     */
    public static Result match(List<PodSpec> pending, List<Offer> offers, double executorCpus, double executorMemMb,
                               ToIntBiFunction<PodSpec, String> activeOnAgent) {
        Map<String, Remaining> remaining = new LinkedHashMap<>();
        for (Offer offer : offers) {
            remaining.put(offer.getId().getValue(), Remaining.of(offer));
        }
        Map<String, List<Placement>> placements = new LinkedHashMap<>();
        Map<String, Integer> placedOnAgent = new LinkedHashMap<>();
        List<PodSpec> unplaced = new ArrayList<>();
        for (PodSpec pod : pending) {
            Remaining best = null;
            int bestLoad = Integer.MAX_VALUE;
            for (Remaining r : remaining.values()) {
                if (!r.fits(pod, executorCpus, executorMemMb)) {
                    continue;
                }
                String agentKey = pod.resource() + "@" + r.agentId;
                int load = activeOnAgent.applyAsInt(pod, r.agentId) + placedOnAgent.getOrDefault(agentKey, 0);
                if (load < bestLoad) {
                    best = r;
                    bestLoad = load;
                }
            }
            if (best == null) {
                unplaced.add(pod);
                continue;
            }
            List<Long> ports = best.take(pod, executorCpus, executorMemMb);
            placements.computeIfAbsent(best.offerId, k -> new ArrayList<>()).add(new Placement(pod, ports));
            placedOnAgent.merge(pod.resource() + "@" + best.agentId, 1, Integer::sum);
        }
        return new Result(placements, unplaced);
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
                    continue; // reserved resources and volumes belong to stateful kinds (later)
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

        boolean fits(PodSpec pod, double executorCpus, double executorMem) {
            long freePorts = ports.stream().mapToLong(p -> p[1] - p[0] + 1).sum();
            return cpus + 1e-9 >= pod.cpus() + executorCpus
                    && mem + 1e-9 >= pod.memMb() + executorMem
                    && disk + 1e-9 >= pod.diskMb()
                    && freePorts >= pod.portNames().size();
        }

        List<Long> take(PodSpec pod, double executorCpus, double executorMem) {
            cpus -= pod.cpus() + executorCpus;
            mem -= pod.memMb() + executorMem;
            disk -= pod.diskMb();
            List<Long> taken = new ArrayList<>();
            while (taken.size() < pod.portNames().size()) {
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
