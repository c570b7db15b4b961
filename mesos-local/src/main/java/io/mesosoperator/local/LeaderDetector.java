package io.mesosoperator.local;

import java.io.IOException;
import java.util.function.Consumer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the masters' ZooKeeper group and reports the leader's id whenever it changes, as the
 * agents' master detector does in Mesos.
 */
final class LeaderDetector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderDetector.class);

    private final String path;
    private final Consumer<String> onLeader;
    private final ZooKeeper zk;
    private volatile boolean closed;
    private String current;

    LeaderDetector(String connect, String path, Consumer<String> onLeader) throws IOException, InterruptedException {
        this.path = path;
        this.onLeader = onLeader;
        this.zk = MasterContender.connect(connect, event -> { });
        check();
    }

    private synchronized void check() {
        if (closed) {
            return;
        }
        try {
            zk.getChildren(path, this::changed);
            String leader = MasterContender.leader(zk, path).map(n -> n.path("id").asText()).orElse(null);
            if (leader != null && !leader.equals(current)) {
                current = leader;
                onLeader.accept(leader);
            }
        } catch (KeeperException | IOException e) {
            LOG.warn("reading the masters' group at {} failed: {}", path, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void changed(org.apache.zookeeper.WatchedEvent event) {
        if (event.getType() != Watcher.Event.EventType.None) {
            check();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            zk.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
