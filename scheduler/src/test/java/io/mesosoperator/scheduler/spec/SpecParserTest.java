package io.mesosoperator.scheduler.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading one document, and where an error points when it cannot be read. */
class SpecParserTest {
    private static final String SERVICE = SpecValidationTest.GOOD;

    @Test
    void yamlAndJsonGiveTheSameTree() {
        ParsedDocument yaml = SpecParser.parse(SERVICE);
        ParsedDocument json = SpecParser.parse("""
                {"apiVersion": "mesos-operator.io/v1", "kind": "Service", "metadata": {"name": "web"},
                 "spec": {"instances": 2, "command": "sleep 1000"}}""");
        assertThat(yaml.tree()).isEqualTo(json.tree());
        assertThat(yaml.tree().at("/spec/instances").asInt()).isEqualTo(2);
    }

    @Test
    void fieldsKeepTheLineTheyWereWrittenOn() {
        ParsedDocument doc = SpecParser.parse(SERVICE);
        assertThat(doc.locate("/spec/instances").getLineNr()).isEqualTo(6);
        assertThat(doc.locate("/metadata/name").getLineNr()).isEqualTo(4);
        // a field that is not there points at its nearest written parent
        assertThat(doc.locate("/spec/resources/cpus").getLineNr()).isEqualTo(5);
    }

    @Test
    void emptyAndNonMappingDocumentsSayWhatIsExpected() {
        assertThat(error("  \n").message()).startsWith("empty document");
        assertThat(error("- a\n- b\n").message()).contains("expected a mapping with apiVersion, kind, metadata and spec");
        assertThat(error("just words\n").message()).contains("expected a mapping with apiVersion, kind, metadata and spec");
        assertThat(error("# only a comment\n").message()).contains("expected a mapping with apiVersion, kind, metadata and spec");
    }

    @Test
    void aSecondDocumentIsRefusedAtItsLine() {
        FieldError e = error(SERVICE + "---\n" + SERVICE);
        assertThat(e.message()).startsWith("more than one document");
        assertThat(e.line()).as("the second document's first field, after the --- on line 8").isEqualTo(9);
    }

    @Test
    void aSyntaxErrorNamesItsLine() {
        FieldError e = error("kind: Service\nspec: {instances: 2\nmetadata: x\n");
        assertThat(e.message()).startsWith("syntax error:");
        assertThat(e.line()).isNotNull().isGreaterThanOrEqualTo(2);
    }

    // ------------------------------------------------------------------ read as the reader before read

