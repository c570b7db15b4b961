package io.mesosoperator.scheduler.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates submitted documents against the kind's JSON Schema in resource-specs/ (the "CRD"),
 * turns schema errors into field-path messages with line/column, and fills in schema defaults.
 */
public final class SpecValidator {
    private static final String SCHEMA_BASE = "https://mesos-operator.io/schemas/v1/";
    private static final String CLASSPATH_BASE = "resource-specs/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, KindDefinition> kinds = new LinkedHashMap<>();
    private final Map<String, JsonSchema> schemas = new LinkedHashMap<>();
    private final Map<String, JsonNode> rawSchemas = new java.util.concurrent.ConcurrentHashMap<>();
    /** The subschemas SchemaDefaults asks about (oneOf, anyOf and if branches), each built once. */
    private final Map<JsonNode, JsonSchema> branchSchemas = new java.util.concurrent.ConcurrentHashMap<>();
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config;

    public SpecValidator(List<KindDefinition> definitions) {
        factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                b -> b.schemaMappers(m -> m.mapPrefix(SCHEMA_BASE, "classpath:" + CLASSPATH_BASE)));
        config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();
        for (KindDefinition kind : definitions) {
            kinds.put(kind.kind(), kind);
            JsonSchema schema = factory.getSchema(SchemaLocation.of(SCHEMA_BASE + kind.schemaFile()), config);
            // built now, not at the first apply: a broken schema stops the start, and the first
            // user's apply does not wait for it
            schema.initializeValidators();
            schemas.put(kind.kind(), schema);
        }
    }

    public Set<String> kinds() {
        return kinds.keySet();
    }

    /** What metadata.name may be (common.schema.json): the rule for names in URLs too. */
    public NameRule nameRule() {
        return NameRule.of(rawSchema("common.schema.json").at("/$defs/metadata/properties/name"));
    }

    /** The kind's name as users may type it in the CLI or URL ("service" -> "Service"). */
    public String canonicalKind(String text) {
        return kinds.keySet().stream().filter(k -> k.equalsIgnoreCase(text)).findFirst().orElse(text);
    }

    /**
     * Checks a parsed document and returns its normalized form: defaults filled in, status and
     * operator-owned metadata removed.
     *
     * @throws InvalidSpecException naming every problem found
     */
    public ObjectNode validate(ParsedDocument document) {
        ObjectNode tree = document.tree().deepCopy();
        String kind = tree.path("kind").asText(null);
        JsonSchema schema = kind == null ? null : schemas.get(kind);
        if (schema == null) {
            String known = String.join(", ", kinds.keySet());
            throw new InvalidSpecException(located(document, "/kind", "kind", kind == null
                    ? "is required (one of: " + known + ")" : "unknown kind '" + kind + "' (known: " + known + ")"));
        }
        Set<ValidationMessage> messages = schema.validate(tree);
        if (!messages.isEmpty()) {
            List<FieldError> errors = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            for (ValidationMessage m : messages) {
                if (insideOneOf(m)) {
                    continue; // reported once, by the oneOf itself
                }
                FieldError e = toFieldError(document, m);
                if (seen.add(e.path() + "|" + e.message())) {
                    errors.add(e);
                }
            }
            errors.sort(Comparator.comparing((FieldError e) -> e.line() == null ? Integer.MAX_VALUE : e.line())
                    .thenComparing(FieldError::path));
            throw new InvalidSpecException(errors);
        }
        checkReferences(document, tree);
        tree.remove("status");
        ObjectNode metadata = (ObjectNode) tree.get("metadata");
        metadata.remove(List.of("generation", "creationTimestamp", "uid", "namespace"));
        SchemaDefaults.apply(rawSchema(kinds.get(kind).schemaFile()), tree, this::resolveRef, this::matches);
        return tree;
    }

    /** What the schema cannot say of references to other resources: the kind, its exported field, not itself. */
    private void checkReferences(ParsedDocument document, ObjectNode tree) {
        ResourceKey self = new ResourceKey(tree.path("kind").asText(), tree.path("metadata").path("name").asText());
        List<FieldError> errors = References.check(tree.path("spec"), self, kinds.keySet(), nameRule()).stream()
                .map(p -> located(document, p.pointer(), p.path(), p.message())).toList();
        if (!errors.isEmpty()) {
            throw new InvalidSpecException(errors);
        }
    }

    /**
     * A copy of an accepted document with its kind's schema defaults filled in: how a spec stored
     * before its schema gained a default reads today (a no-op for one accepted since).
     */
    public ObjectNode withDefaults(Resource resource) {
        ObjectNode tree = resource.toJson();
        KindDefinition kind = kinds.get(tree.path("kind").asText());
        if (kind == null) {
            throw new IllegalArgumentException("unknown kind '" + tree.path("kind").asText() + "'");
        }
        SchemaDefaults.apply(rawSchema(kind.schemaFile()), tree, this::resolveRef, this::matches);
        return tree;
    }

    /** Whether a value validates against a subschema of the kinds' schemas (its "$ref"s resolve as theirs do). */
    private boolean matches(JsonNode subschema, JsonNode value) {
        JsonSchema schema = branchSchemas.computeIfAbsent(subschema, s -> {
            JsonSchema built = factory.getSchema(SchemaLocation.of(SCHEMA_BASE + "branch.schema.json"), s, config);
            built.initializeValidators();
            return built;
        });
        return schema.validate(value).isEmpty();
    }

    /** Adds line and column, where the document has them, to errors found after validation. */
    public static List<FieldError> locate(ParsedDocument document, List<FieldError> errors) {
        List<FieldError> out = new ArrayList<>();
        for (FieldError e : errors) {
            String pointer = "/" + e.path().replaceAll("\\[(\\d+)]", ".$1").replace('.', '/');
            out.add(e.line() != null ? e : located(document, pointer, e.path(), e.message()));
        }
        return out;
    }

    private FieldError toFieldError(ParsedDocument document, ValidationMessage m) {
        String pointer = pointer(m.getInstanceLocation());
        String property = m.getProperty();
        JsonNode keywordValue = m.getSchemaNode();
        String message;
        switch (m.getType()) {
            case "required" -> {
                pointer = pointer + "/" + property;
                message = "is required";
            }
            case "additionalProperties" -> {
                pointer = pointer + "/" + property;
                Set<String> allowed = new java.util.TreeSet<>();
                JsonNode parent = parentSchema(m);
                if (parent != null) {
                    parent.path("properties").fieldNames().forEachRemaining(allowed::add);
                }
                message = "unknown field" + (allowed.isEmpty() ? "" : " (allowed: " + String.join(", ", allowed) + ")");
            }
            case "minimum" -> message = "must be >= " + number(keywordValue);
            case "maximum" -> message = "must be <= " + number(keywordValue);
            case "exclusiveMinimum" -> message = "must be > " + number(keywordValue);
            case "exclusiveMaximum" -> message = "must be < " + number(keywordValue);
            case "type" -> message = "must be " + types(keywordValue) + ", not " + article(typeOf(m.getInstanceNode()));
            case "const" -> message = "must be " + keywordValue;
            case "enum" -> {
                List<String> values = new ArrayList<>();
                keywordValue.forEach(v -> values.add(v.asText()));
                message = "'" + m.getInstanceNode().asText() + "' is not one of: " + String.join(", ", values);
            }
            case "minLength" -> message = keywordValue.asInt() <= 1 ? "must not be empty"
                    : "must be at least " + keywordValue.asInt() + " characters";
            case "maxLength" -> message = "must be at most " + keywordValue.asInt() + " characters";
            case "maxItems" -> message = "must have at most " + keywordValue.asInt() + " items";
            case "pattern" -> message = "'" + m.getInstanceNode().asText() + "' must match " + keywordValue.asText();
            case "propertyNames" -> message = "'" + property + "' is not a valid name";
            case "oneOf" -> message = oneOfMessage(keywordValue);
            default -> message = m.getError() != null ? m.getError() : m.getMessage();
        }
        return located(document, pointer, dotted(pointer), message);
    }

    /** Errors from inside a oneOf's branches: the oneOf error says it better. */
    private static boolean insideOneOf(ValidationMessage m) {
        String path = m.getEvaluationPath().toString();
        return !m.getType().equals("oneOf") && path.matches(".*/oneOf/\\d+/.*");
    }

    /** "needs exactly one of: port, portName" or "must be a string or an object". */
    private static String oneOfMessage(JsonNode branches) {
        List<String> required = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (JsonNode branch : branches) {
            if (branch.path("required").size() == 1 && branch.size() == 1) {
                required.add(branch.get("required").get(0).asText());
            } else if (branch.has("type")) {
                types.add(article(branch.get("type").asText()));
            }
        }
        if (required.size() == branches.size()) {
            return "needs exactly one of: " + String.join(", ", required);
        }
        return types.isEmpty() ? "matches none of the allowed forms" : "must be " + String.join(" or ", types);
    }

    /** The schema object holding the keyword that failed (e.g. for additionalProperties). */
    private JsonNode parentSchema(ValidationMessage m) {
        String location = m.getSchemaLocation().toString();
        int cut = location.lastIndexOf('/');
        return cut < 0 ? null : resolveRef(location.substring(0, cut));
    }

    private static FieldError located(ParsedDocument document, String pointer, String path, String message) {
        JsonLocation at = document.locate(pointer);
        return new FieldError(path, message, at == null ? null : SpecParser.line(at), at == null ? null : SpecParser.column(at));
    }

    private static String pointer(JsonNodePath path) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            sb.append('/').append(path.getElement(i));
        }
        return sb.toString();
    }

    /** "/spec/uris/0/value" -> "spec.uris[0].value" */
    static String dotted(String pointer) {
        StringBuilder sb = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.chars().allMatch(Character::isDigit)) {
                sb.append('[').append(part).append(']');
            } else {
                sb.append(sb.length() == 0 ? "" : ".").append(part);
            }
        }
        return sb.toString();
    }

    private static String number(JsonNode n) {
        return n == null ? "?" : n.isIntegralNumber() ? Long.toString(n.asLong()) : n.asText();
    }

    private static String typeOf(JsonNode n) {
        if (n == null || n.isNull()) {
            return "null";
        }
        if (n.isIntegralNumber()) {
            return "integer";
        }
        return n.isNumber() ? "number" : n.isTextual() ? "string" : n.isBoolean() ? "boolean"
                : n.isArray() ? "array" : "object";
    }

    /** "a string", or for a list of types "a string or an object". */
    private static String types(JsonNode keyword) {
        if (!keyword.isArray()) {
            return article(keyword.asText());
        }
        List<String> each = new ArrayList<>();
        keyword.forEach(t -> each.add(article(t.asText())));
        return String.join(" or ", each);
    }

    private static String article(String type) {
        return (type.matches("^[aeiou].*") ? "an " : "a ") + type;
    }

    private JsonNode rawSchema(String file) {
        return rawSchemas.computeIfAbsent(file, f -> {
            try (InputStream in = SpecValidator.class.getClassLoader().getResourceAsStream(CLASSPATH_BASE + f)) {
                if (in == null) {
                    throw new IllegalStateException("schema " + CLASSPATH_BASE + f + " is not on the classpath");
                }
                return JSON.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Resolves "common.schema.json#/$defs/x" or "#/$defs/x" (relative to the kind's directory). */
    private JsonNode resolveRef(String ref) {
        String[] parts = ref.split("#", 2);
        String file = parts[0].isEmpty() ? null : parts[0].replace(SCHEMA_BASE, "");
        JsonNode root = file == null ? null : rawSchema(file);
        if (root == null) {
            return null;
        }
        return parts.length > 1 ? root.at(parts[1]) : root;
    }

}
