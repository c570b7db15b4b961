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

    /** The environment of this class; the default is one master found through ZooKeeper. */
    EmbeddedOperator startEnvironment(Path dir) throws Exception {
        return new EmbeddedOperator(dir);
    }

    @AfterAll
    void stopEmbeddedOperator() {
        env.close(getClass().getSimpleName());
    }
}
