package io.mesosoperator.scheduler.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A mutation fuzzer over resource specs: each case takes a valid spec and breaks it the way a
 * careless or hostile client would, in its tree (wrong types, extreme numbers, huge strings, deep
 * nesting, unknown fields, odd names) or in its text (truncation, stray characters, duplicate
 * keys, anchors and aliases, merge keys, alias bombs, several documents). A fixed seed makes
 * every case reproducible from its number.
 */
final class SpecMutations {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One case: what was done (for the failure message), the body, and how it is labelled. */
    record Case(int number, String mutation, String contentType, String body) {
        @Override
        public String toString() {
            return "case " + number + " (" + mutation + ", " + contentType + ", " + body.length() + " chars)";
        }
    }

    private final Random random;
    private final List<ObjectNode> samples;

    SpecMutations(long seed, List<String> sampleYamls) {
        this.random = new Random(seed);
        this.samples = sampleYamls.stream().map(SpecMutations::readYaml).toList();
    }

    /** The next case; its resource is named {@code name} unless the mutation is about the name. */
    Case next(int number, String name) {
        ObjectNode spec = samples.get(random.nextInt(samples.size())).deepCopy();
        ((ObjectNode) spec.path("metadata")).put("name", name);
        List<Map.Entry<String, Function<ObjectNode, String>>> mutations = List.of(
                Map.entry("remove a field", this::removeField),
                Map.entry("change a value's type", this::changeType),
                Map.entry("extreme number", this::extremeNumber),
                Map.entry("huge string", this::hugeString),
                Map.entry("odd characters", this::oddCharacters),
                Map.entry("unknown field", this::unknownField),
                Map.entry("deep nesting", this::deepNesting),
                Map.entry("wide mapping", this::wideMapping),
                Map.entry("odd name", this::oddName),
                Map.entry("wrong kind or apiVersion", this::wrongKind),
                Map.entry("truncated text", s -> truncate(yaml(s))),
                Map.entry("stray characters", s -> strayCharacters(yaml(s))),
                Map.entry("duplicate key", s -> duplicateKey(yaml(s))),
                Map.entry("anchor and alias", s -> anchorAndAlias(yaml(s))),
                Map.entry("merge key", s -> mergeKey(yaml(s))),
                Map.entry("alias bomb", s -> aliasBomb()),
                Map.entry("several documents", s -> yaml(s) + "---\n" + yaml(s)),
                Map.entry("unchanged", this::yaml));
        Map.Entry<String, Function<ObjectNode, String>> mutation = mutations.get(random.nextInt(mutations.size()));
        String body = mutation.getValue().apply(spec);
        boolean asJson = random.nextInt(4) == 0 && body.startsWith("{");
        return new Case(number, mutation.getKey(), asJson ? "application/json" : "application/yaml", body);
    }

    // ------------------------------------------------------------------ tree mutations

    private String removeField(ObjectNode spec) {
        ObjectNode parent = randomObject(spec);
        if (parent.size() > 0) {
            parent.remove(randomKey(parent));
        }
        return text(spec);
    }

    private String changeType(ObjectNode spec) {
        ObjectNode parent = randomObject(spec);
        if (parent.size() > 0) {
            JsonNode[] others = {NODES.textNode("x"), NODES.numberNode(7), NODES.booleanNode(true), NODES.nullNode(),
                    NODES.arrayNode().add(1), NODES.objectNode().put("a", 1), NODES.numberNode(1.5)};
            parent.set(randomKey(parent), others[random.nextInt(others.length)]);
        }
        return text(spec);
    }

    private String extremeNumber(ObjectNode spec) {
        ObjectNode parent = randomObject(spec);
        JsonNode[] extremes = {NODES.numberNode(-1), NODES.numberNode(0), NODES.numberNode(Long.MAX_VALUE),
                NODES.numberNode(new java.math.BigInteger("123456789012345678901234567890")), NODES.numberNode(1e308),
                NODES.numberNode(-0.0001), NODES.numberNode(Integer.MIN_VALUE)};
        String key = parent.size() > 0 ? randomKey(parent) : "instances";
        parent.set(key, extremes[random.nextInt(extremes.length)]);
        return text(spec);
    }

    private String hugeString(ObjectNode spec) {
        int[] sizes = {10_000, 300_000, 700_000, 1_500_000};
        String huge = "x".repeat(sizes[random.nextInt(sizes.length)]);
        ObjectNode env = env(spec);
        env.put("HUGE", huge);
        return text(spec);
    }

    private String oddCharacters(ObjectNode spec) {
        String[] odd = {"\u0000", "\u202e", "💥", "\\", "\"", "'", "\n\t", "${HOME}", "%s%n", "\ud83d", "ä=b:c#d!e",
                "../../etc/passwd", "\u00a0"};
        ObjectNode parent = randomObject(spec);
        String key = parent.size() > 0 ? randomKey(parent) : "x";
        parent.put(key, "v" + odd[random.nextInt(odd.length)] + "w");
        return text(spec);
    }

