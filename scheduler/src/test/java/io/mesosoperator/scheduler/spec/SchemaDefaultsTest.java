package io.mesosoperator.scheduler.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import org.junit.jupiter.api.Test;

/** Where schema defaults land: objects, array items, the matching branch of oneOf, anyOf and if; nowhere else. */
class SchemaDefaultsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    /** "#/$defs/<name>" of DEFS. */
    static final JsonNode DEFS = json("""
            {"uri": {"oneOf": [
               {"type": "string"},
               {"type": "object", "required": ["value"], "properties": {
                  "value": {"type": "string"}, "extract": {"type": "boolean", "default": true}}}]}}""");

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static JsonNode withDefaults(String schema, String instance) {
        JsonNode value = json(instance);
        SchemaDefaults.apply(json(schema), value, ref -> DEFS.get(ref.substring(ref.lastIndexOf('/') + 1)),
                (subschema, v) -> FACTORY.getSchema(subschema).validate(v).isEmpty());
        return value;
    }

    @Test
    void fillsInMissingPropertiesOfNestedObjectsAndKeepsGivenOnes() {
        String schema = """
                {"properties": {"cpus": {"default": 0.5}, "given": {"default": 1},
                  "volume": {"properties": {"path": {"default": "data"}}},
                  "absent": {"properties": {"path": {"default": "x"}}},
                  "shared": {"$ref": "#/$defs/uri", "default": "beside-the-ref"}}}""";
        assertThat(withDefaults(schema, "{\"given\": 2, \"volume\": {}}")).isEqualTo(json("""
                {"given": 2, "volume": {"path": "data"}, "cpus": 0.5, "shared": "beside-the-ref"}"""));
    }

    @Test
    void fillsInEveryObjectOfAnArray() {
        String schema = """
                {"properties": {"ports": {"type": "array", "items": {"properties": {"protocol": {"default": "tcp"}}}},
                  "pair": {"type": "array", "prefixItems": [{"properties": {"first": {"default": true}}}],
                    "items": {"properties": {"rest": {"default": true}}}}}}""";
        assertThat(withDefaults(schema, "{\"ports\": [{}, {\"protocol\": \"udp\"}], \"pair\": [{}, {}]}"))
                .isEqualTo(json("""
                        {"ports": [{"protocol": "tcp"}, {"protocol": "udp"}],
                         "pair": [{"first": true}, {"rest": true}]}"""));
    }

    @Test
    void fillsInOnlyTheOneOfBranchTheValueMatches() {
        String schema = """
                {"properties": {"uris": {"type": "array", "items": {"$ref": "#/$defs/uri"}}}}""";
        // a string takes no default; an object takes its branch's
        assertThat(withDefaults(schema, "{\"uris\": [\"file:///a.tgz\", {\"value\": \"file:///b\"}]}"))
                .isEqualTo(json("{\"uris\": [\"file:///a.tgz\", {\"value\": \"file:///b\", \"extract\": true}]}"));
        // matching several branches (or none) is no oneOf the schema accepted: no branch's defaults
        String ambiguous = """
                {"oneOf": [{"properties": {"a": {"default": 1}}}, {"properties": {"b": {"default": 2}}}]}""";
        assertThat(withDefaults(ambiguous, "{}")).isEqualTo(json("{}"));
    }

    @Test
    void fillsInTheFirstMatchingAnyOfBranchAndTheIfBranchTheValueTakes() {
        String anyOf = """
                {"anyOf": [{"required": ["command"], "properties": {"shell": {"default": "sh"}}},
                           {"properties": {"mainClass": {"default": "a.Main"}}},
                           {"properties": {"never": {"default": "reached"}}}]}""";
        assertThat(withDefaults(anyOf, "{\"command\": \"run\"}")).isEqualTo(json("{\"command\": \"run\", \"shell\": \"sh\"}"));
        assertThat(withDefaults(anyOf, "{}")).isEqualTo(json("{\"mainClass\": \"a.Main\"}"));
        String conditional = """
                {"properties": {"artifact": {"type": "string"}},
                 "if": {"required": ["artifact"]},
                 "then": {"properties": {"from": {"default": "artifact"}}},
                 "else": {"properties": {"mainClass": {"default": "sample.Main"}}}}""";
        assertThat(withDefaults(conditional, "{}")).isEqualTo(json("{\"mainClass\": \"sample.Main\"}"));
        assertThat(withDefaults(conditional, "{\"artifact\": \"x\"}"))
                .isEqualTo(json("{\"artifact\": \"x\", \"from\": \"artifact\"}"));
        // every allOf branch applies
        assertThat(withDefaults("{\"allOf\": [" + conditional + ", {\"properties\": {\"b\": {\"default\": 2}}}]}", "{}"))
                .isEqualTo(json("{\"mainClass\": \"sample.Main\", \"b\": 2}"));
    }

    @Test
    void branchesAreChosenOnTheValueAsSubmittedNotOnItsDefaults() {
        // the property default would make the value match "if"; it was not submitted, so "else" applies
        String schema = """
                {"properties": {"artifact": {"default": "x"}},
                 "if": {"required": ["artifact"]}, "else": {"properties": {"sample": {"default": true}}}}""";
        assertThat(withDefaults(schema, "{}")).isEqualTo(json("{\"artifact\": \"x\", \"sample\": true}"));
    }

    @Test
    void leavesValuesWithoutDefaultsAsTheyAre() {
        String schema = """
                {"properties": {"name": {"type": "string"}, "env": {"type": "object"},
                  "list": {"type": "array", "items": {"type": "string"}}}}""";
        String instance = "{\"env\": {\"A\": \"b\"}, \"list\": [\"x\"]}";
        assertThat(withDefaults(schema, instance)).isEqualTo(json(instance));
        assertThat(withDefaults(schema, "\"a string\"")).isEqualTo(json("\"a string\""));
        assertThat(withDefaults("{}", "{}")).isEqualTo(json("{}"));
        // a "$ref" that resolves to nothing adds nothing
        assertThat(withDefaults("{\"properties\": {\"x\": {\"$ref\": \"#/$defs/missing\"}}}", "{\"x\": {}}"))
                .isEqualTo(json("{\"x\": {}}"));
    }
}
