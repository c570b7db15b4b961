package io.mesosoperator.local.conformance;

import io.mesosoperator.local.EmbeddedZooKeeper;
import io.mesosoperator.local.MesosLocalCluster;
import io.mesosoperator.local.RealMesosCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Mesos and a mesos-local configured alike, both publishing their master in one ZooKeeper:
 * one agent with 2 cpus, 3 GB and 20 GB, attributes {@code agent:agent-0;rack:r1} (a mesos-local
 * agent always has its {@code agent} attribute, so the real one is given it too), offers every 500 ms.
 */
final class Clusters implements AutoCloseable {
    final EmbeddedZooKeeper zk;
    final RealMesosCluster real;
    final MesosLocalCluster local;

    private Clusters(EmbeddedZooKeeper zk, RealMesosCluster real, MesosLocalCluster local) {
        this.zk = zk;
        this.real = real;
        this.local = local;
    }

    static Clusters start(Path dir) throws Exception {
        EmbeddedZooKeeper zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir.resolve("zk"));
        RealMesosCluster real = null;
        try {
            real = RealMesosCluster.start(dir.resolve("real"), zk.connectString(), RealMesosCluster.Settings.defaults()
                    .agents(1).agentAttributes("agent:agent-0;rack:r1"));
            MesosLocalCluster local = MesosLocalCluster.builder(dir.resolve("local")).agents(1).agentResources(2, 3072, 20_000)
                    .agentAttributes(List.of("rack:r1")).allocationInterval(Duration.ofMillis(500))
                    .zookeeper(zk.connectString(), "/mesos-local").start();
            return new Clusters(zk, real, local);
        } catch (Exception | Error e) {
            if (real != null) {
                real.close();
            }
            zk.close();
            throw e;
        }
    }

    Session.Target realTarget() {
        return new Session.Target("real Mesos", real.masterUrl(), real.agents().get(0).workDir());
    }

    Session.Target localTarget() {
        return new Session.Target("mesos-local", local.masterUrl(), local.agents().get(0).workDir());
    }

    /** Where a framework finds each master, as users give it: in ZooKeeper. */
    String realZkUrl() {
        return real.zkUrl();
    }

    String localZkUrl() {
        return "zk://" + zk.connectString() + "/mesos-local";
    }

    @Override
    public void close() {
        local.close();
        real.close();
        zk.close();
    }
}
