package io.mesosoperator.scheduler.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Base of the end-to-end tests: one embedded cluster and operator per test class. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EmbeddedOperatorTest {
    @TempDir
    static Path work;
    EmbeddedOperator env;

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

    @AfterAll
    void stopEmbeddedOperator() {
        if (env == null) {
            return; // it did not start: the start's own error says why
        }
        env.close(getClass().getSimpleName());
    }
}
