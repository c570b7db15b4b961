package io.mesosoperator.scheduler.cassandra;

import com.fasterxml.jackson.databind.JsonNode;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A scale-down of the ring: removed nodes stay (as pods) until decommissioned, the highest first,
 * through its JMX port; a node once decommissioned never rejoins, so that is remembered in the
 * status until its task is gone.
 *
 * @param decommissioned removed nodes whose decommission is done (their tasks still to stop)
 * @param leaving        removed nodes still in the ring; the highest is the one decommissioned now
 * @param podCount       how many instances stay pods: the spec's nodes and those leaving
 * @param waitFor        what the decommission under way waits for; null once started or when none is due
 */
record ScaleDown(Set<Integer> decommissioned, TreeSet<Integer> leaving, int podCount, String waitFor) {

    /**
     * Which nodes are leaving or gone, and the next decommission step (asked of the probe).
     *
     * @param active instances whose task has not ended (nor been given up on a lost agent)
     */
    static ScaleDown plan(CassandraProbe probe, ResourceKey key, CassandraSpec spec, Set<Integer> active,
                          JsonNode previousWorkload, Map<Integer, TaskRecord> running, CassandraProbe.Snapshot seen,
                          String datacenter, String jmxPassword) {
        Set<Integer> decommissioned = new TreeSet<>();
        TreeSet<Integer> leaving = new TreeSet<>();
        Set<Integer> decommissionedBefore = new HashSet<>();
        if (previousWorkload != null) {
            previousWorkload.path("decommissioned").forEach(n -> decommissionedBefore.add(n.asInt()));
        }
        for (int i : active) {
            if (i >= spec.nodes()) {
                CassandraProbe.Decommission d = probe.decommission(key, i);
                if (decommissionedBefore.contains(i) || (d != null && d.done())) {
                    decommissioned.add(i);
                } else {
                    leaving.add(i);
                }
            }
        }
        int podCount = leaving.isEmpty() ? spec.nodes() : leaving.last() + 1;
        String waitFor = null;
        if (!leaving.isEmpty()) {
            waitFor = decommission(probe, key, leaving.last(), podCount - 1, running, seen, datacenter, jmxPassword);
        }
        return new ScaleDown(decommissioned, leaving, podCount, waitFor);
    }

    /**
     * Starts (or keeps waiting for) the decommission of node {@code instance}; returns what it
     * waits for, null once started or done.
     */
    private static String decommission(CassandraProbe probe, ResourceKey key, int instance, int remaining,
                                       Map<Integer, TaskRecord> running, CassandraProbe.Snapshot seen, String datacenter,
                                       String jmxPassword) {
        CassandraProbe.Decommission d = probe.decommission(key, instance);
        if (d != null && d.running()) {
            return null;
        }
        TaskRecord task = running.get(instance);
        if (task == null) {
            return "node " + instance + " is not running; it is decommissioned once it runs again";
        }
        if (seen == null || seen.error() != null) {
            return "waiting for the driver to look at the ring";
        }
        String blocker = CassandraReconciler.replicationBlocker(seen.replication(), remaining, datacenter);
        if (blocker != null) {
            return blocker;
        }
        List<String> down = seen.nodes().stream().filter(n -> !"UP".equals(n.state()))
                .map(CassandraProbe.NodeView::storageAddress).toList();
        if (!down.isEmpty()) {
            return "node(s) " + down + " are down: a decommission streams data to every remaining replica";
        }
        probe.requestDecommission(key, instance, task.address(CassandraNodeConfig.JMX_PORT),
                CassandraReconciler.needsForce(seen.replication(), remaining), CassandraNodeConfig.JMX_USER, jmxPassword);
        CassandraProbe.Decommission now = probe.decommission(key, instance);
        return now != null && "FAILED".equals(now.state()) ? "the last attempt failed (" + now.message()
                + "); trying again" : null;
    }

    /** What the Progressing condition says of it. */
    String progress() {
        return "decommissioning node " + leaving.last() + (waitFor == null ? "" : ": " + waitFor);
    }
}