    /** The sample specs, and scalars of each type YAML 1.1 resolves. */
    static Stream<String> documentsWithoutAnchors() throws IOException {
        List<String> samples;
        try (Stream<Path> files = Files.walk(Path.of("..", "sample-specs"))) {
            samples = files.filter(Files::isRegularFile).sorted().map(SpecParserTest::read).toList();
        }
        return Stream.concat(samples.stream(), Stream.of("""
                apiVersion: mesos-operator.io/v1
                kind: Service
                metadata: {name: "web", labels: {team: 'data'}}
                spec:
                  ints: [0, -0, 7, +7, -12, 1_000, 0x1F, -0x1f, 0b101, 0755, 2147483648, 9223372036854775808, 190:20:30]
                  floats: [0.5, -1.5, 1e3, 1_000.5, .5, +2.5, 6.8523015e+5, 1.]
                  booleans: [true, False, TRUE, yes, No, on, OFF, !!bool y]
                  strings: ["1", '2', y, n, ~x, 2001-12-14t21:59:43.10-05:00, "<<", !!str 3, !!int "", 'yes', 1.2.3]
                  nulls: [~, null, Null, ]
                  empty: ""
                  nothing:
                  text: |
                    line one
                    line two
                  folded: >
                    one
                    two
                  "quoted key": 1
                  ? explicit
                  : key
                """, "{\"apiVersion\": \"v1\", \"spec\": {\"a\": [1, 2.5, \"x\", null, true], \"b\": {}, \"c\": []}}"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("documentsWithoutAnchors")
    void documentsWithoutAnchorsReadAsJacksonsYamlReaderReadThem(String text) throws IOException {
        JsonNode jackson = new ObjectMapper(new YAMLFactory()).readTree(text);
        assertThat(SpecParser.parse(text).tree()).isEqualTo(jackson);
    }

    // ------------------------------------------------------------------ anchors, aliases, merge keys, duplicates

    @Test
    void aliasesAreExpandedToWhatTheAnchorNames() {
        ParsedDocument doc = SpecParser.parse("""
                kind: Service
                spec:
                  command: &c sleep 1000
                  env: {A: *c}
                  resources: &r {cpus: 0.5, mem: 64}
                  sidecar:
                    resources: *r
                """);
        assertThat(doc.tree().at("/spec/env/A").asText()).isEqualTo("sleep 1000");
        assertThat(doc.tree().at("/spec/sidecar/resources")).isEqualTo(doc.tree().at("/spec/resources"));
        // a copy, not the same node: filling in defaults in one leaves the other as written
        assertThat(doc.tree().at("/spec/sidecar/resources")).isNotSameAs(doc.tree().at("/spec/resources"));
        // an error inside an alias's copy points at the alias
        assertThat(doc.locate("/spec/env/A").getLineNr()).isEqualTo(4);
        assertThat(doc.locate("/spec/sidecar/resources/cpus").getLineNr()).isEqualTo(7);
    }

    @Test
    void mergeKeysMergeWithExplicitKeysWinning() {
        ParsedDocument doc = SpecParser.parse("""
                base: &base {command: sleep 1, instances: 1, env: {A: a}}
                more: &more {instances: 5, user: nobody}
                spec:
                  instances: 3
                  <<: [*base, *more]
                quoted:
                  "<<": literal
                """);
        assertThat(doc.tree().get("spec").toString())
                .isEqualTo("{\"instances\":3,\"command\":\"sleep 1\",\"env\":{\"A\":\"a\"},\"user\":\"nobody\"}");
        assertThat(doc.locate("/spec/user").getLineNr()).as("merged keys point at the merge key").isEqualTo(5);
        assertThat(doc.tree().at("/quoted/<<").asText()).as("a quoted << is a key like any other").isEqualTo("literal");
    }

    @Test
    void aMergeKeyThatNamesNoMappingIsRefusedAtItsLine() {
        FieldError e = error("a: &a [1, 2]\nspec:\n  <<: *a\n");
        assertThat(e.message()).isEqualTo("a merge key (<<) takes a mapping or a list of mappings");
        assertThat(e.line()).isEqualTo(3);
    }

    @Test
    void aDuplicateKeyIsRefusedNamingBothLines() {
        FieldError e = error(SERVICE + "spec:\n  instances: 3\n");
        assertThat(e.path()).isEqualTo("spec");
        assertThat(e.message()).isEqualTo("duplicate key 'spec' (first written at line 5)");
        assertThat(e.line()).isEqualTo(8);

        FieldError nested = error("spec:\n  env: {A: 1, B: 2, A: 3}\n");
        assertThat(nested.path()).isEqualTo("spec.env.A");
        assertThat(nested.line()).isEqualTo(2);
        assertThat(nested.column()).isEqualTo(21);
    }

    @Test
    void aliasesThatCannotBeExpandedAreRefusedAtTheirLine() {
        FieldError undefined = error("spec:\n  a: *nowhere\n");
        assertThat(undefined.message()).isEqualTo("alias *nowhere refers to no anchor (&nowhere) written before it");
        assertThat(undefined.line()).isEqualTo(2);

        FieldError recursive = error("spec: &s\n  self: *s\n");
        assertThat(recursive.message()).isEqualTo("alias *s refers to a collection that contains it");
        assertThat(recursive.line()).isEqualTo(2);

        FieldError collectionKey = error("a: &a [1]\nspec:\n  *a : x\n");
        assertThat(collectionKey.message()).isEqualTo("a key must be a plain value, and *a is a collection");
        assertThat(collectionKey.line()).isEqualTo(3);
    }

    // ------------------------------------------------------------------ limits

    private static final SpecLimits SMALL = new SpecLimits(4096, 4, 20, 2);

    @Test
    void eachLimitIsNamedWithTheLineWhereItWasPassed() {
        FieldError deep = error("spec:\n  a:\n    b:\n      c: [1]\n", SMALL);
        assertThat(deep.message()).isEqualTo("nested deeper than 4 levels (the limit)");
        assertThat(deep.path()).isEqualTo("spec.a.b.c");
        assertThat(deep.line()).isEqualTo(4);

        FieldError many = error("spec: [" + "1, ".repeat(25) + "1]\n", SMALL);
        assertThat(many.message()).startsWith("more than 20 keys and list elements in all");
        assertThat(many.line()).isEqualTo(1);

        FieldError aliases = error("a: &a 1\nb: *a\nc: *a\nd: *a\n", SMALL);
        assertThat(aliases.message()).isEqualTo("more than 2 aliases (the limit)");
        assertThat(aliases.line()).isEqualTo(4);

        FieldError size = error("spec: " + "x".repeat(5000) + "\n", SMALL);
        assertThat(size.message()).isEqualTo("the spec (5007 characters) is larger than the limit of 4096 bytes (limits.maxSpecBytes)");
    }

    @Test
    void whatAliasesExpandToCountsTowardsTheLimits() {
        // a "billion laughs": each level doubles the one before
        StringBuilder laughs = new StringBuilder("l0: &l0 [lol, lol]\n");
        for (int i = 1; i <= 30; i++) {
            laughs.append("l").append(i).append(": &l").append(i).append(" [*l").append(i - 1).append(", *l").append(i - 1).append("]\n");
        }
        FieldError bomb = error(laughs.toString(), new SpecLimits(1 << 20, 64, 10_000, 100));
        assertThat(bomb.message()).startsWith("more than 10000 keys and list elements in all");

        // few values, but long ones: their copies would make a spec larger than the store takes
        String big = "x".repeat(3000);
        FieldError wide = error("a: &a " + big + "\nb: [*a, *a]\n", SMALL);
        assertThat(wide.message()).isEqualTo("aliases expand the document beyond 4096 characters (the limit of a spec's size)");
        assertThat(wide.line()).isEqualTo(2);
    }

    @Test
    void aThousandLevelsDeepIsRefusedAtTheLimit() {
        FieldError flow = error("spec: " + "[".repeat(1000) + "]".repeat(1000) + "\n");
        assertThat(flow.message()).isEqualTo("nested deeper than 64 levels (the limit)");
        assertThat(flow.path()).isEqualTo("spec" + "[0]".repeat(63));

        StringBuilder block = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            block.append("  ".repeat(i)).append("k").append(i).append(":\n");
        }
        FieldError nested = error(block.toString(), new SpecLimits(4 << 20, 64, 10_000, 50));
        assertThat(nested.message()).isEqualTo("nested deeper than 64 levels (the limit)");
        assertThat(nested.line()).isEqualTo(65);
    }

    private static FieldError error(String text) {
        return error(text, SpecLimits.DEFAULTS);
    }

    private static FieldError error(String text, SpecLimits limits) {
        InvalidSpecException e = catchThrowableOfType(() -> SpecParser.parse(text, limits), InvalidSpecException.class);
        assertThat(e).as("refused: %s", text.length() > 200 ? text.substring(0, 200) + "..." : text).isNotNull();
        assertThat(e.errors()).hasSize(1);
        return e.errors().get(0);
    }
}
