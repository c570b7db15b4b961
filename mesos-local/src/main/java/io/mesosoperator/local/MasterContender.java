package io.mesosoperator.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mesosoperator.mesos.MesosJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Publishes a master in ZooKeeper the way Mesos masters do (src/master/contender/zookeeper.cpp):
 * an EPHEMERAL_SEQUENTIAL znode {@code <path>/json.info_<10 digits>} holding the MasterInfo as
 * compact JSON with sorted keys. The leader is the member with the smallest sequence number
 * (src/zookeeper/detector.cpp). The session is the master's life: closing it is a master crash.
 */
final class MasterContender implements AutoCloseable {
    static final String LABEL = "json.info_";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ZooKeeper zk;
    private final String node;

    private MasterContender(ZooKeeper zk, String node) {
        this.zk = zk;
        this.node = node;
    }

    static MasterContender contend(String connect, String path, MasterInfo info) throws IOException, InterruptedException {
        ZooKeeper zk = connect(connect, event -> { });
        try {
            createParents(zk, path);
            String node = zk.create(path + "/" + LABEL, masterInfoJson(info), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.EPHEMERAL_SEQUENTIAL);
            return new MasterContender(zk, node);
        } catch (KeeperException e) {
            zk.close();
            throw new IOException("cannot publish the master in ZooKeeper at " + connect + path + ": " + e.getMessage(), e);
        }
    }

    String node() {
        return node;
    }

    /** MasterInfo as the master's contender stores it: stout's JSON::protobuf, compact, keys in alphabetical order. */
    static byte[] masterInfoJson(MasterInfo info) {
        return MesosJson.printSorted(info).getBytes(StandardCharsets.UTF_8);
    }

    /** The leading member's MasterInfo JSON, or empty when no master is registered. */
    static Optional<JsonNode> leader(ZooKeeper zk, String path) throws KeeperException, InterruptedException, IOException {
        List<String> members = new ArrayList<>();
        for (String child : zk.getChildren(path, false)) {
            if (child.startsWith(LABEL) && sequence(child) >= 0) {
                members.add(child);
            }
        }
        members.sort((a, b) -> Long.compare(sequence(a), sequence(b)));
        for (String member : members) {
            try {
                return Optional.of(JSON.readTree(zk.getData(path + "/" + member, false, null)));
            } catch (KeeperException.NoNodeException gone) {
                // that master just went away: the next one leads
            }
        }
        return Optional.empty();
    }

    static long sequence(String child) {
        String suffix = child.substring(child.lastIndexOf('_') + 1);
        try {
            return Long.parseLong(suffix);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static ZooKeeper connect(String connect, Watcher watcher) throws IOException, InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, 10_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
            watcher.process(event);
        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
            zk.close();
            throw new IOException("cannot reach ZooKeeper at " + connect);
        }
        return zk;
    }

    private static void createParents(ZooKeeper zk, String path) throws KeeperException, InterruptedException {
        StringBuilder current = new StringBuilder();
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            current.append('/').append(part);
            try {
                zk.create(current.toString(), new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } catch (KeeperException.NodeExistsException ignored) {
                // already there
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        zk.close();
    }
}
