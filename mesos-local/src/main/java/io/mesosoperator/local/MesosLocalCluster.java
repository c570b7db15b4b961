package io.mesosoperator.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One master and N agents on loopback, started and stopped together: the single-machine Mesos
 * the embedded mode and the tests run on.
 */
public final class MesosLocalCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MesosLocalCluster.class);

    /** The knobs users and tests turn; see {@link #builder(Path)} for the defaults. */
    public static final class Builder {
        private final Path workDir;
        private String host = "127.0.0.1";
        private int masterPort;
        private int firstAgentPort;
        private int agents = 3;
        private double cpus = 4;
        private double memMb = 4096;
        private double diskMb = 10240;
        private Duration heartbeatInterval = Duration.ofSeconds(15);
        private Duration allocationInterval = Duration.ofSeconds(1);
        private Duration statusUpdateRetry = Duration.ofSeconds(10);
        private Path executorJar;
        private String javaCommand = ProcessHandle.current().info().command().orElse("java");

        private Builder(Path workDir) {
            this.workDir = workDir;
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        /** 0 (the default) picks free ports; else agents take firstAgentPort, +1, ... */
        public Builder ports(int master, int firstAgent) {
            masterPort = master;
            firstAgentPort = firstAgent;
            return this;
        }

        public Builder agents(int count) {
            agents = count;
            return this;
        }

        public Builder agentResources(double cpusPerAgent, double memMbPerAgent, double diskMbPerAgent) {
            cpus = cpusPerAgent;
            memMb = memMbPerAgent;
            diskMb = diskMbPerAgent;
            return this;
        }

        public Builder heartbeatInterval(Duration value) {
            heartbeatInterval = value;
            return this;
        }

        public Builder allocationInterval(Duration value) {
            allocationInterval = value;
            return this;
        }

        public Builder statusUpdateRetry(Duration value) {
            statusUpdateRetry = value;
            return this;
        }

        /** The executor jar used for tasks that carry only a CommandInfo. */
        public Builder executorJar(Path value) {
            executorJar = value;
            return this;
        }

        public MesosLocalCluster start() throws Exception {
            LocalMaster master = new LocalMaster(new LocalMaster.Config(host, masterPort, heartbeatInterval, allocationInterval));
            master.start();
            List<LocalAgent> started = new ArrayList<>();
            for (int i = 0; i < agents; i++) {
                LocalAgent agent = new LocalAgent(new LocalAgent.Config(
                        "agent-" + i, host, firstAgentPort == 0 ? 0 : firstAgentPort + i, cpus, memMb, diskMb,
                        31000 + i * 1000L, 31000 + i * 1000L + 999, Map.of("agent", "agent-" + i),
                        workDir.resolve("agent-" + i), executorJar, javaCommand, Duration.ofMinutes(1),
                        statusUpdateRetry, Duration.ofSeconds(5)));
                agent.start(master);
                started.add(agent);
            }
            return new MesosLocalCluster(master, started);
        }
    }

    private final LocalMaster master;
    private final List<LocalAgent> agents;

    private MesosLocalCluster(LocalMaster master, List<LocalAgent> agents) {
        this.master = master;
        this.agents = List.copyOf(agents);
    }

    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    public String masterUrl() {
        return master.url();
    }

    public LocalMaster master() {
        return master;
    }

    public List<LocalAgent> agents() {
        return agents;
    }

    /** Stops every agent (killing its executors and tasks) and then the master. */
    @Override
    public void close() {
        for (LocalAgent agent : agents) {
            try {
                agent.close();
            } catch (Exception e) {
                LOG.warn("stopping agent {} failed", agent.id(), e);
            }
        }
        try {
            master.close();
        } catch (Exception e) {
            LOG.warn("stopping master failed", e);
        }
    }
}
