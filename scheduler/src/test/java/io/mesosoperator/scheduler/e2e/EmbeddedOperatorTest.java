package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Base of the end-to-end tests: one embedded cluster and operator per test class. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EmbeddedOperatorTest {
    @TempDir
    static Path work;
    EmbeddedOperator env;
    /** What the running test applied through {@link #applyOwned}, as "Kind/name". */
    private final Set<String> applied = new LinkedHashSet<>();
    private static final Set<String> ACTIVE_STATES = Set.of("TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING");

    @BeforeAll
    void startEmbeddedOperator() throws Exception {
        env = startEnvironment(work);
    }

    /** The environment of this class, started in {@code dir} with {@link #options()}. */
    EmbeddedOperator startEnvironment(Path dir) throws Exception {
        return new EmbeddedOperator(dir, options());
    }

    /**
     * What this class varies; the default is one mesos-local master found through ZooKeeper. A
     * subclass that returns {@code super.options().onRealMesos()} runs the same tests on a real Mesos.
     */
    EmbeddedOperator.Options options() {
        return EmbeddedOperator.Options.defaults();
    }

    /**
     * Applies a resource (YAML) that this test owns: it is deleted after the test, pass or fail, so
     * the tests of a class share the started cluster and operator but not each other's workloads.
     */
    EmbeddedOperator.Reply applyOwned(String yaml) {
        EmbeddedOperator.Reply reply = env.post("/v1/resources", "application/yaml", yaml);
        if (reply.status() / 100 == 2) {
            applied.add(reply.body().path("kind").asText() + "/" + reply.body().path("metadata").path("name").asText());
        }
        return reply;
    }

    /**
     * Deletes what the test applied and waits until Mesos runs none of it, so the next test starts
     * on an empty cluster; an operator a failed test left stopped is started again first.
     */
    @AfterEach
    void deleteWhatTheTestApplied() throws Exception {
        if (applied.isEmpty()) {
            return;
        }
        if (!env.operatorStarted()) {
            env.startOperator();
        }
        applied.forEach(resource -> env.delete("/v1/resources/" + resource));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(env.mesosRunningTasks()).isEmpty();
            for (String resource : applied) {
                assertThat(env.tasks(resource)).noneMatch(t -> ACTIVE_STATES.contains(t.path("state").asText()));
            }
        });
        applied.clear();
    }

    @AfterAll
    void stopEmbeddedOperator() {
        if (env == null) {
            return; // it did not start: the start's own error says why
        }
        env.close(getClass().getSimpleName());
    }
}
