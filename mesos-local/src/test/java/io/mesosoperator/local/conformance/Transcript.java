package io.mesosoperator.local.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one side (a real Mesos or mesos-local) answered to a scripted session, normalized: one
 * entry per HTTP answer, awaited event or observation, each under the label of the script step
 * that produced it. Two transcripts of the same script are compared entry by entry, field by field.
 */
final class Transcript {
    record Entry(String label, JsonNode value) {}

    private final String side;
    private final List<Entry> entries = new ArrayList<>();

    Transcript(String side) {
        this.side = side;
    }

    void add(String label, JsonNode value) {
        entries.add(new Entry(label, value));
    }

    List<Entry> entries() {
        return entries;
    }

    /** Readable for a failure report: one entry per line. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("--- " + side + " (" + entries.size() + " entries)\n");
        entries.forEach(e -> out.append(e.label()).append(": ").append(e.value()).append('\n'));
        return out.toString();
    }

    /**
     * Every difference between the two, each naming the entry (script step) and the field:
     * {@code [12] UPDATE cmd TASK_RUNNING: update.status.container_status: real {..}, local absent}.
     */
    static List<String> differences(Transcript real, Transcript local) {
        List<String> out = new ArrayList<>();
        int n = Math.max(real.entries.size(), local.entries.size());
        for (int i = 0; i < n; i++) {
            Entry r = i < real.entries.size() ? real.entries.get(i) : null;
            Entry l = i < local.entries.size() ? local.entries.get(i) : null;
            if (r == null || l == null || !r.label().equals(l.label())) {
                out.add("[" + i + "] the scripts diverged: real has " + (r == null ? "nothing" : "'" + r.label() + "'")
                        + ", local has " + (l == null ? "nothing" : "'" + l.label() + "'"));
                break; // everything after is out of step
            }
            String where = "[" + i + "] " + r.label();
            compare(where, "", r.value(), l.value(), out);
        }
        return out;
    }

    private static void compare(String where, String path, JsonNode real, JsonNode local, List<String> out) {
        if (real == null || local == null) {
            if (real != local) {
                out.add(where + ": " + name(path) + ": real " + show(real) + ", local " + show(local));
            }
            return;
        }
        if (real.isObject() && local.isObject()) {
            Set<String> keys = new LinkedHashSet<>();
            real.fieldNames().forEachRemaining(keys::add);
            local.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                compare(where, path.isEmpty() ? key : path + "." + key, real.get(key), local.get(key), out);
            }
            List<String> realOrder = fieldNames(real);
            List<String> localOrder = fieldNames(local);
            if (realOrder.size() == localOrder.size() && new LinkedHashSet<>(realOrder).equals(new LinkedHashSet<>(localOrder))
                    && !realOrder.equals(localOrder)) {
                out.add(where + ": " + name(path) + ": fields in another order: real " + realOrder + ", local " + localOrder);
            }
            return;
        }
        if (real.isArray() && local.isArray()) {
            for (int i = 0; i < Math.max(real.size(), local.size()); i++) {
                compare(where, path + "[" + i + "]", real.get(i), local.get(i), out);
            }
            return;
        }
        // same text but another JSON type (a number printed as a string) is a difference too
        if (!real.equals(local) || real.getNodeType() != local.getNodeType()) {
            out.add(where + ": " + name(path) + ": real " + show(real) + ", local " + show(local));
        }
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            names.add(it.next().getKey());
        }
        return names;
    }

    private static String name(String path) {
        return path.isEmpty() ? "(the whole entry)" : path;
    }

    private static String show(JsonNode node) {
        if (node == null) {
            return "absent";
        }
        String text = node.toString();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
