package io.mesosoperator.scheduler.kafka;

import io.mesosoperator.scheduler.kind.ReservedSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The spec of a KafkaCluster, as resource-specs/kafka.schema.json defines it (defaults applied),
 * and which instances it asks for. Broker N is instance N (node.id N) in both modes. In combined
 * mode the first {@code controllers} brokers also run the controllers; with dedicated controllers,
 * controller K is a controller-only instance {@value #CONTROLLER_BASE}+K (its node.id too), so the
 * two never share a number however either is scaled.
 */
public record KafkaSpec(
        int brokers,
        int controllers,
        boolean dedicatedControllers,
        double cpus,
        double mem,
        int heap,
        double disk,
        ControllerResources controllerResources,
        String distribution,
        Map<String, Object> config,
        int maxBrokersPerAgent,
        Integer maxControllersPerAgent,
        String strategy,
        boolean drainOnScaleDown) {

    /** Dedicated controllers' own sizes; null fields are the spec's. */
    public record ControllerResources(Double cpus, Double mem, Integer heap, Double disk) {}

    /**
     * The spec as the dedicated controllers run it: their own cpus, mem, heap and disk where
     * spec.controllerResources gives them, the spec's otherwise; everything else the same.
     */
    KafkaSpec forControllers() {
        ControllerResources c = controllerResources;
        if (c == null) {
            return this;
        }
        return new KafkaSpec(brokers, controllers, dedicatedControllers, c.cpus() != null ? c.cpus() : cpus,
                c.mem() != null ? c.mem() : mem, c.heap() != null ? c.heap() : heap, c.disk() != null ? c.disk() : disk,
                null, distribution, config, maxBrokersPerAgent, maxControllersPerAgent, strategy, drainOnScaleDown);
    }

    /** What each instance sized by this spec reserves with its volume. */
    ReservedSize reservedSize() {
        return new ReservedSize(cpus, mem, disk);
    }

    /** The first dedicated controller's instance and node.id; brokers (at most 1000) stay below it. */
    static final int CONTROLLER_BASE = 1000;

    /** The controller quorum: combined mode, the first brokers, at most all of them; else the controller-only instances. */
    int quorumSize() {
        return dedicatedControllers ? controllers : Math.min(controllers, brokers);
    }

    /** The node ids (= instances) that run a controller, in order; the first founds the quorum. */
    List<Integer> controllerIds() {
        List<Integer> ids = new ArrayList<>();
        int first = dedicatedControllers ? CONTROLLER_BASE : 0;
        for (int k = 0; k < quorumSize(); k++) {
            ids.add(first + k);
        }
        return ids;
    }

    /** The instance whose storage is formatted as the only voter (--standalone) when the cluster is new. */
    int founder() {
        return dedicatedControllers ? CONTROLLER_BASE : 0;
    }

    /** Whether instance {@code id} runs a controller (a dedicated controller beyond the count is one leaving the quorum). */
    boolean runsController(int id) {
        return dedicatedControllers ? id >= CONTROLLER_BASE : id < quorumSize();
    }

    /** Whether instance {@code id} runs a broker. */
    boolean runsBroker(int id) {
        return !dedicatedControllers || id < CONTROLLER_BASE;
    }

    /** Placement limit of dedicated controllers: by default one per agent, so an agent's loss costs one voter. */
    int controllersPerAgent() {
        return maxControllersPerAgent == null ? 1 : maxControllersPerAgent;
    }
}
