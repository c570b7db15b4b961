package io.mesosoperator.scheduler.cassandra;

import io.mesosoperator.scheduler.kind.ReconcileResult;
import io.mesosoperator.scheduler.kind.Reconciliation;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Node replacement: a node lost with its agent (unreachable past the recovery policy's wait) leaves
 * the ring first (removenode through a live node: its data streams from the remaining replicas),
 * then its instance gives up its volume on the dead agent and bootstraps elsewhere as a new node.
 * Each lost node's next step is {@link CassandraReconciler#lostNodeStep}.
 *
 * @param relocations instances whose lost node is out of the ring: their volume is given up
 * @param relocating  the instances of {@code relocations}: they start afresh, as new nodes
 * @param removalWait per instance whose lost node is not out of the ring yet: what its relaunch waits for
 */
record LostNodes(List<ReconcileResult.Relocation> relocations, Set<Integer> relocating,
                 TreeMap<Integer, String> removalWait) {

    /**
     * The next step for every lost node (asked of the probe), forgetting the removals of instances
     * no longer lost.
     *
     * @param highest the highest instance that has or had a task
     * @param known   what the previous status recorded of each node
     */
    static LostNodes handle(CassandraProbe probe, Reconciliation r, CassandraSpec spec, int highest,
                            Map<Integer, RingStatus.Known> known, CassandraProbe.Snapshot seen,
                            Map<Integer, TaskRecord> running, String jmxPassword) {
        ResourceKey key = r.key();
        TreeMap<Integer, TaskRecord> lost = lostWithTheirAgent(r);
        for (int i = 0; i <= highest; i++) {
            if (!lost.containsKey(i)) {
                probe.forgetRemoval(key, i);
            }
        }
        List<ReconcileResult.Relocation> relocations = new ArrayList<>();
        TreeMap<Integer, String> removalWait = new TreeMap<>();
        Set<Integer> relocating = new TreeSet<>();
        for (Map.Entry<Integer, TaskRecord> e : lost.entrySet()) {
            int i = e.getKey();
            if (i >= spec.nodes()) {
                continue; // scaled away: nothing to start again
            }
            RingStatus.Known before = known.get(i);
            String hostId = before == null ? null : before.hostId();
            CassandraReconciler.LostNodeStep step = CassandraReconciler.lostNodeStep(i, hostId, probe.removal(key, i),
                    seen, running, !removalWait.isEmpty());
            if (step.removeVia() != null) {
                probe.requestRemoval(key, i, hostId, step.removeVia(), CassandraNodeConfig.JMX_USER, jmxPassword);
            }
            if (step.waitFor() == null) {
                relocating.add(i);
                relocations.add(new ReconcileResult.Relocation(i, e.getValue().agentId(), "node " + i + "'s agent has"
                        + " been unreachable since " + e.getValue().unreachableSince()
                        + (hostId == null ? "" : "; host ID " + hostId + " is out of the ring")));
            } else {
                removalWait.put(i, step.waitFor());
            }
        }
        return new LostNodes(relocations, relocating, removalWait);
    }

    /**
     * Nodes lost with their agent: the newest task of each instance, when it is unreachable for
     * longer than the recovery policy waits for an agent to come back (reconcile.replaceUnreachableAfterSeconds).
     */
    static TreeMap<Integer, TaskRecord> lostWithTheirAgent(Reconciliation r) {
        TreeMap<Integer, TaskRecord> newest = new TreeMap<>();
        for (TaskRecord t : r.observed().tasks()) {
            TaskRecord other = newest.get(t.instance());
            if (other == null || String.valueOf(t.launchedAt()).compareTo(String.valueOf(other.launchedAt())) > 0) {
                newest.put(t.instance(), t);
            }
        }
        TreeMap<Integer, TaskRecord> lost = new TreeMap<>();
        newest.forEach((i, t) -> {
            if (!t.terminal() && r.givenUp(t)) {
                lost.put(i, t);
            }
        });
        return lost;
    }

    /** What the Progressing condition says while a lost node leaves the ring; null when none does. */
    String progress() {
        return removalWait.isEmpty() ? null : removalWait.firstEntry().getValue();
    }
}
