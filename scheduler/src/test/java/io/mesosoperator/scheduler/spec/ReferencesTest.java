package io.mesosoperator.scheduler.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mesosoperator.scheduler.akka.AkkaReconciler;
import io.mesosoperator.scheduler.cassandra.CassandraReconciler;
import io.mesosoperator.scheduler.kafka.KafkaReconciler;
import io.mesosoperator.scheduler.service.ServiceReconciler;
import io.mesosoperator.scheduler.spark.SparkJobReconciler;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** References between resources at apply: what each kind accepts, what is refused and how the refusal names the field. */
class ReferencesTest {
    private static final SpecValidator VALIDATOR = new SpecValidator(List.of(ServiceReconciler.KIND, KafkaReconciler.KIND,
            CassandraReconciler.KIND, AkkaReconciler.KIND, SparkJobReconciler.KIND));

    private static final String SERVICE = """
            apiVersion: mesos-operator.io/v1
            kind: Service
            metadata: {name: ingest}
            spec:
              command: ./ingest
              env:
                GREETING: hi
                KAFKA: %s
            """;

    private static List<FieldError> refusal(String yaml) {
        try {
            VALIDATOR.validate(SpecParser.parse(yaml));
        } catch (InvalidSpecException e) {
            return e.errors();
        }
        throw new AssertionError("accepted: " + yaml);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("{valueFrom: {resource: Kafka/events, field: bootstrapServers}}",
                        "spec.env.KAFKA.valueFrom.resource", "unknown kind 'Kafka' (known: AkkaService, CassandraCluster,"
                                + " KafkaCluster, Service, SparkJob)"),
                Arguments.of("{valueFrom: {resource: KafkaCluster/events, field: brokers}}",
                        "spec.env.KAFKA.valueFrom.field", "'brokers' is not a field KafkaCluster exports (it exports:"
                                + " bootstrapServers)"),
                Arguments.of("{valueFrom: {resource: events, field: bootstrapServers}}",
                        "spec.env.KAFKA.valueFrom.resource", "'events' must be KIND/NAME, e.g. KafkaCluster/events"),
                Arguments.of("{valueFrom: {resource: KafkaCluster/Events_1, field: bootstrapServers}}",
                        "spec.env.KAFKA.valueFrom.resource", "'Events_1' cannot be a resource's name (a name is at most 53"
                                + " characters matching ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$)"),
                Arguments.of("{valueFrom: {resource: Service/ingest, field: endpoints.http}}",
                        "spec.env.KAFKA.valueFrom.resource", "is this resource itself: it would wait for its own status"
                                + " for ever"),
                Arguments.of("{valueFrom: {resource: SparkJob/wordcount, field: applicationId}}",
                        "spec.env.KAFKA.valueFrom.field", "SparkJob exports no fields to references"),
                Arguments.of("{valueFrom: {resource: Service/web, field: endpoints.HTTP}}",
                        "spec.env.KAFKA.valueFrom.field", "'endpoints.HTTP' is not a field Service exports (it exports:"
                                + " endpoints.<port>)"),
                Arguments.of("{valueFrom: {resource: KafkaCluster/events}}",
                        "spec.env.KAFKA.valueFrom.field", "is required"),
                Arguments.of("{valueFrom: {resource: KafkaCluster/events, field: bootstrapServers, default: x}}",
                        "spec.env.KAFKA.valueFrom.default", "unknown field (allowed: field, resource)"),
                Arguments.of("3", "spec.env.KAFKA", "must be a string or an object, not an integer"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void aReferenceThatCannotResolveIsRefusedAtApplyNamingTheField(String value, String path, String message) {
        List<FieldError> errors = refusal(SERVICE.formatted(value));
        assertThat(errors).extracting(FieldError::path, FieldError::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(path, message));
        assertThat(errors.get(0).line()).isEqualTo(8);
    }

    @Test
    void aReferenceToAResourceThatDoesNotExistYetIsAccepted() {
        JsonNode spec = VALIDATOR.validate(SpecParser.parse(SERVICE.formatted(
                "{valueFrom: {resource: KafkaCluster/events, field: bootstrapServers}}"))).path("spec");
        assertThat(References.in(spec)).containsExactly(new References.Reference("/spec/env/KAFKA",
                new ResourceKey("KafkaCluster", "events"), "bootstrapServers"));
        assertThat(References.in(spec).get(0).path()).isEqualTo("spec.env.KAFKA");
        // bound for anything but a launch, a reference reads as an empty string
        assertThat(References.placeholders(spec).path("env").path("KAFKA").asText()).isEmpty();
        assertThat(References.placeholders(spec).path("env").path("GREETING").asText()).isEqualTo("hi");
    }

    @Test
    void sparkConfAndTheConfigMapsTakeReferencesToo() {
        VALIDATOR.validate(SpecParser.parse("""
                apiVersion: mesos-operator.io/v1
                kind: SparkJob
                metadata: {name: totals}
                spec:
                  mainApplicationFile: file:///app.jar
                  sparkConf:
                    spark.cassandra.connection.host: {valueFrom: {resource: CassandraCluster/ring, field: contactPoints}}
                  env: {KAFKA: {valueFrom: {resource: KafkaCluster/events, field: bootstrapServers}}}
                """));
        VALIDATOR.validate(SpecParser.parse("""
                apiVersion: mesos-operator.io/v1
                kind: AkkaService
                metadata: {name: query}
                spec:
                  config: {app.cassandra.dc: {valueFrom: {resource: CassandraCluster/ring, field: datacenter}}}
                """));
        List<FieldError> kafka = refusal("""
                apiVersion: mesos-operator.io/v1
                kind: KafkaCluster
                metadata: {name: events}
                spec:
                  config: {log.retention.ms: {valueFrom: {resource: Service/web, field: endpoint}}}
                """);
        assertThat(kafka).extracting(FieldError::path).containsExactly("spec.config.log.retention.ms.valueFrom.field");
        // cassandra.yaml overrides take any YAML: a reference nested in one is checked all the same
        List<FieldError> cassandra = refusal("""
                apiVersion: mesos-operator.io/v1
                kind: CassandraCluster
                metadata: {name: ring}
                spec:
                  config:
                    client_encryption_options: {keystore: {valueFrom: {resource: Vault/keys, field: path}}}
                """);
        assertThat(cassandra).extracting(FieldError::path, FieldError::line).containsExactly(org.assertj.core.groups.Tuple
                .tuple("spec.config.client_encryption_options.keystore.valueFrom.resource", 6));
    }

    @Test
    void eachKindExportsItsListedFieldsFromItsStatus() throws Exception {
        JsonNode kafka = new ObjectMapper().readTree("{\"workload\": {\"bootstrapServers\": \"h1:9092,h2:9092\"}}");
        assertThat(Exports.value("KafkaCluster", "bootstrapServers", kafka)).isEqualTo("h1:9092,h2:9092");
        JsonNode akka = new ObjectMapper().readTree("{\"workload\": {\"seedNodes\": [\"pekko://s@h1:1\", \"pekko://s@h2:2\"],"
                + " \"managementEndpoints\": {\"0\": \"http://h1:3\"}}}");
        assertThat(Exports.value("AkkaService", "seedNodes", akka)).isEqualTo("pekko://s@h1:1,pekko://s@h2:2");
        assertThat(Exports.value("AkkaService", "managementEndpoints", akka)).isEqualTo("http://h1:3");
        // endpoints: the ready instances only, in instance order
        JsonNode service = new ObjectMapper().readTree("{\"instances\": ["
                + "{\"instance\": 0, \"ready\": true, \"host\": \"h1\", \"ports\": {\"http\": 31001, \"admin\": 31002}},"
                + "{\"instance\": 1, \"ready\": false, \"host\": \"h2\", \"ports\": {\"http\": 31003}},"
                + "{\"instance\": 2, \"ready\": true, \"host\": \"h3\", \"ports\": {\"http\": 31004}}]}");
        assertThat(Exports.value("Service", "endpoints.http", service)).isEqualTo("h1:31001,h3:31004");
        assertThat(Exports.value("Service", "endpoints.admin", service)).isEqualTo("h1:31002");
        assertThat(Exports.value("Service", "endpoints.grpc", service)).isNull();
        assertThat(Exports.lackingPort("Service", "endpoints.grpc", service)).isEqualTo("no port named grpc (its ports:"
                + " admin, http)");
        assertThat(Exports.value("CassandraCluster", "contactPoints", new ObjectMapper().readTree("{}"))).isNull();
        assertThat(Exports.of("AkkaService")).containsExactly("endpoints.<port>", "managementEndpoints", "seedNodes");
    }

    @Test
    void resourcesAreOrderedAfterWhatTheyReferenceAndCyclesAreNamed() {
        ResourceKey kafka = new ResourceKey("KafkaCluster", "events");
        ResourceKey ingest = new ResourceKey("Service", "ingest");
        ResourceKey query = new ResourceKey("Service", "query");
        ResourceKey ring = new ResourceKey("CassandraCluster", "ring");
        Map<ResourceKey, Set<ResourceKey>> refs = Map.of(ingest, Set.of(kafka), query, Set.of(ring, ingest),
                kafka, Set.of(), ring, Set.of(new ResourceKey("Service", "elsewhere")));
        // as given where nothing constrains it (e.g. file names), each after what it references
        assertThat(ReferenceGraph.order(List.of(ingest, query, kafka, ring), k -> k, refs::get))
                .containsExactly(kafka, ingest, ring, query);

        Map<ResourceKey, Set<ResourceKey>> cyclic = Map.of(ingest, Set.of(kafka), kafka, Set.of(query),
                query, Set.of(ingest), ring, Set.of());
        assertThatThrownBy(() -> ReferenceGraph.order(List.of(ring, ingest, kafka, query), k -> k, cyclic::get))
                .isInstanceOf(ReferenceGraph.CycleException.class)
                .hasMessage("references form a cycle: Service/ingest -> KafkaCluster/events -> Service/query"
                        + " -> Service/ingest");
        assertThat(ReferenceGraph.cycleThrough(kafka, cyclic::get)).containsExactly(kafka, query, ingest, kafka);
        assertThat(ReferenceGraph.cycleThrough(ring, cyclic::get)).isEmpty();
    }
}
