package io.mesosoperator.scheduler.mesos;

import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader detection for {@code zk://} master URLs (docs/configuration/master.md `--zk`): each master
 * holds an ephemeral sequential znode {@code PATH/json.info_NNNNNNNNNN} with its MasterInfo as JSON;
 * the smallest sequence number leads (src/zookeeper/detector.cpp). Watches the group and reports
 * leader changes, so the client moves to a new leader without waiting for the old stream to die.
 */
final class ZkMasterDetector implements MasterDetector {
    private static final Logger LOG = LoggerFactory.getLogger(ZkMasterDetector.class);
    private static final String LABEL = "json.info_";

    private final String url;
    private final String path;
    private final CuratorFramework client;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private CuratorCache cache;
    private volatile String leaderNode;

    private ZkMasterDetector(String url, String connect, String path, String auth) {
        this.url = url;
        this.path = path;
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder().connectString(connect)
                .retryPolicy(new ExponentialBackoffRetry(200, 10, 5000)).sessionTimeoutMs(10_000).connectionTimeoutMs(10_000);
        if (auth != null) {
            builder.authorization("digest", auth.getBytes(StandardCharsets.UTF_8));
        }
        this.client = builder.build();
    }

    /** zk://[user:pass@]host1:port1,host2:port2/path (include/mesos/zookeeper/url.hpp). */
    static ZkMasterDetector parse(String url) {
        String rest = url.substring("zk://".length());
        String auth = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            auth = rest.substring(0, at);
            rest = rest.substring(at + 1);
        }
        int slash = rest.indexOf('/');
        String hosts = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "/" : rest.substring(slash);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("mesos.master '" + url + "': no ZooKeeper hosts");
        }
        if (path.equals("/") || path.isEmpty()) {
            throw new IllegalArgumentException("mesos.master '" + url + "': expecting a (chroot) path, e.g. zk://"
                    + hosts + "/mesos");
        }
        return new ZkMasterDetector(url, hosts, path.endsWith("/") ? path.substring(0, path.length() - 1) : path, auth);
    }

    private synchronized void start() throws InterruptedException, IOException {
        if (cache != null) {
            return;
        }
        client.start();
        if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
            throw new IOException("cannot reach ZooKeeper for " + url);
        }
        cache = CuratorCache.build(client, path);
        cache.listenable().addListener((type, before, after) -> {
            String previous = leaderNode;
            String now = currentLeaderNode();
            if (now != null && !now.equals(previous)) {
                leaderNode = now;
                if (previous != null) {
                    LOG.info("leading Mesos master changed ({} -> {})", previous, now);
                    listeners.forEach(Runnable::run);
                }
            }
        });
        cache.start();
    }

    @Override
    public URI detect() throws IOException, InterruptedException {
        start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String node = currentLeaderNode();
            if (node != null) {
                try {
                    byte[] data = client.getData().forPath(path + "/" + node);
                    MasterInfo.Builder info = MasterInfo.newBuilder();
                    JsonFormat.parser().ignoringUnknownFields().merge(new String(data, StandardCharsets.UTF_8), info);
                    leaderNode = node;
                    String host = info.hasAddress() && info.getAddress().hasIp() ? info.getAddress().getIp()
                            : info.hasAddress() && info.getAddress().hasHostname() ? info.getAddress().getHostname()
                            : info.getHostname();
                    int port = info.hasAddress() ? info.getAddress().getPort() : info.getPort();
                    URI leader = URI.create("http://" + host + ":" + port + "/");
                    LOG.info("leading Mesos master per {}: {} ({})", url, leader, info.getId());
                    return leader;
                } catch (KeeperException.NoNodeException gone) {
                    continue; // it just went away; look again
                } catch (Exception e) {
                    throw new IOException("cannot read the leading master from " + url + ": " + e.getMessage(), e);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("no Mesos master registered under " + url);
            }
            Thread.sleep(200);
        }
    }

    /** The member with the smallest sequence number; other labels and non-numeric suffixes are ignored. */
    private String currentLeaderNode() {
        try {
            return client.getChildren().forPath(path).stream()
                    .filter(c -> c.startsWith(LABEL) && sequence(c) >= 0)
                    .min(Comparator.comparingLong(ZkMasterDetector::sequence))
                    .orElse(null);
        } catch (KeeperException.NoNodeException e) {
            return null;
        } catch (Exception e) {
            LOG.warn("cannot list masters under {}: {}", url, e.getMessage());
            return null;
        }
    }

    private static long sequence(String child) {
        try {
            return Long.parseLong(child.substring(child.lastIndexOf('_') + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void onLeaderChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public synchronized void close() {
        if (cache != null) {
            cache.close();
        }
        client.close();
    }
}
