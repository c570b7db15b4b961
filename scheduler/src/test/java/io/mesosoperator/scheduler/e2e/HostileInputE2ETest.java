package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Hostile and careless input, end to end: a few hundred mutants of the sample specs, posted to a
 * running operator, never answer 5xx, always answer a 4xx with the errors shape when refused,
 * never cost the operator its leadership, and never touch what already runs.
 */
class HostileInputE2ETest extends EmbeddedOperatorTest {
    private static final long SEED = 20261206L;
    private static final int CASES = 300;

    /**
     * Every sample valid here (a role for persistent volumes, a distribution for each kind), so that
     * mutants that stay valid are accepted; the distributions do not exist, so an accepted mutant's
     * tasks fail at their fetch instead of starting a JVM each on this small machine.
     */
    @Override
    EmbeddedOperator.Options options() {
        EmbeddedOperator.Options options = super.options().config("mesos.role", "fuzz");
        for (String workload : List.of("kafka", "cassandra", "spark")) {
            options = options.config("workloads." + workload + "Distribution", "file:///nonexistent/" + workload + ".tgz");
        }
        return options.config("workloads.pekkoSampleDistribution", "file:///nonexistent/pekko.tgz");
    }

    @Test
    void mutatedSpecsAreAnsweredWithoutHarm() throws Exception {
        applyOwned(Specs.service("steady", 2, "sleep 3600"));
        await().atMost(Duration.ofSeconds(60)).until(() -> running("Service/steady").size() == 2);
        List<String> steadyTasks = running("Service/steady");
        String leaderBefore = leaderMetric();

        SpecMutations fuzzer = new SpecMutations(SEED, samples());
        Map<String, Integer> answers = new TreeMap<>();
        for (int i = 0; i < CASES; i++) {
            SpecMutations.Case c = fuzzer.next(i, "fuzz-" + i);
            EmbeddedOperator.Reply reply;
            try {
                reply = env.post("/v1/resources", c.contentType(), c.body());
            } catch (IllegalStateException e) {
                throw new AssertionError(c + " got no answer (" + e.getMessage() + "): " + abbreviate(c.body()), e);
            }
            answers.merge(c.mutation() + " -> " + reply.status(), 1, Integer::sum);
            if (c.mutation().equals("unchanged")) {
                assertThat(reply.status()).as("%s: the samples themselves are valid here: %s", c, reply.body()).isEqualTo(201);
            }
            assertThat(reply.status()).as("%s answered %s", c, reply.body()).isBetween(200, 499);
            if (reply.status() >= 400) {
                assertThat(reply.body().path("errors")).as("%s: the errors shape", c).isNotEmpty();
                reply.body().path("errors").forEach(e ->
                        assertThat(e.path("message").asText()).as("%s: each error says why", c).isNotBlank());
            } else {
                // accepted: a valid mutant; take it away again so the cluster only runs what the test means
                String resource = reply.body().path("kind").asText() + "/" + reply.body().path("metadata").path("name").asText();
                assertThat(env.delete("/v1/resources/" + resource).status()).as("%s deleted", c).isBetween(200, 299);
            }
        }
        System.out.println("mutation fuzzer, seed " + SEED + ": " + answers);

        assertThat(leaderMetric()).as("the operator kept its leadership through every case").isEqualTo(leaderBefore);
        assertThat(running("Service/steady")).as("what ran before runs untouched").containsExactlyInAnyOrderElementsOf(steadyTasks);
        assertThat(env.get("/v1/resources/Service/steady").body().path("metadata").path("generation").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(env.mesosRunningTasks()).containsExactlyInAnyOrderElementsOf(steadyTasks));
    }

    @Test
    void anOversizedSpecIsRefusedBeforeItReachesZooKeeper() {
        String leaderBefore = leaderMetric();
        String huge = Specs.service("oversized", 1, "sleep 3600", "env: {BIG: '" + "x".repeat(700 * 1024) + "'}");
        EmbeddedOperator.Reply reply = env.post("/v1/resources", "application/yaml", huge);
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.body().path("errors").get(0).path("message").asText()).contains("bytes");
        assertThat(env.get("/v1/resources/Service/oversized").status()).isEqualTo(404);
        assertThat(leaderMetric()).isEqualTo(leaderBefore);
        // and the operator still takes ordinary work at once
        assertThat(applyOwned(Specs.service("ordinary", 1, "sleep 3600")).status()).isEqualTo(201);
    }

    /** The leadership series of the operator's Prometheus metrics: the leader flag and the terms it began. */
    private String leaderMetric() {
        return Stream.of(env.admin("/metrics/prometheus").split("\n"))
                .filter(l -> l.startsWith("mesos_operator_leader") && !l.startsWith("#"))
                .sorted().reduce("", (a, b) -> a + b + "\n");
    }

    private List<String> running(String resource) {
        List<String> ids = new ArrayList<>();
        for (JsonNode t : env.tasks(resource)) {
            if (t.path("state").asText().equals("TASK_RUNNING")) {
                ids.add(t.path("taskId").asText());
            }
        }
        return ids;
    }

    private static String abbreviate(String body) {
        return body.length() <= 2_000 ? body : body.substring(0, 2_000) + "...";
    }

    private static List<String> samples() throws java.io.IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("..", "sample-specs"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                out.add(Files.readString(f));
            }
        }
        return out;
    }
}
