package io.mesosoperator.local.conformance;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Base of the tests that run one thing against a real Mesos and against mesos-local: both clusters per class. */
abstract class BothClustersTest {
    @TempDir
    static Path dir;
    static Clusters clusters;

    @BeforeAll
    static void startBothClusters() throws Exception {
        clusters = Clusters.start(dir);
    }

    @AfterAll
    static void stopBothClusters() {
        if (clusters != null) {
            clusters.close();
            clusters = null;
        }
    }
}
