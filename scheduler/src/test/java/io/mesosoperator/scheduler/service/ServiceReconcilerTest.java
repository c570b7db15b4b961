package io.mesosoperator.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.SpecParser;
import io.mesosoperator.scheduler.spec.SpecValidator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Service's artifacts: how the schema's uri forms and their defaults become what the agent fetches. */
class ServiceReconcilerTest {
    static final SpecValidator VALIDATOR = new SpecValidator(List.of(ServiceReconciler.KIND));

    static Resource service(String uris) {
        ObjectNode doc = VALIDATOR.validate(SpecParser.parse("""
                apiVersion: mesos-operator.io/v1
                kind: Service
                metadata: {name: web}
                spec:
                  command: sleep 100
                  uris: %s
                """.formatted(uris)));
        ((ObjectNode) doc.path("metadata")).put("generation", 1);
        return new Resource(doc);
    }

    @Test
    void aUriIsExtractedAndNotExecutableUnlessTheSpecSaysOtherwise() {
        Resource web = service("[file:///a.tgz, {value: file:///b.tgz}, {value: file:///run.sh, extract: false,"
                + " executable: true, outputFile: run}]");
        // the schema's defaults are in the stored spec
        assertThat(web.spec().path("uris").get(1).path("extract").asBoolean()).isTrue();
        assertThat(ServiceReconciler.pods(web).get(0).uris()).containsExactly(
                new PodSpec.Artifact("file:///a.tgz", true, false, null),
                new PodSpec.Artifact("file:///b.tgz", true, false, null),
                new PodSpec.Artifact("file:///run.sh", false, true, "run"));
    }

    @Test
    void aSpecStoredBeforeTheUriDefaultsWereFilledInStillGetsThem() {
        ObjectNode stored = service("[{value: file:///b.tgz}]").toJson();
        ObjectNode uri = (ObjectNode) stored.path("spec").path("uris").get(0);
        uri.remove(List.of("extract", "executable"));
        assertThat(ServiceReconciler.pods(new Resource(stored)).get(0).uris())
                .containsExactly(new PodSpec.Artifact("file:///b.tgz", true, false, null));
    }
}
