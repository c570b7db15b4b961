package io.mesosoperator.local.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rewrites what one side answered so that only what a framework could rely on is left to compare.
 * Each rule stands for a value that the two sides choose independently and legitimately differently:
 * <ul>
 * <li>ids a master makes up: its own id (a random UUID, part of every framework, agent and offer
 *     id), the framework and agent ids, offer ids (their counter depends on how many offers the
 *     allocator made, i.e. on timing), and any other UUID (stream ids, container ids);</li>
 * <li>where the clusters run: master and agent ports (free ports), the agent's work directory
 *     (a temporary directory), the agent's block of task ports (leased machine-wide), pids;</li>
 * <li>clock readings: timestamps, registration times;</li>
 * <li>status update uuids, random by definition (only that one is there, and is 16 bytes, counts).</li>
 * </ul>
 * Values are learned as the session reveals them ({@link #learn}); a placeholder keeps the value's
 * JSON type visible where it matters (a timestamp printed as a string stays a string).
 */
final class Normalizer {
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern OFFER = Pattern.compile("<master>-O\\d+");
    private static final Set<String> TIMES = Set.of("timestamp", "registered_time", "unregistered_time",
            "start_time", "elected_time", "nanoseconds");

    private final Map<String, String> literals = new LinkedHashMap<>();
    private long masterPort = -1;
    private long agentPort = -1;
    private long portsBegin = -1;
    private long portsEnd = -1;

    /** From now on, {@code value} anywhere in a text reads {@code placeholder}. */
    Normalizer learn(String value, String placeholder) {
        if (value != null && !value.isEmpty()) {
            literals.put(value, placeholder);
        }
        return this;
    }

    Normalizer masterPort(long port) {
        masterPort = port;
        return learn("127.0.0.1:" + port, "127.0.0.1:<master-port>");
    }

    Normalizer agentPort(long port) {
        agentPort = port;
        return learn("127.0.0.1:" + port, "127.0.0.1:<agent-port>");
    }

    /** The agent's task ports: numbers in the block read as offsets into it. */
    Normalizer ports(long begin, long end) {
        portsBegin = begin;
        portsEnd = end;
        return learn("[" + begin + "-" + end + "]", "[<ports>]");
    }

    String text(String value) {
        String out = value;
        // longest first: a framework id contains the master id
        List<Map.Entry<String, String>> byLength = new ArrayList<>(literals.entrySet());
        byLength.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
        for (Map.Entry<String, String> e : byLength) {
            out = out.replace(e.getKey(), e.getValue());
        }
        out = OFFER.matcher(out).replaceAll("<master>-O<n>");
        return UUID.matcher(out).replaceAll("<uuid>");
    }

    JsonNode json(JsonNode node) {
        return json(null, node);
    }

    private JsonNode json(String field, JsonNode node) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (node.isObject()) {
            ObjectNode out = nodes.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), json(e.getKey(), e.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            List<JsonNode> elements = new ArrayList<>();
            node.forEach(element -> elements.add(json(field, element)));
            if ("executor_ids".equals(field)) {
                // an offer's executors come in the order of a hash map in Mesos
                elements.sort(Comparator.comparing(JsonNode::toString));
            }
            ArrayNode out = nodes.arrayNode();
            elements.forEach(out::add);
            return out;
        }
        if (node.isTextual()) {
            if ("uuid".equals(field)) {
                return TextNode.valueOf(uuid(node.asText()));
            }
            return TextNode.valueOf(text(node.asText()));
        }
        if (node.isNumber() && field != null) {
            if (TIMES.contains(field)) {
                return TextNode.valueOf("<time:number>");
            }
            long value = node.asLong();
            if (field.equals("executor_pid") || field.equals("pid")) {
                return TextNode.valueOf("<pid:number>");
            }
            if (field.equals("port") && value == masterPort) {
                return TextNode.valueOf("<master-port:number>");
            }
            if (field.equals("port") && value == agentPort) {
                return TextNode.valueOf("<agent-port:number>");
            }
            if ((field.equals("begin") || field.equals("end")) && value >= portsBegin && value <= portsEnd) {
                return TextNode.valueOf("<ports+" + (value - portsBegin) + ":number>");
            }
        }
        return node;
    }

    /** A status update uuid: only that it is 16 bytes of base64 matters. */
    private static String uuid(String base64) {
        try {
            return "<uuid:" + Base64.getDecoder().decode(base64).length + " bytes>";
        } catch (IllegalArgumentException e) {
            return base64;
        }
    }
}
