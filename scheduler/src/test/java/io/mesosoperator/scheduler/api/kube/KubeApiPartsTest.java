package io.mesosoperator.scheduler.api.kube;

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
import org.junit.jupiter.api.Test;

/** The pure parts of the Kubernetes API: kind names, the OpenAPI document, merge patch, selectors. */
class KubeApiPartsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KubeKinds KINDS = new KubeKinds(List.of(ServiceReconciler.KIND, KafkaReconciler.KIND,
            CassandraReconciler.KIND, SparkJobReconciler.KIND, AkkaReconciler.KIND));

    @Test
    void everyKindHasKubernetesNamesAndOnlyScalableOnesAScaleField() {
        assertThat(KINDS.byPlural("services").kind()).isEqualTo("Service");
        assertThat(KINDS.byPlural("services").shortNames()).containsExactly("msvc");
        assertThat(KINDS.byPlural("kafkaclusters").replicasField()).isEqualTo("brokers");
        assertThat(KINDS.byPlural("sparkjobs").replicasField()).isNull();
        assertThat(KINDS.byKind("CassandraCluster").qualified()).isEqualTo("cassandraclusters.mesos-operator.io");
    }

    @Test
    void theOpenApiDocumentTellsKubectlThatTheServerValidatesAndHowToPatch() {
        JsonNode doc = new KubeOpenApi(KINDS, JSON).groupVersion();
        JsonNode patch = doc.path("paths").path("/apis/mesos-operator.io/v1/namespaces/{namespace}/services/{name}").path("patch");
        assertThat(patch.path("x-kubernetes-group-version-kind").path("kind").asText()).isEqualTo("Service");
        assertThat(patch.path("parameters").findValuesAsText("name")).contains("fieldValidation");
        assertThat(patch.path("requestBody").path("content").has("application/merge-patch+json")).isTrue();
        // no strategic merge patch: kubectl apply then sends a JSON merge patch
        assertThat(patch.path("requestBody").path("content").has("application/strategic-merge-patch+json")).isFalse();
        JsonNode service = doc.path("components").path("schemas").path("io.mesos-operator.v1.Service");
        // references inlined, JSON Schema keywords OpenAPI 3.0 spells otherwise rewritten
        assertThat(service.path("properties").path("metadata").path("properties").path("name").path("pattern").asText())
                .isNotEmpty();
        assertThat(service.path("properties").path("kind").path("enum").get(0).asText()).isEqualTo("Service");
        assertThat(service.path("properties").path("spec").path("properties").path("cpus").path("exclusiveMinimum").asBoolean())
                .isTrue();
        assertThat(doc.toString()).doesNotContain("$ref\":\"common", "\"const\"", "$defs");
        assertThat(new KubeOpenApi(KINDS, JSON).index().path("paths").path("apis/mesos-operator.io/v1")
                .path("serverRelativeURL").asText()).startsWith("/openapi/v3/apis/mesos-operator.io/v1?hash=");
    }

    @Test
    void aMergePatchMergesObjectsRemovesNullsAndReplacesTheRest() throws Exception {
        JsonNode target = JSON.readTree("{\"spec\":{\"instances\":2,\"env\":{\"A\":\"1\",\"B\":\"2\"},\"uris\":[\"x\"]}}");
        JsonNode patch = JSON.readTree("{\"spec\":{\"instances\":3,\"env\":{\"A\":null},\"uris\":[\"y\"]}}");
        assertThat(MergePatch.apply(target, patch)).isEqualTo(
                JSON.readTree("{\"spec\":{\"instances\":3,\"env\":{\"B\":\"2\"},\"uris\":[\"y\"]}}"));
        assertThat(target.path("spec").path("instances").asInt()).as("the target is not changed").isEqualTo(2);
    }

    @Test
    void selectorsOfEqualityAndExistence() throws Exception {
        JsonNode object = JSON.readTree("{\"metadata\":{\"name\":\"hello\",\"labels\":{\"team\":\"data\"}}}");
        assertThat(Selector.matches(Selector.parse("team=data"), Selector.parse("metadata.name==hello"), object)).isTrue();
        assertThat(Selector.matches(Selector.parse("team!=data"), Selector.EVERYTHING, object)).isFalse();
        assertThat(Selector.matches(Selector.parse("team,!tier"), Selector.parse("metadata.namespace=default"), object)).isTrue();
        assertThat(Selector.parse("metadata.name=hello").equalTo("metadata.name")).isEqualTo("hello");
        assertThatThrownBy(() -> Selector.parse("team in (data,web)")).hasMessageContaining("only =, == and !=");
        assertThat(Selector.parse(null).matches(Map.<String, String>of()::get)).isTrue();
    }
}
