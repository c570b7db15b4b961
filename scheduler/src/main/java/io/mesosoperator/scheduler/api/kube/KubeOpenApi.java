package io.mesosoperator.scheduler.api.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAPI v3 document of /apis/mesos-operator.io/v1, generated from resource-specs/*.schema.json
 * (JSON Schema 2020-12) once at start: each kind's schema with its references inlined and the few
 * keywords OpenAPI 3.0 spells otherwise rewritten ({@code const}, numeric {@code exclusiveMinimum}),
 * and the paths with the {@code x-kubernetes-group-version-kind} and {@code fieldValidation}
 * parameter from which kubectl learns that this server validates fields itself.
 */
public final class KubeOpenApi {
    private static final String CLASSPATH_BASE = "resource-specs/";
    /** The keywords OpenAPI 3.0's schema object has (others, such as $defs or if/then, are dropped). */
    private static final Set<String> KEPT = Set.of("type", "properties", "additionalProperties", "items", "required",
            "description", "default", "enum", "minimum", "maximum", "minLength", "maxLength", "pattern", "minItems",
            "maxItems", "oneOf", "anyOf", "allOf", "format", "title", "nullable", "uniqueItems", "minProperties",
            "maxProperties", "multipleOf");
    private static final String[] PATCH_TYPES = {"application/merge-patch+json", "application/apply-patch+yaml"};

    private final ObjectMapper json;
    private final ObjectNode groupVersion;
    private final ObjectNode index;

    public KubeOpenApi(KubeKinds kinds, ObjectMapper json) {
        this.json = json;
        this.groupVersion = build(kinds);
        this.index = json.createObjectNode();
        index.putObject("paths").putObject("apis/" + KubeKinds.GROUP_VERSION)
                .put("serverRelativeURL", "/openapi/v3/apis/" + KubeKinds.GROUP_VERSION + "?hash=" + hash(groupVersion));
    }

    ObjectNode index() {
        return index;
    }

    ObjectNode groupVersion() {
        return groupVersion;
    }

    private ObjectNode build(KubeKinds kinds) {
        ObjectNode doc = json.createObjectNode();
        doc.put("openapi", "3.0.0");
        doc.putObject("info").put("title", "mesos-operator").put("version", KubeKinds.VERSION);
        ObjectNode paths = doc.putObject("paths");
        ObjectNode schemas = doc.putObject("components").putObject("schemas");
        for (KubeKinds.Kind kind : kinds.all()) {
            String ref = "io.mesos-operator.v1." + kind.kind();
            JsonNode source = load(kind.schemaFile());
            ObjectNode schema = (ObjectNode) convert(source, kind.schemaFile(), 0);
            schema.putArray("x-kubernetes-group-version-kind").addObject().put("group", KubeKinds.GROUP)
                    .put("version", KubeKinds.VERSION).put("kind", kind.kind());
            schemas.set(ref, schema);
            String collection = "/apis/" + KubeKinds.GROUP_VERSION + "/namespaces/{namespace}/" + kind.plural();
            ObjectNode list = paths.putObject(collection);
            list.set("get", operation(kind, "list", ref, false));
            list.set("post", operation(kind, "post", ref, true));
            ObjectNode one = paths.putObject(collection + "/{name}");
            one.set("get", operation(kind, "get", ref, false));
            one.set("put", operation(kind, "put", ref, true));
            ObjectNode patch = operation(kind, "patch", ref, true);
            ObjectNode content = patch.putObject("requestBody").putObject("content");
            for (String type : PATCH_TYPES) {
                content.putObject(type).putObject("schema").put("type", "object");
            }
            one.set("patch", patch);
            one.set("delete", operation(kind, "delete", ref, false));
        }
        return doc;
    }

    private ObjectNode operation(KubeKinds.Kind kind, String action, String ref, boolean write) {
        ObjectNode op = json.createObjectNode();
        op.put("operationId", action + kind.kind());
        op.put("x-kubernetes-action", action);
        op.putObject("x-kubernetes-group-version-kind").put("group", KubeKinds.GROUP).put("version", KubeKinds.VERSION)
                .put("kind", kind.kind());
        ArrayNode params = op.putArray("parameters");
        params.addObject().put("name", "namespace").put("in", "path").put("required", true)
                .putObject("schema").put("type", "string");
        if (write) {
            params.addObject().put("name", "fieldValidation").put("in", "query")
                    .put("description", "unknown fields are always refused (Strict)").putObject("schema").put("type", "string");
            params.addObject().put("name", "dryRun").put("in", "query").putObject("schema").put("type", "string");
            params.addObject().put("name", "fieldManager").put("in", "query").putObject("schema").put("type", "string");
        }
        op.putObject("responses").putObject("200").putObject("content").putObject("application/json")
                .putObject("schema").put("$ref", "#/components/schemas/" + ref);
        return op;
    }

    /** A JSON Schema node as an OpenAPI 3.0 schema: references inlined, unknown keywords dropped. */
    private JsonNode convert(JsonNode node, String file, int depth) {
        if (depth > 64) {
            throw new IllegalStateException("schema references nest too deep in " + file);
        }
        if (!node.isObject()) {
            return node.deepCopy();
        }
        if (node.has("$ref")) {
            String[] parts = node.get("$ref").asText().split("#", 2);
            String target = parts[0].isEmpty() ? file : parts[0].replaceFirst(".*/", "");
            JsonNode resolved = load(target).at(parts.length > 1 ? parts[1] : "");
            ObjectNode out = (ObjectNode) convert(resolved, target, depth + 1);
            if (node.has("description")) {
                out.set("description", node.get("description"));
            }
            return out;
        }
        ObjectNode out = json.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            switch (key) {
                case "const" -> out.putArray("enum").add(value.deepCopy());
                case "exclusiveMinimum" -> out.put("minimum", value.decimalValue()).put("exclusiveMinimum", true);
                case "exclusiveMaximum" -> out.put("maximum", value.decimalValue()).put("exclusiveMaximum", true);
                case "type" -> {
                    if (value.isTextual()) {
                        out.set("type", value); // a list of types has no OpenAPI 3.0 spelling: any type
                    }
                }
                case "properties" -> {
                    ObjectNode props = out.putObject("properties");
                    value.fields().forEachRemaining(p -> props.set(p.getKey(), convert(p.getValue(), file, depth + 1)));
                }
                case "items", "additionalProperties" -> out.set(key, convert(value, file, depth + 1));
                case "oneOf", "anyOf", "allOf" -> {
                    ArrayNode branches = out.putArray(key);
                    value.forEach(b -> branches.add(convert(b, file, depth + 1)));
                }
                default -> {
                    if (KEPT.contains(key)) {
                        out.set(key, value.deepCopy());
                    }
                }
            }
        }
        return out;
    }

    private final Map<String, JsonNode> loaded = new java.util.HashMap<>();

    private JsonNode load(String file) {
        return loaded.computeIfAbsent(file, f -> {
            try (InputStream in = KubeOpenApi.class.getClassLoader().getResourceAsStream(CLASSPATH_BASE + f)) {
                if (in == null) {
                    throw new IllegalStateException("schema " + CLASSPATH_BASE + f + " is not on the classpath");
                }
                return json.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private String hash(JsonNode doc) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.writeValueAsString(doc)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
