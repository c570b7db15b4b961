package io.mesosoperator.scheduler.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.io.ContentReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Builds the JSON tree of one YAML (or JSON) document from SnakeYAML's event stream, in one pass
 * and within {@link SpecLimits}: aliases are expanded (counted, and what they expand to counts
 * towards the limits), merge keys ({@code <<: *base}) are merged as YAML 1.1 defines them
 * (explicit keys win, then earlier merged mappings), a duplicate key is refused, and each JSON
 * pointer keeps where it was written. Every refusal names the line. Pointers are built from
 * their parent's, once each, so nesting costs no more than the text that writes it.
 */
final class YamlReader {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SpecLimits limits;
    private final Map<String, JsonLocation> locations = new HashMap<>();
    private final Deque<Frame> open = new ArrayDeque<>();
    private final Map<String, Anchored> anchors = new HashMap<>();
    /** Anchors of collections still being read: an alias to one would make the tree infinite. */
    private final Set<String> openAnchors = new HashSet<>();
    private JsonNode root;
    private int values;
    private long characters;
    private int aliases;

    private YamlReader(SpecLimits limits) {
        this.limits = limits;
    }

    /** A value an anchor names, and what a copy of it costs. */
    private record Anchored(JsonNode node, int values, long characters) {}

    /** A collection being read. */
    private abstract static class Frame {
        final String pointer;
        final String anchor;
        final int valuesBefore;
        final long charactersBefore;

        Frame(String pointer, String anchor, int valuesBefore, long charactersBefore) {
            this.pointer = pointer;
            this.anchor = anchor;
            this.valuesBefore = valuesBefore;
            this.charactersBefore = charactersBefore;
        }

        abstract JsonNode node();
    }

    private static final class MappingFrame extends Frame {
        final ObjectNode node = NODES.objectNode();
        /** Where each key was first written, for the duplicate's message. */
        final Map<String, Mark> keys = new HashMap<>();
        /** The mappings merge keys brought, in order; applied at the end, under explicit keys. */
        final List<ObjectNode> merged = new ArrayList<>();
        Mark mergeMark;
        /** The key read and waiting for its value, or null when a key comes next. */
        String key;
        Mark keyMark;
        /** Whether that key is a merge key: a plain {@code <<}, not a quoted one. */
        boolean keyIsMerge;

        MappingFrame(String pointer, String anchor, int valuesBefore, long charactersBefore) {
            super(pointer, anchor, valuesBefore, charactersBefore);
        }

        @Override
        JsonNode node() {
            return node;
        }

        boolean merging() {
            return key != null && keyIsMerge;
        }
    }

    private static final class SequenceFrame extends Frame {
        final ArrayNode node = NODES.arrayNode();

        SequenceFrame(String pointer, String anchor, int valuesBefore, long charactersBefore) {
            super(pointer, anchor, valuesBefore, charactersBefore);
        }

        @Override
        JsonNode node() {
            return node;
        }
    }

    /**
     * The document's tree (null when the text holds no document) and where each pointer was written.
     *
     * @throws InvalidSpecException for a syntax error, a second document, a duplicate key, an
     *     alias or merge key that cannot be expanded, or a limit passed
     */
    static ParsedTree read(String text, SpecLimits limits) {
        YamlReader reader = new YamlReader(limits);
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(limits.maxSpecBytes() + 1); // checked before; SnakeYAML's own cap as a backstop
        ParserImpl parser = new ParserImpl(new StreamReader(new StringReader(text)), options);
        try {
            reader.readAll(parser);
        } catch (MarkedYAMLException e) {
            Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = (e.getContext() == null ? "" : e.getContext() + ": ") + (e.getProblem() == null ? "" : e.getProblem());
            throw new InvalidSpecException(new FieldError("", "syntax error: " + problem.replaceAll("\\s+", " ").trim(),
                    at == null ? null : at.getLine() + 1, at == null ? null : at.getColumn() + 1));
        } catch (InvalidSpecException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidSpecException(FieldError.of("", "cannot read document: " + e.getMessage()));
        }
        return new ParsedTree(reader.root, reader.locations);
    }

    /** The tree and the locations of its pointers. */
    record ParsedTree(JsonNode root, Map<String, JsonLocation> locations) {}

