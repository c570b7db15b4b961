package io.mesosoperator.scheduler.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.service.ServiceReconciler;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecValidationTest {
    private static final SpecValidator VALIDATOR = new SpecValidator(List.of(ServiceReconciler.KIND));

    /** A valid Service spec; the parser's tests read it too. */
    static final String GOOD = """
            apiVersion: mesos-operator.io/v1
            kind: Service
            metadata:
              name: web
            spec:
              instances: 2
              command: sleep 1000
            """;

    /** Each bad input, and the error it must produce: field path, message, line. */
    static Stream<Arguments> badSpecs() {
        return Stream.of(
                Arguments.of("negative count", GOOD.replace("instances: 2", "instances: -1"),
                        "spec.instances", "must be >= 0", 6),
                Arguments.of("wrong type", GOOD.replace("instances: 2", "instances: two"),
                        "spec.instances", "must be an integer, not a string", 6),
                Arguments.of("unknown field", GOOD + "  colour: blue\n",
                        "spec.colour", "unknown field (allowed: autoscale, command, cpus, disk, env, healthCheck, instances,"
                                + " killGracePeriodSeconds, mem, ports, strategy, uris, volume)", 8),
                Arguments.of("missing command", GOOD.replace("  command: sleep 1000\n", ""),
                        "spec.command", "is required", 5),
                Arguments.of("empty command", GOOD.replace("sleep 1000", "''"),
                        "spec.command", "must not be empty", 7),
                Arguments.of("impossible memory", GOOD + "  mem: 4\n",
                        "spec.mem", "must be >= 16", 8),
                Arguments.of("zero cpus", GOOD + "  cpus: 0\n",
                        "spec.cpus", "must be > 0", 8),
                Arguments.of("bad name", GOOD.replace("name: web", "name: Web_1"),
                        "metadata.name", "'Web_1' must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", 4),
                Arguments.of("unknown kind", GOOD.replace("kind: Service", "kind: Servise"),
                        "kind", "unknown kind 'Servise' (known: Service)", 2),
                Arguments.of("wrong apiVersion", GOOD.replace("mesos-operator.io/v1", "v1"),
                        "apiVersion", "must be \"mesos-operator.io/v1\"", 1),
                Arguments.of("health check without port", GOOD + "  healthCheck: {type: http}\n",
                        "spec.healthCheck", "needs exactly one of: port, portName", 8),
                Arguments.of("uri of the wrong shape", GOOD + "  uris: [3]\n",
                        "spec.uris[0]", "must be a string or an object", 8),
                Arguments.of("unknown strategy", GOOD + "  strategy: rolling\n",
                        "spec.strategy", "'rolling' is not one of: parallel, serial, canary", 8),
                Arguments.of("bad env name", GOOD + "  env: {1X: a}\n",
                        "spec.env", "'1X' is not a valid name", 8),
                Arguments.of("syntax error", GOOD.replace("  command: sleep 1000", "   command: [\n"),
                        "", "syntax error", 7),
                Arguments.of("not a mapping", "- a\n- b\n", "", "expected a mapping", null),
                Arguments.of("two documents", GOOD + "---\n" + GOOD, "", "more than one document", 9));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void refusesBadSpecsNamingFieldAndLine(String name, String yaml, String path, String message, Integer line) {
        assertThatThrownBy(() -> VALIDATOR.validate(SpecParser.parse(yaml)))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
                    assertThat(e.errors()).anySatisfy(err -> {
                        assertThat(err.path()).isEqualTo(path);
                        assertThat(err.message()).startsWith(message);
                        if (line != null) {
                            assertThat(err.line()).isEqualTo(line);
                        }
                    });
                });
    }

    @Test
    void reportsEveryProblemAtOnce() {
        String yaml = GOOD.replace("instances: 2", "instances: -1") + "  colour: blue\n";
        assertThatThrownBy(() -> VALIDATOR.validate(SpecParser.parse(yaml)))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::path).containsExactly("spec.instances", "spec.colour"));
    }

    @Test
    void fillsInSchemaDefaultsAndDropsOperatorOwnedFields() {
        ObjectNode doc = VALIDATOR.validate(SpecParser.parse(GOOD.replace("name: web", "name: web\n  generation: 7")
                + "  healthCheck: {type: tcp, port: 80}\n" + "status: {phase: Running}\n"));
        assertThat(doc.path("spec").path("cpus").asDouble()).isEqualTo(0.1);
        assertThat(doc.path("spec").path("mem").asDouble()).isEqualTo(128);
        assertThat(doc.path("spec").path("healthCheck").path("consecutiveFailures").asInt()).isEqualTo(3);
        assertThat(doc.has("status")).isFalse();
        assertThat(doc.path("metadata").has("generation")).isFalse();
    }

    @Test
    void jsonIsAcceptedToo() {
        ObjectNode doc = VALIDATOR.validate(SpecParser.parse(
                "{\"apiVersion\":\"mesos-operator.io/v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"j\"},"
                        + "\"spec\":{\"command\":\"sleep 1\"}}"));
        assertThat(doc.path("spec").path("instances").asInt()).isEqualTo(1);
    }
}