    private String unknownField(ObjectNode spec) {
        randomObject(spec).put("unexpected" + random.nextInt(100), "surprise");
        return text(spec);
    }

    private String deepNesting(ObjectNode spec) {
        int[] depths = {20, 100, 1000, 5000};
        int depth = depths[random.nextInt(depths.length)];
        // as text: a tree this deep would overflow Jackson's own writer before the server saw it
        String open = "{\"a\":".repeat(depth);
        String close = "}".repeat(depth);
        String doc = json(spec);
        return doc.substring(0, doc.length() - 1) + ",\"deep\":" + open + "1" + close + "}";
    }

    private String wideMapping(ObjectNode spec) {
        int[] widths = {100, 5_000, 50_000};
        ObjectNode env = env(spec);
        int width = widths[random.nextInt(widths.length)];
        for (int i = 0; i < width; i++) {
            env.put("K" + i, "v");
        }
        return text(spec);
    }

    private String oddName(ObjectNode spec) {
        String[] names = {"", "UPPER", "a/b", "a..b", "-a", "a-", "x".repeat(300), "sp ace", "ü", "a%2Fb", "zookeeper",
                "a\u0000b", ".", "a.b"};
        ((ObjectNode) spec.path("metadata")).put("name", names[random.nextInt(names.length)]);
        return text(spec);
    }

    private String wrongKind(ObjectNode spec) {
        if (random.nextBoolean()) {
            spec.put("kind", new String[] {"Pod", "kafkacluster", "", "Service ", "KafkaCluster/x"}[random.nextInt(5)]);
        } else {
            spec.put("apiVersion", new String[] {"v1", "mesos-operator.io/v2", "", "apps/v1"}[random.nextInt(4)]);
        }
        return text(spec);
    }

    // ------------------------------------------------------------------ text mutations

    private String truncate(String text) {
        return text.substring(0, random.nextInt(Math.max(1, text.length())));
    }

    private String strayCharacters(String text) {
        String[] strays = {":", "- ", "\t", "{", "]", "&", "*", "!!binary ", "%YAML 1.1\n", "\u0000", "'", "\"", "|", "?"};
        StringBuilder out = new StringBuilder(text);
        for (int i = random.nextInt(3) + 1; i > 0; i--) {
            out.insert(random.nextInt(out.length() + 1), strays[random.nextInt(strays.length)]);
        }
        return out.toString();
    }

    private String duplicateKey(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n")));
        int at = 1 + random.nextInt(lines.size() - 1);
        if (lines.get(at).contains(":")) {
            lines.add(at, lines.get(at));
        }
        return String.join("\n", lines) + "\n";
    }

    private String anchorAndAlias(String text) {
        return text.replaceFirst("(?m)^kind: (\\S+)$", "kind: &k $1") + "extra: *k\n";
    }

    private String mergeKey(String text) {
        return "base: &base {instances: 2}\n" + text.replaceFirst("(?m)^spec:\\s*$", "spec:\n  <<: *base");
    }

    /** The "billion laughs": nine levels of ten aliases each, a billion strings if expanded blindly. */
    private String aliasBomb() {
        StringBuilder out = new StringBuilder("apiVersion: mesos-operator.io/v1\nkind: Service\nmetadata: {name: bomb}\n");
        out.append("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int level = 1; level < 9; level++) {
            String prev = "*a" + (level - 1);
            out.append("a").append(level).append(": &a").append(level).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, prev))).append("]\n");
        }
        return out.append("spec: {instances: 1, command: sleep 1, env: {A: *a8}}\n").toString();
    }

    // ------------------------------------------------------------------ helpers

    /** The spec's env mapping, made if absent (every kind's schema has one). */
    private static ObjectNode env(ObjectNode spec) {
        ObjectNode body = (ObjectNode) spec.path("spec");
        return body.get("env") instanceof ObjectNode env ? env : body.putObject("env");
    }

    /** A random mapping inside the document (the root, metadata, spec or one below it). */
    private ObjectNode randomObject(ObjectNode root) {
        List<ObjectNode> objects = new ArrayList<>();
        collect(root, objects);
        return objects.get(random.nextInt(objects.size()));
    }

    private static void collect(JsonNode node, List<ObjectNode> into) {
        if (node instanceof ObjectNode object) {
            into.add(object);
        }
        if (node.isContainerNode()) {
            node.elements().forEachRemaining(child -> collect(child, into));
        }
    }

    private String randomKey(ObjectNode object) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        return keys.get(random.nextInt(keys.size()));
    }

    /** The document as JSON or YAML, at random (JSON is YAML, so both go to the same endpoint). */
    private String text(ObjectNode spec) {
        return random.nextBoolean() ? json(spec) : yaml(spec);
    }

    private String yaml(ObjectNode spec) {
        try {
            return YAML.writeValueAsString(spec);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(ObjectNode spec) {
        try {
            return JSON.writeValueAsString(spec);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode readYaml(String text) {
        try {
            return (ObjectNode) YAML.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
