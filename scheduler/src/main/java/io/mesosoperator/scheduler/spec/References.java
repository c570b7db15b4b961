package io.mesosoperator.scheduler.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * References between resources: wherever a kind's schema allows one (every {@code env} value,
 * SparkJob's {@code sparkConf}, the {@code config} of KafkaCluster, CassandraCluster and
 * AkkaService), a value may be written as
 * <pre>{valueFrom: {resource: KafkaCluster/events, field: bootstrapServers}}</pre>
 * and is then taken from that resource's status when an instance launches ({@link Exports} says
 * which fields each kind exports). This class finds them in a spec, checks them at apply, and
 * substitutes their values; reading the other resource's status is the kinds' ({@code
 * kind/ResolvedSpec}).
 */
public final class References {
    public static final String VALUE_FROM = "valueFrom";

    private References() {}

    /**
     * One reference: where it is in the spec ({@code pointer}, e.g. "/spec/env/KAFKA"; {@code path}
     * "spec.env.KAFKA"), the resource it takes a value from, and which of its exported fields.
     */
    public record Reference(String pointer, ResourceKey resource, String field) {
        public String path() {
            return SpecValidator.dotted(pointer);
        }
    }

    /** A problem with a reference, at a JSON pointer of the document (e.g. /spec/env/X/valueFrom/field). */
    public record Problem(String pointer, String message) {
        public String path() {
            return SpecValidator.dotted(pointer);
        }
    }

    /** Whether a value is written as a reference: an object whose only field is valueFrom. */
    public static boolean isReference(JsonNode node) {
        return node != null && node.isObject() && node.size() == 1 && node.has(VALUE_FROM);
    }

    /** The well-formed references of a spec, in the order they are written (the others are {@link #check}'s). */
    public static List<Reference> in(JsonNode spec) {
        List<Reference> found = new ArrayList<>();
        walk(spec, "/spec", (pointer, node) -> {
            Reference r = parse(pointer, node);
            if (r != null) {
                found.add(r);
            }
        });
        return found;
    }

    /** The resources a spec takes values from, each once. */
    public static Set<ResourceKey> targets(JsonNode spec) {
        Set<ResourceKey> keys = new LinkedHashSet<>();
        in(spec).forEach(r -> keys.add(r.resource()));
        return keys;
    }

    /**
     * What is wrong with a spec's references, for an apply: each must name "Kind/name" of a kind
     * the operator runs ({@code kinds}) and a field that kind exports, and not the resource itself
     * ({@code self}). A resource that does not exist yet is fine: the reference waits for it.
     */
    public static List<Problem> check(JsonNode spec, ResourceKey self, Set<String> kinds, NameRule names) {
        List<Problem> problems = new ArrayList<>();
        walk(spec, "/spec", (pointer, node) -> problems.addAll(check(pointer, node.get(VALUE_FROM), self, kinds, names)));
        return problems;
    }

    private static List<Problem> check(String pointer, JsonNode from, ResourceKey self, Set<String> kinds,
                                       NameRule names) {
        String at = pointer + "/" + VALUE_FROM;
        List<Problem> problems = new ArrayList<>();
        if (!from.isObject()) {
            return List.of(new Problem(at, "must be an object: {resource: KIND/NAME, field: FIELD}"));
        }
        for (Iterator<String> given = from.fieldNames(); given.hasNext(); ) {
            String name = given.next();
            if (!name.equals("resource") && !name.equals("field")) {
                problems.add(new Problem(at + "/" + escape(name), "unknown field (allowed: field, resource)"));
            }
        }
        JsonNode resource = from.get("resource");
        JsonNode field = from.get("field");
        if (resource == null || !resource.isTextual()) {
            problems.add(new Problem(at + "/resource", resource == null ? "is required (KIND/NAME, e.g. KafkaCluster/events)"
                    : "must be a string: KIND/NAME, e.g. KafkaCluster/events"));
        }
        if (field == null || !field.isTextual()) {
            problems.add(new Problem(at + "/field", field == null ? "is required" : "must be a string"));
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        ResourceKey key = key(resource.asText());
        if (key == null) {
            return List.of(new Problem(at + "/resource", "'" + resource.asText() + "' must be KIND/NAME, e.g."
                    + " KafkaCluster/events"));
        }
        if (!kinds.contains(key.kind())) {
            return List.of(new Problem(at + "/resource", "unknown kind '" + key.kind() + "' (known: "
                    + String.join(", ", new TreeSet<>(kinds)) + ")"));
        }
        if (!names.accepts(key.name())) {
            return List.of(new Problem(at + "/resource", "'" + key.name() + "' cannot be a resource's name (a name is "
                    + names.describe() + ")"));
        }
        if (key.equals(self)) {
            return List.of(new Problem(at + "/resource", "is this resource itself: it would wait for its own status"
                    + " for ever"));
        }
        if (!Exports.exports(key.kind(), field.asText())) {
            List<String> exported = Exports.of(key.kind());
            return List.of(new Problem(at + "/field", exported.isEmpty()
                    ? key.kind() + " exports no fields to references"
                    : "'" + field.asText() + "' is not a field " + key.kind() + " exports (it exports: "
                    + String.join(", ", exported) + ")"));
        }
        return List.of();
    }

    /**
     * A copy of the spec with each reference replaced by the text {@code values} gives for it; the
     * spec itself (not copied) when it has none.
     */
    public static JsonNode substitute(JsonNode spec, Function<Reference, String> values) {
        if (in(spec).isEmpty()) {
            return spec;
        }
        return replace(spec, "/spec", values);
    }

    /**
     * The spec with every reference replaced by an empty string: the shape a kind's record binds,
     * for reading what does not depend on the values (checks, the restart policy, the strategy).
     */
    public static JsonNode placeholders(JsonNode spec) {
        return substitute(spec, r -> "");
    }

    /** "KafkaCluster/events" as a key; null when it is not KIND/NAME (whether the name is valid is {@link #check}'s). */
    static ResourceKey key(String text) {
        int slash = text.indexOf('/');
        return slash <= 0 || slash == text.length() - 1 || slash != text.lastIndexOf('/') ? null
                : new ResourceKey(text.substring(0, slash), text.substring(slash + 1));
    }

    private static Reference parse(String pointer, JsonNode node) {
        JsonNode from = node.get(VALUE_FROM);
        ResourceKey key = from.path("resource").isTextual() ? key(from.get("resource").asText()) : null;
        return key == null || !from.path("field").isTextual() ? null
                : new Reference(pointer, key, from.get("field").asText());
    }

    private interface Visitor {
        void reference(String pointer, JsonNode node);
    }

    /** Visits every reference under {@code node} (at {@code pointer}); a reference is not looked into. */
    private static void walk(JsonNode node, String pointer, Visitor visitor) {
        if (isReference(node)) {
            visitor.reference(pointer, node);
        } else if (node.isObject()) {
            node.fields().forEachRemaining(e -> walk(e.getValue(), pointer + "/" + escape(e.getKey()), visitor));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), pointer + "/" + i, visitor);
            }
        }
    }

    private static JsonNode replace(JsonNode node, String pointer, Function<Reference, String> values) {
        if (isReference(node)) {
            Reference r = parse(pointer, node);
            return r == null ? node : JsonNodeFactory.instance.textNode(values.apply(r));
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), replace(e.getValue(), pointer + "/" + escape(e.getKey()), values));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                out.add(replace(node.get(i), pointer + "/" + i, values));
            }
            return out;
        }
        return node;
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
