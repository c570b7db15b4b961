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
        env = new EmbeddedOperator(work);
    }

    @AfterAll
    void stopEmbeddedOperator() {
        env.close();
    }
}