    private void readAll(ParserImpl parser) {
        for (Event event = parser.getEvent(); !event.is(Event.ID.StreamEnd); event = parser.getEvent()) {
            switch (event.getEventId()) {
                case DocumentStart -> {
                    if (root != null) {
                        throw refused(parser.peekEvent().getStartMark(), "", "more than one document: apply one resource"
                                + " per file (or per request)");
                    }
                }
                case Scalar -> scalar((ScalarEvent) event);
                case Alias -> alias((AliasEvent) event);
                case MappingStart, SequenceStart -> start((CollectionStartEvent) event);
                case MappingEnd, SequenceEnd -> end(event.getStartMark());
                default -> { } // stream start, document end, comments
            }
        }
    }

    private void scalar(ScalarEvent event) {
        MappingFrame keyOf = expectingKey();
        if (keyOf != null) {
            key(keyOf, event.getValue(), event.getStartMark(), event.isPlain() && "merge".equals(YamlScalars.type(event)));
            anchor(event.getAnchor(), NODES.textNode(event.getValue()), 1, event.getValue().length());
            return;
        }
        JsonNode value;
        try {
            value = YamlScalars.value(event);
        } catch (YamlScalars.NotAValue e) {
            throw refused(event.getStartMark(), childPointer(), e.getMessage());
        }
        count(1, event.getValue().length(), event.getStartMark());
        anchor(event.getAnchor(), value, 1, event.getValue().length());
        attach(value, event.getStartMark());
    }

    private void alias(AliasEvent event) {
        String name = event.getAnchor();
        Mark at = event.getStartMark();
        if (++aliases > limits.maxAliases()) {
            throw refused(at, childPointer(), "more than " + limits.maxAliases() + " aliases (the limit)");
        }
        if (openAnchors.contains(name)) {
            throw refused(at, childPointer(), "alias *" + name + " refers to a collection that contains it");
        }
        Anchored anchored = anchors.get(name);
        if (anchored == null) {
            throw refused(at, childPointer(), "alias *" + name + " refers to no anchor (&" + name + ") written before it");
        }
        MappingFrame keyOf = expectingKey();
        if (keyOf != null) {
            if (!anchored.node().isValueNode()) {
                throw refused(at, keyOf.pointer, "a key must be a plain value, and *" + name + " is a collection");
            }
            key(keyOf, anchored.node().asText(), at, false);
            return;
        }
        count(anchored.values(), anchored.characters(), at);
        attach(anchored.node().deepCopy(), at);
    }

    private void start(CollectionStartEvent event) {
        Mark at = event.getStartMark();
        MappingFrame keyOf = expectingKey();
        if (keyOf != null) {
            throw refused(at, keyOf.pointer, "a key must be a plain value, not a " + (event.is(Event.ID.MappingStart) ? "mapping" : "list"));
        }
        String pointer = childPointer();
        if (open.size() >= limits.maxDepth()) {
            throw refused(at, pointer, "nested deeper than " + limits.maxDepth() + " levels (the limit)");
        }
        if (!(open.peek() instanceof MappingFrame)) {
            locations.put(pointer, location(at)); // under a key, the key's line stands for the collection
        }
        if (open.peek() != null) {
            count(1, 0, at);
        }
        Frame frame = event.is(Event.ID.MappingStart)
                ? new MappingFrame(pointer, event.getAnchor(), values, characters)
                : new SequenceFrame(pointer, event.getAnchor(), values, characters);
        if (frame.anchor != null) {
            openAnchors.add(frame.anchor);
        }
        open.push(frame);
    }

    private void end(Mark at) {
        Frame frame = open.pop();
        if (frame instanceof MappingFrame mapping) {
            if (mapping.key != null) {
                throw refused(at, mapping.pointer, "a key without a value"); // SnakeYAML gives every key a value
            }
            applyMerges(mapping);
        }
        if (frame.anchor != null) {
            openAnchors.remove(frame.anchor);
            anchors.put(frame.anchor, new Anchored(frame.node(), values - frame.valuesBefore + 1,
                    characters - frame.charactersBefore));
        }
        if (open.isEmpty()) {
            root = frame.node();
        } else {
            attachCollection(frame.node());
        }
    }

    /** The mapping waiting for a key, or null when a value comes next. */
    private MappingFrame expectingKey() {
        return open.peek() instanceof MappingFrame mapping && mapping.key == null ? mapping : null;
    }

