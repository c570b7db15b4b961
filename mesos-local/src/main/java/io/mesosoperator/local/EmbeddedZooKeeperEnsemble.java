package io.mesosoperator.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real ZooKeeper ensemble of several servers on loopback (quorum peers in this JVM, each with
 * its own data directory and ports), so that one server, or all of them, can be stopped and
 * started again while clients keep their sessions.
 */
public final class EmbeddedZooKeeperEnsemble implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeperEnsemble.class);
    private static final String HOST = "127.0.0.1";

    /** One quorum peer: its id, data and ports (chosen once, so that a restart finds the same ones). */
    private record Peer(int id, Path dir, int clientPort, int quorumPort, int electionPort) {
        String address() {
            return HOST + ":" + clientPort;
        }
    }

    private final List<Peer> peers;
    private final Properties configuration;
    private final ZooKeeperServerEmbedded[] running;

    private EmbeddedZooKeeperEnsemble(List<Peer> peers, Properties configuration) {
        this.peers = peers;
        this.configuration = configuration;
        this.running = new ZooKeeperServerEmbedded[peers.size()];
    }

    /** Starts {@code size} servers on free loopback ports and returns once the ensemble serves clients. */
    public static EmbeddedZooKeeperEnsemble start(int size, Path dataDir) throws Exception {
        System.setProperty("zookeeper.admin.enableServer", "false");
        List<Peer> peers = new ArrayList<>();
        Properties configuration = new Properties();
        configuration.setProperty("tickTime", "2000");
        configuration.setProperty("initLimit", "10");
        configuration.setProperty("syncLimit", "5");
        configuration.setProperty("maxClientCnxns", "200");
        for (int id = 1; id <= size; id++) {
            Path dir = Files.createDirectories(dataDir.resolve("server-" + id));
            Peer peer = new Peer(id, dir, freePort(), freePort(), freePort());
            peers.add(peer);
            configuration.setProperty("server." + id, HOST + ":" + peer.quorumPort() + ":" + peer.electionPort());
        }
        EmbeddedZooKeeperEnsemble ensemble = new EmbeddedZooKeeperEnsemble(peers, configuration);
        try {
            for (int i = 0; i < size; i++) {
                ensemble.launch(i);
            }
            ensemble.awaitServing(ensemble.connectString());
        } catch (Exception e) {
            ensemble.close();
            throw e;
        }
        LOG.info("embedded ZooKeeper ensemble of {} serving {}", size, ensemble.connectString());
        return ensemble;
    }

    public String connectString() {
        return peers.stream().map(Peer::address).collect(Collectors.joining(","));
    }

    public int size() {
        return peers.size();
    }

    /** Fault injection: server {@code index} (0-based) stops; the others keep a quorum. */
    public void stopServer(int index) {
        if (running[index] != null) {
            running[index].close();
            running[index] = null;
        }
    }

    /** Server {@code index} starts again on its data; returns once it has rejoined and serves clients. */
    public void startServer(int index) throws Exception {
        launch(index);
        awaitServing(peers.get(index).address());
    }

    /** Every server stops, then all start again on their data. */
    public void restartAll() throws Exception {
        for (int i = 0; i < peers.size(); i++) {
            stopServer(i);
        }
        for (int i = 0; i < peers.size(); i++) {
            launch(i);
        }
        awaitServing(connectString());
    }

    /** Starts one quorum peer; it serves clients only once it has joined a quorum. */
    private void launch(int index) throws Exception {
        Peer peer = peers.get(index);
        Path data = Files.createDirectories(peer.dir().resolve("data"));
        Files.writeString(data.resolve("myid"), Integer.toString(peer.id())); // how a quorum peer learns its id
        Properties own = new Properties();
        own.putAll(configuration);
        own.setProperty("dataDir", data.toString());
        own.setProperty("clientPort", Integer.toString(peer.clientPort()));
        own.setProperty("clientPortAddress", HOST);
        // LOG_ONLY: a server that fails must not exit the JVM it is embedded in
        ZooKeeperServerEmbedded server = ZooKeeperServerEmbedded.builder().baseDir(peer.dir()).configuration(own)
                .exitHandler(ExitHandler.LOG_ONLY).build();
        server.start();
        running[index] = server;
    }

    /** A session to {@code connect} can be opened: the servers there have a quorum. */
    private void awaitServing(String connect) throws IOException, InterruptedException {
        MasterContender.connect(connect, event -> { }).close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < peers.size(); i++) {
            stopServer(i);
        }
    }
}
