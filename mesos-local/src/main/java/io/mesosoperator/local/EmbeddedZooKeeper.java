package io.mesosoperator.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real standalone ZooKeeper server on loopback, for the embedded mode and the tests. */
public final class EmbeddedZooKeeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeper.class);

    private final ZooKeeperServer server;
    private final ServerCnxnFactory factory;

    private EmbeddedZooKeeper(ZooKeeperServer server, ServerCnxnFactory factory) {
        this.server = server;
        this.factory = factory;
    }

    /** Starts a server keeping its data in {@code dataDir} (port 0 picks a free one). */
    public static EmbeddedZooKeeper start(String host, int port, Path dataDir) throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        // the four-letter-word and admin servers are not needed and would take port 8080
        System.setProperty("zookeeper.admin.enableServer", "false");
        System.setProperty("zookeeper.4lw.commands.whitelist", "ruok,stat,mntr");
        ZooKeeperServer server = new ZooKeeperServer(dataDir.resolve("snapshots").toFile(),
                dataDir.resolve("log").toFile(), 2000);
        ServerCnxnFactory factory = ServerCnxnFactory.createFactory(new InetSocketAddress(host, port), 200);
        factory.startup(server);
        LOG.info("embedded ZooKeeper serving {}:{} from {}", host, factory.getLocalPort(), dataDir);
        return new EmbeddedZooKeeper(server, factory);
    }

    public String connectString() {
        return factory.getLocalAddress().getHostString() + ":" + factory.getLocalPort();
    }

    @Override
    public void close() {
        factory.shutdown();
        server.shutdown();
    }
}
