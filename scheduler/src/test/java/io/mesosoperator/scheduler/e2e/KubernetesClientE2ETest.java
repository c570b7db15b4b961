package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A second Kubernetes client, the fabric8 Java client's generic resources, on the operator's
 * Kubernetes API: create, get with status, list, merge patch, a stale update's 409, delete.
 */
class KubernetesClientE2ETest extends EmbeddedOperatorTest {
    private static final ResourceDefinitionContext SERVICES = new ResourceDefinitionContext.Builder()
            .withGroup("mesos-operator.io").withVersion("v1").withKind("Service").withPlural("services")
            .withNamespaced(true).build();

    @Test
    @org.junit.jupiter.api.Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
    void genericResourcesThroughTheFabric8Client() throws Exception {
        Config config = new ConfigBuilder().withMasterUrl(env.api()).withNamespace("default").build();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
                    services = client.genericKubernetesResources(SERVICES).inNamespace("default");
            GenericKubernetesResource hello = client.getKubernetesSerialization()
                    .unmarshal(Specs.service("hello", 2, "sleep 600"), GenericKubernetesResource.class);
            GenericKubernetesResource created = services.resource(hello).create();
            assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
            assertThat(created.getMetadata().getNamespace()).isEqualTo("default");
            assertThatThrownBy(() -> services.resource(hello).create()).isInstanceOfSatisfying(KubernetesClientException.class,
                    e -> assertThat(e.getCode()).isEqualTo(409));

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat((Object) services.withName("hello").get().get("status", "readyReplicas")).isEqualTo(2));
            assertThat(services.list().getItems()).extracting(r -> r.getMetadata().getName()).containsExactly("hello");

            GenericKubernetesResource stale = services.withName("hello").get();
            GenericKubernetesResource patched = services.withName("hello")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"instances\":1}}");
            assertThat(patched.getMetadata().getGeneration()).isEqualTo(2L);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat((Object) services.withName("hello").get().get("status", "readyReplicas")).isEqualTo(1));

            // an update based on the object before the patch is refused, and changes nothing
            stale.getAdditionalProperties().put("spec", java.util.Map.of("command", "sleep 600", "instances", 5));
            assertThatThrownBy(() -> services.resource(stale).update())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(409);
                        assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                    });
            assertThat((Object) services.withName("hello").get().get("spec", "instances")).isEqualTo(1);

            assertThat(services.withName("hello").delete()).hasSize(1);
            assertThat(services.withName("hello").get()).isNull();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(env.mesosRunningTasks()).isEmpty());
        }
    }
}
