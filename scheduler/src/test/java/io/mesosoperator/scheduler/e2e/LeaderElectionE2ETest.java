package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.testing.DropwizardTestSupport;
import io.mesosoperator.scheduler.api.OperatorApplication;
import io.mesosoperator.scheduler.api.OperatorConfiguration;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Two operators on one ZooKeeper: one leads and acts; the other serves reads, refuses writes
 * naming the leader and asks the leader for the live anomaly findings; when the leader goes, the
 * follower takes over with the same FrameworkID and neither loses nor duplicates a task.
 */
class LeaderElectionE2ETest extends EmbeddedOperatorTest {
    static String spec(int instances) {
        return Specs.service("elected", instances, "sleep 600");
    }

    @Test
    void followerServesReadsRefusesWritesAndTakesOver() throws Exception {
        String leaderUrl = env.api();
        env.post("/v1/resources", "application/yaml", spec(2));
        await().atMost(Duration.ofSeconds(60)).until(() ->
                env.get("/v1/resources/Service/elected").body().path("status").path("readyReplicas").asInt() == 2);
        Set<String> before = taskIds();
        String frameworkId = env.masterState().path("frameworks").get(0).path("id").asText();

        DropwizardTestSupport<OperatorConfiguration> follower = env.startAnotherOperator();
        DropwizardTestSupport<OperatorConfiguration> leader = null;
        try {
            EmbeddedOperator.Reply writeToLeader = env.post("/v1/resources", "application/yaml", spec(2));
            assertThat(writeToLeader.status()).isEqualTo(200);
            // switch the helper to the follower: reads work from ZooKeeper, writes are refused
            env.useOperator(follower);
            assertThat(((OperatorApplication) follower.getApplication()).operator()).isNull();
            // the leader stores status at most every 200 ms, so a follower's read may lag that much
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    env.get("/v1/resources/Service/elected").body().path("status").path("readyReplicas").asInt()).isEqualTo(2));
            assertThat(taskIds()).isEqualTo(before);
            EmbeddedOperator.Reply refused = env.post("/v1/resources", "application/yaml", spec(3));
            assertThat(refused.status()).isEqualTo(503);
            // events are kept in ZooKeeper: a follower shows them too
            assertThat(env.get("/v1/resources/Service/elected/events").body().path("items"))
                    .anySatisfy(e -> assertThat(e.path("reason").asText()).isEqualTo("Launching"));
            assertThat(refused.body().path("errors").get(0).path("message").asText())
                    .contains("follower", leaderUrl);
            assertThat(env.delete("/v1/resources/Service/elected").status()).isEqualTo(503);
            // the live findings are the leader's: a follower asks it and says whose they are
            EmbeddedOperator.Reply diagnosis = env.get("/v1/resources/Service/elected/diagnosis");
            assertThat(diagnosis.status()).isEqualTo(200);
            assertThat(diagnosis.body().path("servedBy").asText()).isEqualTo(leaderUrl);
            assertThat(diagnosis.body().has("note")).isFalse();
            assertThat(diagnosis.body().path("watched").isArray()).isTrue();
            assertThat(diagnosis.body().path("series").isArray()).isTrue();

            // the leader goes away: the follower takes over
            long lostAt = System.nanoTime();
            env.useOperator(null);
            stopFirstOperator();
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    ((OperatorApplication) follower.getApplication()).operator() != null);
            env.useOperator(follower);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(env.masterState().path("frameworks").get(0).path("connected").asBoolean()).isTrue());
            assertThat(env.get("/v1/resources/Service/elected/diagnosis").body().has("servedBy"))
                    .as("the new leader answers from its own monitor").isFalse();
            System.out.printf("leader takeover (in-process, graceful stop): %d ms to subscribed%n",
                    (System.nanoTime() - lostAt) / 1_000_000);
            assertThat(env.masterState().path("frameworks")).hasSize(1);
            assertThat(env.masterState().path("frameworks").get(0).path("id").asText()).isEqualTo(frameworkId);
            assertThat(taskIds()).isEqualTo(before);
            assertThat(env.mesosRunningTasks()).containsExactlyInAnyOrderElementsOf(before);

            assertThat(env.post("/v1/resources", "application/yaml", spec(3)).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(env.get("/v1/resources/Service/elected").body().path("status").path("readyReplicas").asInt())
                        .isEqualTo(3);
                assertThat(env.mesosRunningTasks()).hasSize(3).containsAll(before);
            });
            leader = follower;
        } finally {
            if (leader == null) {
                env.stop(follower);
            }
        }
    }

    private void stopFirstOperator() {
        env.stopFirst();
    }

    private Set<String> taskIds() {
        return env.tasks("Service/elected").stream().map(t -> t.path("taskId").asText()).collect(Collectors.toSet());
    }
}
