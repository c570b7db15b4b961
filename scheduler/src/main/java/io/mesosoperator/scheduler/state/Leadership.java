package io.mesosoperator.scheduler.state;

import java.io.IOException;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One leader among the operator instances sharing a ZooKeeper root (Curator LeaderLatch). Only the
 * leader acts; losing the ZooKeeper connection (SUSPENDED) or the session (LOST) takes leadership
 * away at once, and the instance rejoins the election when it reconnects.
 */
public final class Leadership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    /** Told when this instance starts or stops leading; called on Curator's thread. */
    public interface Listener {
        void lead();

        void follow();
    }

    private final LeaderLatch latch;
    private final String self;

    public Leadership(CuratorFramework client, String path, String self, Listener listener) {
        this.self = self;
        this.latch = new LeaderLatch(client, path, self, LeaderLatch.CloseMode.NOTIFY_LEADER);
        latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                LOG.info("{} is now the leading operator", self);
                listener.lead();
            }

            @Override
            public void notLeader() {
                LOG.warn("{} is no longer the leading operator; it stops acting and follows", self);
                listener.follow();
            }
        });
    }

    public void start() throws Exception {
        latch.start();
    }

    public boolean leading() {
        return latch.hasLeadership();
    }

    /** The leader's id (its API URL), when one is known. */
    public Optional<String> leader() {
        try {
            Participant leader = latch.getLeader();
            return leader.isLeader() ? Optional.of(leader.getId()) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    public String self() {
        return self;
    }

    @Override
    public void close() throws IOException {
        latch.close();
    }
}
