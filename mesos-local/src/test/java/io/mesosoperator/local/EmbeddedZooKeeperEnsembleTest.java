package io.mesosoperator.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three quorum peers on loopback: losing one keeps the quorum, a restart of all keeps data and sessions. */
class EmbeddedZooKeeperEnsembleTest {
    @TempDir
    Path work;

    @Test
    void keepsQuorumDataAndSessionsThroughServerFailures() throws Exception {
        try (EmbeddedZooKeeperEnsemble ensemble = EmbeddedZooKeeperEnsemble.start(3, work.resolve("zk"))) {
            assertThat(ensemble.size()).isEqualTo(3);
            assertThat(ensemble.connectString().split(",")).hasSize(3).allMatch(a -> a.startsWith("127.0.0.1:"));
            ZooKeeper client = MasterContender.connect(ensemble.connectString(), event -> { });
            try {
                long session = client.getSessionId();
                client.create("/written", bytes("1"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

                ensemble.stopServer(0);
                // the client may have been on the stopped server: it moves to another one (setData: a retry is harmless)
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                        client.setData("/written", bytes("2"), -1));
                ensemble.startServer(0);

                ensemble.restartAll();
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                    assertThat(new String(client.getData("/written", false, null), StandardCharsets.UTF_8)).isEqualTo("2");
                });
                assertThat(client.getSessionId()).isEqualTo(session);
            } finally {
                client.close();
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
