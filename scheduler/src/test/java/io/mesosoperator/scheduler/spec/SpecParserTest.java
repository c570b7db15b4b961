package io.mesosoperator.scheduler.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

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

    private static FieldError error(String text) {
        InvalidSpecException e = catchThrowableOfType(() -> SpecParser.parse(text), InvalidSpecException.class);
        assertThat(e).as("refused: %s", text).isNotNull();
        assertThat(e.errors()).hasSize(1);
        return e.errors().get(0);
    }
}
