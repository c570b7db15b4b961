package io.mesosoperator.scheduler.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Fills in the `default` values a kind's schema declares, so the stored spec says explicitly what
 * runs (as Kubernetes does) and defaults live in the schema only. Walks object properties, array
 * items ({@code prefixItems}, {@code items}) and the subschemas that apply to a value: every
 * {@code allOf} branch; of {@code oneOf}, the one branch the value validates against (none when it
 * matches none or several); of {@code anyOf}, the first branch it validates against; of
 * {@code if}, {@code then} when the value validates against {@code if}, else {@code else}. The
 * branches are chosen on the value before any default is filled in at its level, that is on the
 * value as submitted, which is what the schema accepted.
 */
final class SchemaDefaults {
    private SchemaDefaults() {}

    /**
     * @param resolve turns a "$ref" into the schema node it names
     * @param matches whether a value validates against a schema node (for the branches)
     */
    static void apply(JsonNode schema, JsonNode instance, Function<String, JsonNode> resolve,
                      BiPredicate<JsonNode, JsonNode> matches) {
        schema = deref(schema, resolve);
        if (schema == null || instance == null) {
            return;
        }
        List<JsonNode> branches = branches(schema, instance, resolve, matches);
        if (instance instanceof ObjectNode object) {
            JsonNode properties = schema.path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> property = it.next();
                JsonNode propertySchema = deref(property.getValue(), resolve);
                // a default beside a "$ref" (one kind's default for a shared definition) wins over the definition's
                JsonNode fallback = property.getValue().has("default") ? property.getValue().get("default")
                        : propertySchema == null ? null : propertySchema.get("default");
                if (!object.has(property.getKey()) && fallback != null) {
                    object.set(property.getKey(), fallback.deepCopy());
                }
                if (object.has(property.getKey())) {
                    apply(propertySchema, object.get(property.getKey()), resolve, matches);
                }
            }
        } else if (instance instanceof ArrayNode array) {
            JsonNode prefixItems = schema.path("prefixItems");
            for (int i = 0; i < array.size(); i++) {
                apply(i < prefixItems.size() ? prefixItems.get(i) : schema.get("items"), array.get(i), resolve, matches);
            }
        }
        for (JsonNode branch : branches) {
            apply(branch, instance, resolve, matches);
        }
    }

    /** The subschemas whose defaults apply to this value (see the class comment for how they are chosen). */
    private static List<JsonNode> branches(JsonNode schema, JsonNode instance, Function<String, JsonNode> resolve,
                                           BiPredicate<JsonNode, JsonNode> matches) {
        List<JsonNode> chosen = new ArrayList<>();
        schema.path("allOf").forEach(chosen::add);
        List<JsonNode> oneOf = new ArrayList<>();
        for (JsonNode branch : schema.path("oneOf")) {
            if (matches.test(deref(branch, resolve), instance)) {
                oneOf.add(branch);
            }
        }
        if (oneOf.size() == 1) {
            chosen.add(oneOf.get(0));
        }
        for (JsonNode branch : schema.path("anyOf")) {
            if (matches.test(deref(branch, resolve), instance)) {
                chosen.add(branch);
                break;
            }
        }
        if (schema.has("if")) {
            JsonNode next = matches.test(deref(schema.get("if"), resolve), instance) ? schema.get("then") : schema.get("else");
            if (next != null) {
                chosen.add(next);
            }
        }
        return chosen;
    }

    private static JsonNode deref(JsonNode schema, Function<String, JsonNode> resolve) {
        while (schema != null && schema.has("$ref")) {
            schema = resolve.apply(schema.get("$ref").asText());
        }
        return schema;
    }
}
