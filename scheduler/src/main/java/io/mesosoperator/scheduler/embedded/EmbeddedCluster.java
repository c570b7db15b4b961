package io.mesosoperator.scheduler.embedded;

import io.mesosoperator.local.EmbeddedZooKeeper;
import io.mesosoperator.local.LocalAgent;
import io.mesosoperator.local.MesosLocalCluster;
import java.nio.file.Path;
import java.util.List;

/**
 * The embedded mode's infrastructure: a real ZooKeeper server and a mesos-local master with its
 * agents, on loopback. The only class of the scheduler that knows mesos-local (DESIGN.md 1).
 */
public final class EmbeddedCluster implements AutoCloseable {
    private final EmbeddedZooKeeper zookeeper;
    private final MesosLocalCluster mesos;

    private EmbeddedCluster(EmbeddedZooKeeper zookeeper, MesosLocalCluster mesos) {
        this.zookeeper = zookeeper;
        this.mesos = mesos;
    }

    /** Where the masters publish themselves in ZooKeeper, as `mesos-master --zk=zk://HOST/mesos`. */
    public static final String MESOS_ZK_PATH = "/mesos";

    public record Settings(Path workDir, int zkPort, int masterPort, int firstAgentPort, int agents,
                           double agentCpus, double agentMemMb, Path executorJar, int masters,
                           java.time.Duration agentUnreachableAfter) {
        public Settings(Path workDir, int zkPort, int masterPort, int firstAgentPort, int agents,
                        double agentCpus, double agentMemMb, Path executorJar, int masters) {
            this(workDir, zkPort, masterPort, firstAgentPort, agents, agentCpus, agentMemMb, executorJar, masters,
                    java.time.Duration.ofSeconds(75));
        }
    }

    public static EmbeddedCluster start(Settings s) throws Exception {
        EmbeddedZooKeeper zk = EmbeddedZooKeeper.start("127.0.0.1", s.zkPort(), s.workDir().resolve("zookeeper"));
        try {
            MesosLocalCluster mesos = MesosLocalCluster.builder(s.workDir().resolve("mesos"))
                    .ports(s.masterPort(), s.firstAgentPort())
                    .agents(s.agents())
                    .agentResources(s.agentCpus(), s.agentMemMb(), 20_000)
                    .executorJar(s.executorJar())
                    .zookeeper(zk.connectString(), MESOS_ZK_PATH)
                    .masters(s.masters())
                    .agentUnreachableAfter(s.agentUnreachableAfter())
                    .start();
            return new EmbeddedCluster(zk, mesos);
        } catch (Exception e) {
            zk.close();
            throw e;
        }
    }

    public String zkConnect() {
        return zookeeper.connectString();
    }

    /** The leading master's http:// URL. */
    public String masterUrl() {
        return mesos.masterUrl();
    }

    /** The masters' ZooKeeper group, as a zk:// master URL for schedulers. */
    public String masterZkUrl() {
        return "zk://" + zookeeper.connectString() + MESOS_ZK_PATH;
    }

    /** Fault injection for tests: the leading master dies; a standby takes over. */
    public void crashLeadingMaster() throws Exception {
        mesos.crashLeadingMaster();
    }

    public List<String> agentEndpoints() {
        return mesos.agents().stream().map(a -> a.id() + " at " + a.endpoint() + ", sandboxes under " + a.workDir()).toList();
    }

    public List<LocalAgent> agents() {
        return mesos.agents();
    }

    @Override
    public void close() {
        mesos.close();
        zookeeper.close();
    }
}
