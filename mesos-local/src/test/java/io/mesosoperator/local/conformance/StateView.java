package io.mesosoperator.local.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of a master's {@code /state} that mesos-local serves (docs/mesos-compatibility.md lists
 * it; the rest, such as {@code flags}, build and registration times, is a documented difference):
 * the master's own fields, the one agent, and the session's framework with its tasks and offers,
 * in the order the real master prints them.
 */
final class StateView {
    private static final Set<String> MASTER = Set.of("version", "id", "pid", "hostname", "activated_slaves",
            "deactivated_slaves", "unreachable_slaves", "leader", "leader_info");
    private static final Set<String> AGENT = Set.of("id", "hostname", "port", "attributes", "pid", "resources",
            "used_resources", "offered_resources", "reserved_resources", "unreserved_resources", "active", "deactivated",
            "version");
    private static final Set<String> FRAMEWORK = Set.of("id", "name", "used_resources", "offered_resources",
            "capabilities", "hostname", "webui_url", "active", "connected", "recovered", "user", "failover_timeout",
            "checkpoint", "role", "tasks", "unreachable_tasks", "completed_tasks", "offers");

    private StateView() {}

    static JsonNode of(JsonNode state, String frameworkId) {
        ObjectNode out = pick(state, MASTER);
        ArrayNode agents = out.putArray("slaves");
        state.path("slaves").forEach(a -> agents.add(pick(a, AGENT)));
        for (JsonNode framework : state.path("frameworks")) {
            if (framework.path("id").asText().equals(frameworkId)) {
                ObjectNode f = pick(framework, FRAMEWORK);
                for (String list : List.of("tasks", "unreachable_tasks", "completed_tasks")) {
                    // a master lists tasks in the order of a hash map
                    List<JsonNode> tasks = new ArrayList<>();
                    framework.path(list).forEach(tasks::add);
                    tasks.sort(Comparator.comparing(t -> t.path("id").asText()));
                    f.putArray(list).addAll(tasks);
                }
                out.set("framework", f);
            }
        }
        return out;
    }

    /** The node's fields that are in {@code keep}, in the node's order. */
    private static ObjectNode pick(JsonNode node, Set<String> keep) {
        ObjectNode out = Wire.JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (keep.contains(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            }
        }
        return out;
    }
}
