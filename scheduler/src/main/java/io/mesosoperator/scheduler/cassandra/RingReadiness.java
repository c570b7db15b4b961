package io.mesosoperator.scheduler.cassandra;

import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.SnapshotReadiness;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The ring as the driver sees it, for the shared mechanism: a node is ready once it is UP and
 * answers a query as bootstrapped; a rolling update waits while a node is down or leaving; a node
 * lost with its agent must leave the ring before its instance starts afresh.
 */
final class RingReadiness extends SnapshotReadiness {
    private final CassandraProbe.Snapshot seen;
    private final TreeSet<Integer> leaving;
    private final Map<Integer, String> removalWait;

    /**
     * @param leaving     nodes being decommissioned (the highest first)
     * @param removalWait per instance whose lost node is not yet out of the ring: what it waits for
     */
    RingReadiness(CassandraProbe.Snapshot seen, TreeSet<Integer> leaving, Map<Integer, String> removalWait) {
        super(seen == null ? null : seen.takenAt(), "waiting for the driver to look at the ring");
        this.seen = seen;
        this.leaving = leaving;
        this.removalWait = removalWait;
    }

    @Override
    public String launchBlocker(PodSpec pod) {
        return removalWait.get(pod.instance()); // its lost node must leave the ring before it starts afresh
    }

    @Override
    protected String notReadyInSnapshot(TaskRecord task) {
        if (seen.error() != null) {
            return seen.error();
        }
        CassandraProbe.NodeView node = seen.byNativeAddress(task.address(CassandraNodeConfig.NATIVE_PORT));
        if (node == null) {
            return "node " + task.instance() + " is not in the ring yet (starting or bootstrapping)";
        }
        if (!"UP".equals(node.state())) {
            return "node " + task.instance() + " is " + node.state() + " in the driver's view";
        }
        if (!node.serving()) {
            return "node " + task.instance() + " does not answer queries as bootstrapped yet";
        }
        return null;
    }

    @Override
    public String rollBlocker() {
        if (seen == null || seen.error() != null) {
            return "no answer from the ring yet";
        }
        if (!leaving.isEmpty()) {
            return "node " + leaving.last() + " is being decommissioned";
        }
        List<String> down = seen.nodes().stream().filter(n -> !"UP".equals(n.state()) || !n.serving())
                .map(CassandraProbe.NodeView::storageAddress).toList();
        return down.isEmpty() ? null : "node(s) " + down + " not UP and serving";
    }
}
