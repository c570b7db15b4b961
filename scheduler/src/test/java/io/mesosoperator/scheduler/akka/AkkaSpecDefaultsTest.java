package io.mesosoperator.scheduler.akka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.kind.Reconciler;
import io.mesosoperator.scheduler.kind.RecoveryPolicy;
import io.mesosoperator.scheduler.spec.Resource;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What runs when an AkkaService names no application: the sample's, as the schema's defaults say. */
class AkkaSpecDefaultsTest {
    final AkkaProbe probe = new AkkaProbe();

    @AfterEach
    void closeProbe() {
        probe.close();
    }

    @Test
    void withoutAnArtifactTheSpecRunsTheSamplesMainClassInItsActorSystem() throws Exception {
        Resource sample = AkkaReconcilerTest.sample("actorSystemName: sample-cluster", "");
        assertThat(sample.spec().path("mainClass").asText()).isEqualTo("io.mesosoperator.samples.ClusterNode");
        assertThat(sample.spec().path("classpath").asText()).isEqualTo("pekko-cluster/lib/*");
        assertThat(sample.spec().path("actorSystemName").asText()).isEqualTo("sample-cluster");
    }

    @Test
    void aCommandOrAnArtifactOfTheUsersTakesNoneOfTheSamplesDefaults() throws Exception {
        Resource launcher = AkkaReconcilerTest.sample("  # artifact:", "  command: pekko-cluster/bin/pekko-cluster\n  #");
        assertThat(launcher.spec().has("mainClass")).isFalse();
        assertThat(launcher.spec().has("classpath")).isFalse();
        Resource own = AkkaReconcilerTest.sample("  # artifact:", "  artifact: file:///app.tgz\n  mainClass: app.Main\n  #");
        assertThat(own.spec().path("mainClass").asText()).isEqualTo("app.Main");
        assertThat(own.spec().path("classpath").asText()).isEqualTo("pekko-cluster/lib/*");
        assertThat(own.spec().path("actorSystemName").asText()).isEqualTo("sample-cluster"); // the sample spec names it
        Resource unnamed = AkkaReconcilerTest.sample("  # artifact:", "  artifact: file:///app.tgz\n  #",
                "actorSystemName: sample-cluster", "");
        assertThat(unnamed.spec().has("actorSystemName")).isFalse(); // required with an artifact: check() says so
        assertThat(new AkkaReconciler(RecoveryPolicy.DEFAULT, null, probe, AkkaReconcilerTest.SECRETS).check(unnamed, "*"))
                .extracting(e -> e.path()).containsExactlyInAnyOrder("spec.mainClass", "spec.actorSystemName");
    }

    @Test
    void aSpecStoredBeforeTheSampleDefaultsWereInTheSchemaRunsTheSampleAsBefore() throws Exception {
        ObjectNode stored = AkkaReconcilerTest.sample().toJson();
        ((ObjectNode) stored.path("spec")).remove(List.of("mainClass", "classpath", "actorSystemName"));
        String command = new AkkaReconciler(RecoveryPolicy.DEFAULT, "file:///pekko-cluster.tgz", probe, AkkaReconcilerTest.SECRETS)
                .reconcile(new Resource(stored), new Reconciler.Observed(List.of(), null, Set.of()), Instant.now())
                .launches().get(0).command();
        assertThat(command).contains("-cp \"pekko-cluster/lib/*\" \"io.mesosoperator.samples.ClusterNode\"",
                "pekko://sample-cluster@");
    }
}
