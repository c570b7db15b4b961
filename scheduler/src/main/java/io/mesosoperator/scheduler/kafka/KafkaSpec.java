package io.mesosoperator.scheduler.kafka;

import java.util.Map;

/** The spec of a KafkaCluster, as resource-specs/kafka.schema.json defines it (defaults applied). */
public record KafkaSpec(
        int brokers,
        int controllers,
        boolean dedicatedControllers,
        double cpus,
        double mem,
        int heap,
        double disk,
        String distribution,
        Map<String, Object> config,
        int maxBrokersPerAgent,
        String strategy,
        boolean drainOnScaleDown) {

    /** The controller quorum: the first brokers, at most all of them. */
    int quorumSize() {
        return Math.min(controllers, brokers);
    }
}
