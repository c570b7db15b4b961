package io.mesosoperator.scheduler.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;

/**
 * Fills in the `default` values a kind's schema declares, so the stored spec says explicitly what
 * runs (as Kubernetes does) and defaults live in the schema only.
 */
final class SchemaDefaults {
    private SchemaDefaults() {}

    /** @param resolve turns a "$ref" into the schema node it names */
    static void apply(JsonNode schema, JsonNode instance, Function<String, JsonNode> resolve) {
        schema = deref(schema, resolve);
        if (!(instance instanceof ObjectNode object) || schema == null) {
            return;
        }
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
                apply(propertySchema, object.get(property.getKey()), resolve);
            }
        }
    }

    private static JsonNode deref(JsonNode schema, Function<String, JsonNode> resolve) {
        while (schema != null && schema.has("$ref")) {
            schema = resolve.apply(schema.get("$ref").asText());
        }
        return schema;
    }
}
