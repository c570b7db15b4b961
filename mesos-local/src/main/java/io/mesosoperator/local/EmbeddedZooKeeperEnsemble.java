package io.mesosoperator.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real ZooKeeper ensemble of several servers on loopback (quorum peers in this JVM, each with
 * its own data directory and ports), so that one server, or all of them, can be stopped and
 * started again while clients keep their sessions.
 */
public final class EmbeddedZooKeeperEnsemble implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeperEnsemble.class);

    private final TestingCluster cluster;
    private final List<InstanceSpec> servers;

    private EmbeddedZooKeeperEnsemble(TestingCluster cluster, List<InstanceSpec> servers) {
        this.cluster = cluster;
        this.servers = servers;
    }

    public static EmbeddedZooKeeperEnsemble start(int size, Path dataDir) throws Exception {
        System.setProperty("zookeeper.admin.enableServer", "false");
        List<InstanceSpec> specs = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            Path dir = Files.createDirectories(dataDir.resolve("server-" + i));
            specs.add(new InstanceSpec(dir.toFile(), -1, -1, -1, false, i, 2000, 200, Map.of(), "127.0.0.1"));
        }
        TestingCluster cluster = new TestingCluster(specs);
        cluster.start();
        LOG.info("embedded ZooKeeper ensemble of {} serving {}", size, cluster.getConnectString());
        return new EmbeddedZooKeeperEnsemble(cluster, specs);
    }

    public String connectString() {
        return cluster.getConnectString();
    }

    public int size() {
        return servers.size();
    }

    /** Fault injection: server {@code index} (0-based) stops; the others keep a quorum. */
    public void stopServer(int index) throws Exception {
        cluster.killServer(servers.get(index));
    }

    public void startServer(int index) throws Exception {
        cluster.restartServer(servers.get(index));
    }

    /** Every server stops, then all start again on their data. */
    public void restartAll() throws Exception {
        for (InstanceSpec server : servers) {
            cluster.killServer(server);
        }
        for (InstanceSpec server : servers) {
            cluster.restartServer(server);
        }
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (IOException e) {
            LOG.warn("stopping the ZooKeeper ensemble: {}", e.getMessage());
        }
    }
}
