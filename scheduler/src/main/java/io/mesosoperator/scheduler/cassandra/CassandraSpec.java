package io.mesosoperator.scheduler.cassandra;

import java.util.Map;

/** The spec of a CassandraCluster, as resource-specs/cassandra.schema.json defines it (defaults applied). */
public record CassandraSpec(
        int nodes,
        double cpus,
        double mem,
        int heap,
        double disk,
        String clusterName,
        String datacenter,
        String rack,
        String datacenterFromAttribute,
        String rackFromAttribute,
        int seeds,
        String distribution,
        Map<String, Object> config,
        int maxNodesPerAgent,
        String strategy) {

    /** A spec with literal datacenter and rack (no agent attribute). */
    public CassandraSpec(int nodes, double cpus, double mem, int heap, double disk, String clusterName, String datacenter,
                         String rack, int seeds, String distribution, Map<String, Object> config, int maxNodesPerAgent,
                         String strategy) {
        this(nodes, cpus, mem, heap, disk, clusterName, datacenter, rack, null, null, seeds, distribution, config,
                maxNodesPerAgent, strategy);
    }

    /** How many of the first nodes are seeds: at most all of them. */
    int seedCount() {
        return Math.min(seeds, nodes);
    }
}