    private void key(MappingFrame mapping, String key, Mark at, boolean merge) {
        Mark first = mapping.keys.putIfAbsent(key, at);
        if (first != null) {
            throw refused(at, pointer(mapping.pointer, key), "duplicate key '" + key + "' (first written at line "
                    + (first.getLine() + 1) + ")");
        }
        characters += key.length();
        mapping.key = key;
        mapping.keyMark = at;
        mapping.keyIsMerge = merge;
        if (!merge) {
            locations.put(pointer(mapping.pointer, key), location(at));
        }
    }

    /** Puts a scalar or an alias's copy where it belongs, noting where it was written. */
    private void attach(JsonNode value, Mark at) {
        Frame parent = open.peek();
        if (parent == null) {
            throw refused(at, "", "expected a mapping with apiVersion, kind, metadata and spec");
        }
        if (!(parent instanceof MappingFrame mapping && mapping.merging())) {
            locations.put(childPointer(), location(at));
        }
        attachCollection(value);
    }

    private void attachCollection(JsonNode value) {
        Frame parent = open.peek();
        if (parent instanceof SequenceFrame sequence) {
            sequence.node.add(value);
            return;
        }
        MappingFrame mapping = (MappingFrame) parent;
        if (mapping.merging()) {
            merge(mapping, value);
        } else {
            mapping.node.set(mapping.key, value);
        }
        mapping.key = null;
    }

    /** {@code <<: *base} or {@code <<: [*a, *b]}: remembered, and merged when the mapping ends. */
    private void merge(MappingFrame mapping, JsonNode value) {
        List<JsonNode> sources = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(sources::add);
        } else {
            sources.add(value);
        }
        for (JsonNode source : sources) {
            if (!source.isObject()) {
                throw refused(mapping.keyMark, mapping.pointer, "a merge key (<<) takes a mapping or a list of mappings");
            }
            mapping.merged.add((ObjectNode) source);
        }
        mapping.mergeMark = mapping.keyMark;
    }

    private void applyMerges(MappingFrame mapping) {
        for (ObjectNode source : mapping.merged) {
            source.properties().forEach(field -> {
                if (!mapping.node.has(field.getKey())) {
                    mapping.node.set(field.getKey(), field.getValue());
                    locations.putIfAbsent(pointer(mapping.pointer, field.getKey()), location(mapping.mergeMark));
                }
            });
        }
    }

    private void anchor(String name, JsonNode node, int nodeValues, long nodeCharacters) {
        if (name != null) {
            anchors.put(name, new Anchored(node, nodeValues, nodeCharacters));
        }
    }

    /** Counts values (keys and list elements) and characters, aliases' expansions included, against the limits. */
    private void count(int addedValues, long addedCharacters, Mark at) {
        values += addedValues;
        characters += addedCharacters;
        if (values > limits.maxValues()) {
            throw refused(at, childPointer(), "more than " + limits.maxValues() + " keys and list elements in all"
                    + " (the limit; aliases count what they expand to)");
        }
        if (characters > limits.maxSpecBytes()) {
            throw refused(at, childPointer(), "aliases expand the document beyond " + limits.maxSpecBytes()
                    + " characters (the limit of a spec's size)");
        }
    }

    /** The pointer of the value read next: the pending key's, or the next list element's. */
    private String childPointer() {
        Frame parent = open.peek();
        if (parent == null) {
            return "";
        }
        if (parent instanceof SequenceFrame sequence) {
            return sequence.pointer + "/" + sequence.node.size();
        }
        MappingFrame mapping = (MappingFrame) parent;
        return mapping.key == null ? mapping.pointer : pointer(mapping.pointer, mapping.key);
    }

    /** A child's JSON pointer (RFC 6901: '~' and '/' in a key are escaped). */
    private static String pointer(String parent, String key) {
        return parent + "/" + key.replace("~", "~0").replace("/", "~1");
    }

    private static JsonLocation location(Mark at) {
        return new JsonLocation(ContentReference.unknown(), at.getIndex(), at.getLine() + 1, at.getColumn() + 1);
    }

    private static InvalidSpecException refused(Mark at, String pointer, String message) {
        return new InvalidSpecException(new FieldError(SpecValidator.dotted(pointer), message, at.getLine() + 1, at.getColumn() + 1));
    }
}
