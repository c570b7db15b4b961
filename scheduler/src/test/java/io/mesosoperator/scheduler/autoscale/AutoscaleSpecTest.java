package io.mesosoperator.scheduler.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.akka.AkkaReconciler;
import io.mesosoperator.scheduler.kind.RecoveryPolicy;
import io.mesosoperator.scheduler.service.ServiceReconciler;
import io.mesosoperator.scheduler.spec.AutoscaleSpec;
import io.mesosoperator.scheduler.spec.FieldError;
import io.mesosoperator.scheduler.spec.InvalidSpecException;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.SpecChange;
import io.mesosoperator.scheduler.spec.SpecParser;
import io.mesosoperator.scheduler.spec.SpecValidator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** spec.autoscale of Service and AkkaService: the schema, the defaults, and the checks the schema cannot make. */
class AutoscaleSpecTest {
    private static final SpecValidator VALIDATOR = new SpecValidator(List.of(ServiceReconciler.KIND, AkkaReconciler.KIND));

    static final String SERVICE = """
            apiVersion: mesos-operator.io/v1
            kind: Service
            metadata:
              name: consumer
            spec:
              command: sleep 1000
              autoscale:
                minReplicas: 2
                maxReplicas: 6
                metric: {type: series, name: queue_depth, labels: {queue: orders}}
                target: 100
            """;

    @Test
    void theSampleIsValid() throws Exception {
        String sample = java.nio.file.Files.readString(java.nio.file.Path.of("..", "sample-specs", "service-autoscaled.yaml"));
        ObjectNode validated = VALIDATOR.validate(SpecParser.parse(sample));
        assertThat(AutoscaleSpec.check(validated.path("spec"))).isEmpty();
        assertThat(AutoscaleSpec.of(validated.path("spec")).metric().type()).isEqualTo(AutoscaleSpec.Metric.CPU);
    }

    @Test
    void defaultsAreKubernetesHpas() {
        AutoscaleSpec a = AutoscaleSpec.of(VALIDATOR.validate(SpecParser.parse(SERVICE)).path("spec"));
        assertThat(a.minReplicas()).isEqualTo(2);
        assertThat(a.maxReplicas()).isEqualTo(6);
        assertThat(a.metric()).isEqualTo(new AutoscaleSpec.Metric("series", "queue_depth", Map.of("queue", "orders"), true,
                null, null, null));
        assertThat(a.tolerance()).isEqualTo(0.1);
        assertThat(a.intervalSeconds()).isEqualTo(15);
        assertThat(a.scaleUp()).isEqualTo(AutoscaleSpec.DEFAULT_SCALE_UP);
        assertThat(a.scaleDown()).isEqualTo(AutoscaleSpec.DEFAULT_SCALE_DOWN);
    }

    @Test
    void anAkkaServiceTakesTheSameSection() {
        String akka = SERVICE.replace("kind: Service", "kind: AkkaService").replace("  command: sleep 1000\n", "");
        ObjectNode doc = VALIDATOR.validate(SpecParser.parse(akka));
        assertThat(AutoscaleSpec.of(doc.path("spec")).maxReplicas()).isEqualTo(6);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("unknown metric type", SERVICE.replace("type: series", "type: memory"),
                        "spec.autoscale.metric.type", "'memory' is not one of"),
                Arguments.of("no target", SERVICE.replace("    target: 100\n", ""), "spec.autoscale.target", "is required"),
                Arguments.of("zero target", SERVICE.replace("target: 100", "target: 0"), "spec.autoscale.target", "must be > 0"),
                Arguments.of("unknown policy type", SERVICE + "    scaleUp: {policies: [{type: Nodes, value: 1, periodSeconds: 15}]}\n",
                        "spec.autoscale.scaleUp.policies[0].type", "'Nodes' is not one of"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void theSchemaRefusesNamingTheField(String name, String yaml, String path, String message) {
        assertThatThrownBy(() -> VALIDATOR.validate(SpecParser.parse(yaml)))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors())
                        .anySatisfy(err -> {
                            assertThat(err.path()).isEqualTo(path);
                            assertThat(err.message()).startsWith(message);
                        }));
    }

    static Stream<Arguments> checked() {
        return Stream.of(
                Arguments.of("maxReplicas below minReplicas", SERVICE.replace("maxReplicas: 6", "maxReplicas: 1"),
                        FieldError.of("spec.autoscale.maxReplicas", "must be >= spec.autoscale.minReplicas (2), is 1")),
                Arguments.of("a series without a name", SERVICE.replace("name: queue_depth, ", ""),
                        FieldError.of("spec.autoscale.metric.name", "required when metric.type is series")),
                Arguments.of("a lag without a group", SERVICE.replace("{type: series, name: queue_depth, labels: {queue: orders}}",
                        "{type: kafkaLag, kafkaCluster: events}"),
                        FieldError.of("spec.autoscale.metric.group", "required when metric.type is kafkaLag")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checked")
    void theKindRefusesWhatTheSchemaCannotSay(String name, String yaml, FieldError expected) {
        ObjectNode doc = VALIDATOR.validate(SpecParser.parse(yaml));
        List<FieldError> errors = new ServiceReconciler(RecoveryPolicy.DEFAULT).check(new Resource(doc), "*");
        assertThat(errors).containsExactly(expected);
    }

    @Test
    void changingAutoscaleReplacesNoInstance() {
        ObjectNode before = VALIDATOR.validate(SpecParser.parse(SERVICE));
        ObjectNode after = VALIDATOR.validate(SpecParser.parse(SERVICE.replace("target: 100", "target: 50")));
        assertThat(SpecChange.classify(before.path("spec"), after.path("spec"), ServiceReconciler.KIND))
                .isEqualTo(SpecChange.PLAN_CHANGE);
    }
}
