package io.mesosoperator.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.scheduler.kind.KindCall;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may call what once the API needs a token: the API's tokens everything; a Spark driver's token (scoped to
 * its job's run and attempt) only that attempt's calls, not another attempt's, not another job's, not a write
 * of the job itself.
 */
class BearerAuthFilterTest {
    private static final ResourceKey WC = new ResourceKey("SparkJob", "wc");
    private static final Map<ResourceKey, String> SECRETS = Map.of(WC, "wc-secret", new ResourceKey("SparkJob", "other"), "o");

    @Test
    void aDriversTokenAdmitsItsOwnAttemptsCallsAndNothingElse(@TempDir Path dir) throws Exception {
        BearerAuthFilter auth = BearerAuthFilter.fromFile(Files.writeString(dir.resolve("tokens"), "api-token\n"), false,
                SECRETS::get);
        String driver = "Bearer " + KindCall.scopedToken("wc-secret", WC, "runs/0/attempts/1");
        String executors = "v1/resources/SparkJob/wc/runs/0/attempts/1/executors";

        assertThat(auth.allows("PUT", executors, driver)).isTrue();
        assertThat(auth.allows("POST", "/" + executors + "/kill", driver)).isTrue();
        assertThat(auth.allows("PUT", executors, "Bearer api-token")).as("the API's token").isTrue();
        assertThat(auth.allows("PUT", executors, null)).isFalse();
        assertThat(auth.allows("PUT", executors, "Bearer not-it")).isFalse();
        assertThat(auth.allows("PUT", "v1/resources/SparkJob/wc/runs/0/attempts/2/executors", driver))
                .as("the next attempt's calls").isFalse();
        assertThat(auth.allows("PUT", "v1/resources/SparkJob/other/runs/0/attempts/1/executors", driver))
                .as("another job's").isFalse();
        assertThat(auth.allows("DELETE", "v1/resources/SparkJob/wc", driver)).as("the job itself").isFalse();
        assertThat(auth.allows("POST", "v1/resources", driver)).isFalse();
        assertThat(auth.allows("PUT", "v1/resources/SparkJob/gone/runs/0/attempts/1/executors",
                "Bearer " + KindCall.scopedToken("wc-secret", new ResourceKey("SparkJob", "gone"), "runs/0/attempts/1")))
                .as("a job without a secret (deleted)").isFalse();
    }
}
