package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A watched specs directory: editing a file applies it, a bad edit changes nothing, deleting prunes. */
class SpecsDirE2ETest extends EmbeddedOperatorTest {
    Path specs;

    @Override
    EmbeddedOperator startEnvironment(Path dir) throws Exception {
        specs = Files.createDirectories(dir.resolve("specs"));
        return new EmbeddedOperator(dir, EmbeddedOperator.Options.defaults()
                .config("api.specsDir", specs.toString()).config("api.prune", true));
    }

    private long generation() {
        return env.get("/v1/resources/Service/filed").body().path("metadata").path("generation").asLong();
    }

    @Test
    void editingAFileIsHowAUserScales() throws Exception {
        Path file = specs.resolve("filed.yaml");
        Files.writeString(file, Specs.service("filed", 1, "sleep 600"));
        await().atMost(Duration.ofSeconds(60)).until(() ->
                env.get("/v1/resources/Service/filed").body().path("status").path("readyReplicas").asInt() == 1);

        Files.writeString(file, Specs.service("filed", 2, "sleep 600"));
        await().atMost(Duration.ofSeconds(60)).until(() ->
                env.get("/v1/resources/Service/filed").body().path("status").path("readyReplicas").asInt() == 2);
        assertThat(generation()).isEqualTo(2);

        Files.writeString(file, Specs.service("filed", -1, "sleep 600"));
        Thread.sleep(3000); // a few scans: the refused edit must not be applied
        assertThat(generation()).isEqualTo(2);
        assertThat(env.tasks("Service/filed")).hasSize(2);

        Files.delete(file);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(env.get("/v1/resources/Service/filed").status()).isEqualTo(404);
            assertThat(env.mesosRunningTasks()).isEmpty();
        });
    }
}
