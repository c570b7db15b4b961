package io.mesosoperator.scheduler.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What each kind exports to references ({@link References}): the fields another resource may take,
 * and where each one's value is in the exporting resource's status. One table, as data; the README
 * lists the same. A value is text as the status has it; a list (or an object) becomes its items
 * joined by commas. A field ending in {@code .<port>} stands for one per named port: {@code
 * endpoints.http} is "host:port" of the port named http of each ready instance ({@code
 * status.instances[]} with {@code ready: true}, their {@code host} and {@code ports}), in instance
 * order, joined by commas.
 */
public final class Exports {
    /** The part of a field name that stands for a port's name. */
    static final String PORT = "<port>";
    private static final String PORT_NAME = "[a-z][a-z0-9-]*";

    /** kind -> exported field -> JSON pointer into the status. */
    private static final Map<String, Map<String, String>> FIELDS = Map.of(
            "KafkaCluster", Map.of("bootstrapServers", "/workload/bootstrapServers"),
            "CassandraCluster", Map.of("contactPoints", "/workload/contactPoints", "datacenter", "/workload/datacenter"),
            "AkkaService", Map.of("seedNodes", "/workload/seedNodes", "managementEndpoints", "/workload/managementEndpoints",
                    "endpoints." + PORT, "/instances"),
            "Service", Map.of("endpoints." + PORT, "/instances"));

    private Exports() {}

    /** The fields a kind exports, sorted ("endpoints.<port>" as written); empty for a kind that exports none. */
    public static List<String> of(String kind) {
        return List.copyOf(new TreeSet<>(FIELDS.getOrDefault(kind, Map.of()).keySet()));
    }

    /** Whether {@code kind} exports {@code field} (e.g. "endpoints.http" matches "endpoints.<port>"). */
    public static boolean exports(String kind, String field) {
        return entry(kind, field) != null;
    }

    /** The value of {@code field} in a resource's status (as JSON; may be null): null while it has none or it is empty. */
    public static String value(String kind, String field, JsonNode status) {
        String exported = entry(kind, field);
        if (exported == null || status == null) {
            return null;
        }
        JsonNode node = status.at(FIELDS.get(kind).get(exported));
        String text = exported.endsWith(PORT) ? addresses(node, portOf(field)) : text(node);
        return text == null || text.isEmpty() ? null : text;
    }

    /**
     * Why a per-port field has no value although the resource has endpoints: none of them has a
     * port of that name (e.g. "no port named htp (its ports: http)"); null otherwise.
     */
    public static String lackingPort(String kind, String field, JsonNode status) {
        String exported = entry(kind, field);
        if (exported == null || !exported.endsWith(PORT) || status == null) {
            return null;
        }
        TreeSet<String> names = new TreeSet<>();
        status.at(FIELDS.get(kind).get(exported)).forEach(e -> e.path("ports").fieldNames().forEachRemaining(names::add));
        String port = portOf(field);
        return names.isEmpty() || names.contains(port) ? null
                : "no port named " + port + " (its ports: " + String.join(", ", names) + ")";
    }

    private static String entry(String kind, String field) {
        Map<String, String> fields = FIELDS.get(kind);
        if (fields == null || field == null) {
            return null;
        }
        if (fields.containsKey(field) && !field.endsWith(PORT)) {
            return field;
        }
        int dot = field.lastIndexOf('.');
        String template = dot < 0 ? null : field.substring(0, dot + 1) + PORT;
        return template != null && fields.containsKey(template) && field.substring(dot + 1).matches(PORT_NAME)
                ? template : null;
    }

    private static String portOf(String field) {
        return field.substring(field.lastIndexOf('.') + 1);
    }

    /** "host:port" of the named port of each ready instance ({ready, host, ports: {name: port}}), in order. */
    private static String addresses(JsonNode instances, String port) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : instances) {
            JsonNode p = e.path("ports").path(port);
            if (e.path("ready").asBoolean() && e.hasNonNull("host") && p.canConvertToInt()) {
                out.add(e.get("host").asText() + ":" + p.asInt());
            }
        }
        return String.join(",", out);
    }

    private static String text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isContainerNode()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(item.asText()));
            return String.join(",", items);
        }
        return node.asText();
    }
}
