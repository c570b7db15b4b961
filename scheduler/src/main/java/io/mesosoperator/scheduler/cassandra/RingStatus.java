package io.mesosoperator.scheduler.cassandra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * status.workload of a CassandraCluster: the ring as the operator sees it, node by node, and the
 * addresses clients use; and what the previous one recorded of each node, read back.
 */
final class RingStatus {
    private RingStatus() {}

    /** What the previous status recorded of a node (for last-known seeds and nodes that are not running). */
    record Known(String hostId, String storageAddress, String nativeAddress) {}

    /** Each node the previous status.workload recorded, by instance. */
    static TreeMap<Integer, Known> known(JsonNode previous) {
        TreeMap<Integer, Known> known = new TreeMap<>();
        if (previous != null) {
            for (JsonNode n : previous.path("nodes")) {
                if (n.hasNonNull("instance")) {
                    known.put(n.path("instance").asInt(), new Known(text(n, "hostId"), text(n, "storageAddress"),
                            text(n, "nativeAddress")));
                }
            }
        }
        return known;
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.path(field).asText() : null;
    }

    /** status.workload: the ring as the operator sees it, node by node, and the addresses clients use. */
    static ObjectNode workload(CassandraProbe probe, ResourceKey key, String datacenter, String clusterName, int seedCount,
                               TreeMap<Integer, Known> known, Map<Integer, TaskRecord> running,
                               CassandraProbe.Snapshot seen, ScaleDown scaleDown, List<String> contactPoints,
                               TreeMap<Integer, String> removalWait) {
        int podCount = scaleDown.podCount();
        Set<Integer> decommissioned = scaleDown.decommissioned();
        TreeSet<Integer> leaving = scaleDown.leaving();
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("clusterName", clusterName);
        if (datacenter != null) {
            details.put("datacenter", datacenter);
        }
        details.put("contactPoints", String.join(",", contactPoints));
        ArrayNode nodes = details.putArray("nodes");
        Set<String> mapped = new HashSet<>();
        int last = Math.max(podCount, known.isEmpty() ? 0 : known.lastKey() + 1);
        for (int i = 0; i < last; i++) {
            TaskRecord task = running.get(i);
            Known before = known.get(i);
            CassandraProbe.NodeView node = null;
            if (seen != null && task != null) {
                node = seen.byNativeAddress(task.address(CassandraNodeConfig.NATIVE_PORT));
            }
            if (node == null && seen != null && before != null && task == null) {
                node = seen.byHostId(before.hostId());
            }
            if (i >= podCount && node == null && task == null) {
                continue; // a removed node that is gone
            }
            ObjectNode n = nodes.addObject();
            n.put("instance", i);
            n.put("seed", i < seedCount);
            String hostId = node != null ? node.hostId() : before != null ? before.hostId() : null;
            if (hostId != null) {
                n.put("hostId", hostId);
                mapped.add(hostId);
            }
            String storage = task != null ? task.address(CassandraNodeConfig.STORAGE_PORT)
                    : before != null ? before.storageAddress() : null;
            String nativeAddress = task != null ? task.address(CassandraNodeConfig.NATIVE_PORT)
                    : before != null ? before.nativeAddress() : null;
            if (storage != null) {
                n.put("storageAddress", storage);
            }
            if (nativeAddress != null) {
                n.put("nativeAddress", nativeAddress);
            }
            if (node != null && node.rack() != null) {
                n.put("rack", node.rack());
            }
            n.put("state", nodeState(i, task, node, decommissioned, leaving));
        }
        if (seen != null) {
            // ring members no instance accounts for (e.g. a node lost with its agent): removenode is the user's
            for (CassandraProbe.NodeView node : seen.nodes()) {
                if (node.hostId() != null && !mapped.contains(node.hostId())) {
                    ObjectNode n = details.withArray("otherRingMembers").addObject();
                    n.put("hostId", node.hostId());
                    n.put("storageAddress", node.storageAddress());
                    n.put("state", node.state());
                }
            }
            ObjectNode keyspaces = details.putObject("replication");
            seen.replication().forEach((ks, rf) -> {
                if (!CassandraReconciler.isSystemKeyspace(ks)) {
                    keyspaces.put(ks, rf);
                }
            });
            if (seen.error() != null) {
                details.put("lastError", seen.error());
            }
        }
        if (!removalWait.isEmpty()) {
            // like nodetool removenode status: the lost node leaving the ring before its instance starts afresh
            int target = removalWait.firstKey();
            ObjectNode r = details.putObject("removenode");
            r.put("instance", target);
            Known before = known.get(target);
            if (before != null && before.hostId() != null) {
                r.put("hostId", before.hostId());
            }
            CassandraProbe.Removal state = probe.removal(key, target);
            r.put("state", state != null && before != null && state.hostId().equals(before.hostId()) ? state.state() : "WAITING");
            r.put("message", removalWait.get(target));
        }
        if (!decommissioned.isEmpty()) {
            decommissioned.forEach(details.putArray("decommissioned")::add);
        }
        if (!leaving.isEmpty()) {
            ObjectNode d = details.putObject("decommission");
            int target = leaving.last();
            d.put("instance", target);
            CassandraProbe.Decommission state = probe.decommission(key, target);
            d.put("state", state != null ? state.state() : "WAITING");
            String message = scaleDown.waitFor() != null ? scaleDown.waitFor() : state != null ? state.message() : null;
            if (message != null) {
                d.put("message", message);
            }
        }
        return details;
    }

    /** UN (up, normal: serving), UL (leaving), DN (down), or where a node not in the ring is. */
    private static String nodeState(int instance, TaskRecord task, CassandraProbe.NodeView node,
                                    Set<Integer> decommissioned, TreeSet<Integer> leaving) {
        if (decommissioned.contains(instance)) {
            return "DECOMMISSIONED";
        }
        if (node == null) {
            return task == null ? "NOT_RUNNING" : "STARTING";
        }
        if (!"UP".equals(node.state())) {
            return "DN";
        }
        if (!leaving.isEmpty() && leaving.last() == instance) {
            return "UL";
        }
        return node.serving() ? "UN" : "UP_NOT_SERVING";
    }
}
