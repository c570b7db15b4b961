package io.mesosoperator.scheduler.embedded;

import io.mesosoperator.local.EmbeddedZooKeeper;
import io.mesosoperator.local.EmbeddedZooKeeperEnsemble;
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
    private final EmbeddedZooKeeperEnsemble ensemble;
    private final MesosLocalCluster mesos;

    private EmbeddedCluster(EmbeddedZooKeeper zookeeper, EmbeddedZooKeeperEnsemble ensemble, MesosLocalCluster mesos) {
        this.zookeeper = zookeeper;
        this.ensemble = ensemble;
        this.mesos = mesos;
    }

    /** Where the masters publish themselves in ZooKeeper, as `mesos-master --zk=zk://HOST/mesos`. */
    public static final String MESOS_ZK_PATH = "/mesos";

    /**
     * @param zkServers 1: one ZooKeeper server on zkPort; more: an ensemble on free ports
     * @param agentAttributes per agent, in order, `mesos-agent --attributes` syntax ({@code rack:r1;zone:z1})
     */
    public record Settings(Path workDir, int zkPort, int masterPort, int firstAgentPort, int agents,
                           double agentCpus, double agentMemMb, int masters,
                           java.time.Duration agentUnreachableAfter, int zkServers, List<String> agentAttributes) {
        public Settings(Path workDir, int zkPort, int masterPort, int firstAgentPort, int agents,
                        double agentCpus, double agentMemMb, int masters,
                        java.time.Duration agentUnreachableAfter, int zkServers) {
            this(workDir, zkPort, masterPort, firstAgentPort, agents, agentCpus, agentMemMb, masters,
                    agentUnreachableAfter, zkServers, List.of());
        }

        public Settings(Path workDir, int zkPort, int masterPort, int firstAgentPort, int agents,
                        double agentCpus, double agentMemMb, int masters) {
            this(workDir, zkPort, masterPort, firstAgentPort, agents, agentCpus, agentMemMb, masters,
                    java.time.Duration.ofSeconds(75), 1);
        }
    }

    /** The java running this process: what the operator, agents and benchmark children run too. */
    public static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Refuses agent attributes that do not parse, or more of them than agents, naming the flag. */
    public static void checkAgentAttributes(List<String> perAgent, int agents) {
        try {
            MesosLocalCluster.checkAgentAttributes(perAgent, agents);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--agent-attributes: " + e.getMessage(), e);
        }
    }

    public static EmbeddedCluster start(Settings s) throws Exception {
        EmbeddedZooKeeper single = null;
        EmbeddedZooKeeperEnsemble ensemble = null;
        if (s.zkServers() > 1) {
            ensemble = EmbeddedZooKeeperEnsemble.start(s.zkServers(), s.workDir().resolve("zookeeper"));
        } else {
            single = EmbeddedZooKeeper.start("127.0.0.1", s.zkPort(), s.workDir().resolve("zookeeper"));
        }
        String connect = ensemble != null ? ensemble.connectString() : single.connectString();
        try {
            MesosLocalCluster mesos = MesosLocalCluster.builder(s.workDir().resolve("mesos"))
                    .ports(s.masterPort(), s.firstAgentPort())
                    .agents(s.agents())
                    .agentAttributes(s.agentAttributes())
                    .agentResources(s.agentCpus(), s.agentMemMb(), 20_000)
                    .zookeeper(connect, MESOS_ZK_PATH)
                    .masters(s.masters())
                    .agentUnreachableAfter(s.agentUnreachableAfter())
                    .start();
            return new EmbeddedCluster(single, ensemble, mesos);
        } catch (Exception e) {
            if (single != null) {
                single.close();
            }
            if (ensemble != null) {
                ensemble.close();
            }
            throw e;
        }
    }

    public String zkConnect() {
        return ensemble != null ? ensemble.connectString() : zookeeper.connectString();
    }

    /** The ZooKeeper ensemble, when started with more than one server (fault injection in tests). */
    public EmbeddedZooKeeperEnsemble ensemble() {
        return ensemble;
    }

    /** The leading master's http:// URL. */
    public String masterUrl() {
        return mesos.masterUrl();
    }

    /** The masters' ZooKeeper group, as a zk:// master URL for schedulers. */
    public String masterZkUrl() {
        return "zk://" + zkConnect() + MESOS_ZK_PATH;
    }

    /** Fault injection for tests: the leading master dies; a standby takes over. */
    public void crashLeadingMaster() throws Exception {
        mesos.crashLeadingMaster();
    }

    public List<String> agentEndpoints() {
        return mesos.agents().stream().map(a -> a.id() + " at " + a.endpoint() + ", sandboxes under " + a.workDir()
                + ", attributes " + attributes(a)).toList();
    }

    /** An agent's attributes as `mesos-agent --attributes` writes them: rack:r1;zone:z1. */
    private static String attributes(LocalAgent agent) {
        return agent.attributes().stream().map(a -> a.getName() + ":" + (a.hasRanges()
                ? a.getRanges().getRangeList().stream().map(r -> r.getBegin() + "-" + r.getEnd())
                        .collect(java.util.stream.Collectors.joining(",", "[", "]"))
                : io.mesosoperator.scheduler.placement.TaskFactory.attributeValue(a)))
                .collect(java.util.stream.Collectors.joining(";"));
    }

    public List<LocalAgent> agents() {
        return mesos.agents();
    }

    @Override
    public void close() {
        mesos.close();
        if (zookeeper != null) {
            zookeeper.close();
        }
        if (ensemble != null) {
            ensemble.close();
        }
    }
}
