package io.mesosoperator.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
        private int simulatedAgents;
        private Duration simulatedStartDelay = Duration.ofMillis(50);
        private double cpus = 4;
        private double memMb = 4096;
        private double diskMb = 10240;
        private Duration heartbeatInterval = Duration.ofSeconds(15);
        private Duration allocationInterval = Duration.ofSeconds(1);
        private Duration statusUpdateRetry = Duration.ofSeconds(10);
        private Duration agentUnreachableAfter = Duration.ofSeconds(75);
        private Map<String, String> credentials = Map.of();
        private List<String> agentAttributes = List.of();
        private int masters = 1;
        private String zkConnect;
        private String zkPath = "/mesos";

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

        /**
         * Agents that run no processes (benchmarks): tasks go STARTING, then RUNNING after
         * {@code startDelay}; they take the same resources as real agents. One master only.
         */
        public Builder simulatedAgents(int count, Duration startDelay) {
            simulatedAgents = count;
            simulatedStartDelay = startDelay;
            return this;
        }

        public Builder agentResources(double cpusPerAgent, double memMbPerAgent, double diskMbPerAgent) {
            cpus = cpusPerAgent;
            memMb = memMbPerAgent;
            diskMb = diskMbPerAgent;
            return this;
        }

        /**
         * Attributes of the local agents, one entry per agent in order (agent-0 first), each in the
         * syntax of `mesos-agent --attributes` ({@code rack:r1;zone:z1}; see {@link AgentAttributes}).
         * Agents beyond the list get none but the attribute every local agent has, {@code agent:agent-N}
         * (a given {@code agent} attribute replaces it). Refused at start when the list is longer than
         * the agents or an entry does not parse.
         */
        public Builder agentAttributes(List<String> perAgent) {
            agentAttributes = List.copyOf(perAgent);
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

        /** How long a silent agent takes to be marked unreachable (Mesos default: 75 s). */
        public Builder agentUnreachableAfter(Duration value) {
            agentUnreachableAfter = value;
            return this;
        }

        /** Require HTTP basic authentication of schedulers (principal -> secret). */
        public Builder credentials(Map<String, String> value) {
            credentials = Map.copyOf(value);
            return this;
        }

        public Builder statusUpdateRetry(Duration value) {
            statusUpdateRetry = value;
            return this;
        }

        /**
         * Publishes the masters in ZooKeeper like Mesos (`--zk=zk://CONNECT/PATH`), so schedulers
         * can find the leader with a zk:// URL; needed for more than one master.
         */
        public Builder zookeeper(String connect, String path) {
            zkConnect = connect;
            zkPath = path;
            return this;
        }

        /** Several masters: the first to publish leads, the others redirect to it (307). */
        public Builder masters(int count) {
            masters = count;
            return this;
        }

        public MesosLocalCluster start() throws Exception {
            if (masters > 1 && zkConnect == null) {
                throw new IllegalArgumentException("more than one master needs ZooKeeper (builder.zookeeper(...))");
            }
            List<List<org.apache.mesos.v1.Protos.Attribute>> attributes = attributesPerAgent(agentAttributes, agents);
            List<LocalMaster> startedMasters = new ArrayList<>();
            for (int i = 0; i < masters; i++) {
                LocalMaster m = new LocalMaster(new LocalMaster.Config(host, masterPort == 0 ? 0 : masterPort + i * 100,
                        heartbeatInterval, allocationInterval, agentUnreachableAfter, credentials));
                m.start();
                if (zkConnect != null) {
                    m.contend(zkConnect, zkPath);
                }
                startedMasters.add(m);
            }
            LocalMaster master = startedMasters.get(0);
            startedMasters.forEach(m -> m.leaderIs(master.info()));
            List<LocalAgent> started = new ArrayList<>();
            List<TaskPortBlocks.Lease> portLeases = TaskPortBlocks.lease(agents);
            for (int i = 0; i < agents; i++) {
                TaskPortBlocks.Lease ports = portLeases.get(i);
                LocalAgent agent = new LocalAgent(new LocalAgent.Config(
                        "agent-" + i, host, firstAgentPort == 0 ? 0 : firstAgentPort + i, cpus, memMb, diskMb,
                        ports.begin(), ports.end(), attributes.get(i),
                        workDir.resolve("agent-" + i), Duration.ofMinutes(1),
                        statusUpdateRetry, Duration.ofSeconds(5)));
                agent.start(master);
                started.add(agent);
            }
            List<SimulatedAgent> simulated = new ArrayList<>();
            java.util.concurrent.ScheduledExecutorService timer = null;
            if (simulatedAgents > 0) {
                if (masters > 1) {
                    throw new IllegalArgumentException("simulated agents follow one master only");
                }
                timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "simulated-agents");
                    t.setDaemon(true);
                    return t;
                });
                for (int i = 0; i < simulatedAgents; i++) {
                    simulated.add(SimulatedAgent.register(master, timer, simulatedStartDelay, "sim-agent-" + i,
                            40000 + i % 20000, Resources.of(cpus, memMb, diskMb, 31000, 31999)));
                }
            }
            MesosLocalCluster cluster = new MesosLocalCluster(startedMasters, started, simulated, timer, portLeases);
            if (zkConnect != null) {
                cluster.detector = new LeaderDetector(zkConnect, zkPath, cluster::leaderChanged);
            }
            return cluster;
        }
    }

    /** Throws an IllegalArgumentException naming the agent when {@link Builder#agentAttributes} would refuse these. */
    public static void checkAgentAttributes(List<String> perAgent, int agents) {
        attributesPerAgent(perAgent, agents);
    }

    /** Each agent's attributes: {@code agent:agent-N}, then what the user gave for it. */
    static List<List<org.apache.mesos.v1.Protos.Attribute>> attributesPerAgent(List<String> given, int agents) {
        if (given.size() > agents) {
            throw new IllegalArgumentException("attributes given for " + given.size() + " agents, but there are only "
                    + agents);
        }
        List<List<org.apache.mesos.v1.Protos.Attribute>> out = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            Map<String, org.apache.mesos.v1.Protos.Attribute> byName = new java.util.LinkedHashMap<>();
            byName.put("agent", AgentAttributes.attribute("agent", "agent-" + i));
            if (i < given.size()) {
                try {
                    AgentAttributes.parse(given.get(i)).forEach(a -> byName.put(a.getName(), a));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("attributes of agent " + i + " ('" + given.get(i) + "'): "
                            + e.getMessage(), e);
                }
            }
            out.add(List.copyOf(byName.values()));
        }
        return out;
    }

    private final List<LocalMaster> masters;
    private volatile LocalMaster leader;
    private final List<LocalAgent> agents;
    private final List<SimulatedAgent> simulatedAgents;
    private final java.util.concurrent.ScheduledExecutorService simulationTimer;
    private LeaderDetector detector;

    private final List<TaskPortBlocks.Lease> portLeases;

    private MesosLocalCluster(List<LocalMaster> masters, List<LocalAgent> agents, List<SimulatedAgent> simulated,
                              java.util.concurrent.ScheduledExecutorService simulationTimer,
                              List<TaskPortBlocks.Lease> portLeases) {
        this.portLeases = portLeases;
        this.masters = new java.util.concurrent.CopyOnWriteArrayList<>(masters);
        this.leader = masters.get(0);
        this.agents = List.copyOf(agents);
        this.simulatedAgents = List.copyOf(simulated);
        this.simulationTimer = simulationTimer;
    }

    public List<SimulatedAgent> simulatedAgents() {
        return simulatedAgents;
    }

    /** The detector saw a new leader in ZooKeeper: masters learn who leads, agents follow it. */
    private void leaderChanged(String leaderId) {
        LocalMaster next = masters.stream().filter(m -> m.id().equals(leaderId)).findFirst().orElse(null);
        masters.forEach(m -> m.leaderIs(next == null ? null : next.info()));
        if (next != null && next != leader) {
            LOG.info("master failover: {} now leads", next.url());
            leader = next;
            agents.forEach(a -> a.follow(next));
        }
    }

    /** Fault injection: the leading master dies (its ZooKeeper session and HTTP server go). */
    public void crashLeadingMaster() throws Exception {
        LocalMaster dying = leader;
        masters.remove(dying);
        dying.close();
    }

    public List<LocalMaster> masters() {
        return List.copyOf(masters);
    }

    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    /** The leading master's URL (http://host:port). */
    public String masterUrl() {
        return leader.url();
    }

    public LocalMaster master() {
        return leader;
    }

    public List<LocalAgent> agents() {
        return agents;
    }

    /**
     * Stops every agent (killing its executors and tasks) and then the master. The agents stop
     * together: each first stops starting anything (the master and the operator go on meanwhile,
     * and would relaunch elsewhere what one agent just killed) and SIGTERMs its executors; then,
     * at one deadline for all, each SIGKILLs what is left.
     */
    @Override
    public void close() {
        Map<LocalAgent, List<ExecutorRun>> stopping = new LinkedHashMap<>();
        for (LocalAgent agent : agents) {
            try {
                stopping.put(agent, agent.terminate());
            } catch (RuntimeException e) {
                LOG.warn("stopping agent {} failed", agent.id(), e);
            }
        }
        long deadline = System.nanoTime() + LocalAgent.STOP_GRACE.toNanos();
        stopping.forEach((agent, executors) -> {
            try {
                agent.killExecutors(executors, deadline);
            } catch (Exception e) {
                LOG.warn("stopping agent {} failed", agent.id(), e);
            }
        });
        if (simulationTimer != null) {
            simulationTimer.shutdownNow();
        }
        if (detector != null) {
            detector.close();
        }
        for (LocalMaster m : masters) {
            try {
                m.close();
            } catch (Exception e) {
                LOG.warn("stopping master {} failed", m.url(), e);
            }
        }
        portLeases.forEach(TaskPortBlocks.Lease::close);
    }
}
