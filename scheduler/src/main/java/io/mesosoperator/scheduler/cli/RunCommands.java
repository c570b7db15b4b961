package io.mesosoperator.scheduler.cli;

import io.mesosoperator.scheduler.api.OperatorApplication;
import io.mesosoperator.scheduler.embedded.EmbeddedCluster;
import io.mesosoperator.scheduler.embedded.ServerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Commands that run something: the embedded mode (up), its cluster alone, the operator alone. */
public final class RunCommands {
    private RunCommands() {}

    /** Flags shared by `up` and `cluster`. */
    static class ClusterOptions {
        @Option(names = "--work-dir", defaultValue = ".mesos-operator",
                description = "Where ZooKeeper data, sandboxes and logs go (default: ${DEFAULT-VALUE}).")
        Path workDir;

        @Option(names = "--agents", defaultValue = "3", description = "Number of local agents (default: ${DEFAULT-VALUE}).")
        int agents;

        @Option(names = "--agent-cpus", defaultValue = "4", description = "CPUs each agent offers (default: ${DEFAULT-VALUE}).")
        double agentCpus;

        @Option(names = "--agent-mem", defaultValue = "4096", description = "MiB of memory each agent offers (default: ${DEFAULT-VALUE}).")
        double agentMem;

        @Option(names = "--agent-attributes", paramLabel = "ATTRIBUTES",
                description = "Attributes of one agent, in the syntax of `mesos-agent --attributes` (e.g. 'rack:r1;zone:z1'):"
                        + " repeat the flag once per agent, the first for agent 0; agents not given any have only"
                        + " agent:agent-N. A number is a SCALAR, [1-4] RANGES, anything else TEXT.")
        java.util.List<String> agentAttributes = new java.util.ArrayList<>();

        @Option(names = "--masters", defaultValue = "1",
                description = "Number of masters; more than one gives a leader and standbys in ZooKeeper (default: ${DEFAULT-VALUE}).")
        int masters;

        @Option(names = "--zk-servers", defaultValue = "1",
                description = "ZooKeeper servers: 1 on --zk-port, or an ensemble (e.g. 3) on free loopback ports (default: ${DEFAULT-VALUE}).")
        int zkServers;

        @Option(names = "--zk-port", defaultValue = "2181", description = "ZooKeeper port (default: ${DEFAULT-VALUE}).")
        int zkPort;

        @Option(names = "--master-port", defaultValue = "5050", description = "Master port; agents use the next ones (default: ${DEFAULT-VALUE}).")
        int masterPort;

        EmbeddedCluster start() throws Exception {
            EmbeddedCluster.checkAgentAttributes(agentAttributes, agents); // before anything starts
            return EmbeddedCluster.start(new EmbeddedCluster.Settings(workDir.toAbsolutePath(), zkPort, masterPort,
                    masterPort + 1, agents, agentCpus, agentMem, masters,
                    java.time.Duration.ofSeconds(75), zkServers, List.copyOf(agentAttributes)));
        }
    }

    /** --specs-dir and --prune, shared by `up` and `server`. */
    static class SpecsDirOptions {
        @Option(names = "--specs-dir", description = "Apply every YAML/JSON file in this directory whenever it changes.")
        Path dir;

        @Option(names = "--prune", description = "With --specs-dir: deleting a file deletes the resource it declared.")
        boolean prune;

        ServerConfig configure(ServerConfig config) {
            return config.set("api.specsDir", dir == null ? null : dir.toAbsolutePath().toString())
                    .set("api.prune", prune ? Boolean.TRUE : null);
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Run everything on this machine: embedded ZooKeeper, a mesos-local master with agents, and the operator.")
    public static final class Up implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        ClusterOptions cluster = new ClusterOptions();

        @Option(names = "--api-port", defaultValue = "8080", description = "REST API port (default: ${DEFAULT-VALUE}).")
        int apiPort;

        @Option(names = "--admin-port", defaultValue = "8081", description = "Admin port: health checks, metrics (default: ${DEFAULT-VALUE}).")
        int adminPort;

        @picocli.CommandLine.Mixin
        SpecsDirOptions specsDir = new SpecsDirOptions();

        @Override
        public Integer call() throws Exception {
            OperatorApplication app = new OperatorApplication(); // sets up logging before anything logs
            EmbeddedCluster running = cluster.start();
            Runtime.getRuntime().addShutdownHook(new Thread(running::close, "embedded-cluster-shutdown"));
            Path logs = cluster.workDir.toAbsolutePath().resolve("logs");
            Path config = ServerConfig.from(null)
                    .set("mesos.master", running.masterZkUrl()) // leader detection as on a real cluster
                    .set("mesos.javaCommand", EmbeddedCluster.javaCommand())
                    .set("zookeeper.connect", running.zkConnect())
                    .set("mesos.role", "mesos-operator") // a role of its own, so that volumes work
                    .ports("127.0.0.1", apiPort, adminPort)
                    .apply(specsDir::configure)
                    .logging(logs.resolve("operator.log"), false)
                    .write(cluster.workDir.toAbsolutePath().resolve("operator.yaml"));
            app.run("server", config.toString());
            System.out.printf("""
                    mesos-operator is up (Ctrl-C stops everything, tasks included)
                      API        http://127.0.0.1:%d   try: bin/mesos-operator apply -f sample-specs/service.yaml
                      admin      http://127.0.0.1:%d   (health checks, metrics)
                      master     %s   (mesos-local, v1 scheduler API; /state), also %s
                      zookeeper  %s
                      agents     %s
                      logs       %s
                    """, apiPort, adminPort, running.masterUrl(), running.masterZkUrl(), running.zkConnect(),
                    String.join("\n                 ", running.agentEndpoints()), logs.resolve("operator.log"));
            return 0;
        }
    }

    @Command(name = "cluster", mixinStandardHelpOptions = true,
            description = "Run only the embedded ZooKeeper and mesos-local master + agents (point `server` at them).")
    public static final class Cluster implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        ClusterOptions cluster = new ClusterOptions();

        @Override
        public Integer call() throws Exception {
            EmbeddedCluster running = cluster.start();
            Runtime.getRuntime().addShutdownHook(new Thread(running::close, "embedded-cluster-shutdown"));
            System.out.printf("""
                    embedded cluster is up (Ctrl-C stops it and every task on it)
                      master     %s   (or %s)
                      zookeeper  %s
                      agents     %s
                    start the operator with:
                      bin/mesos-operator server --master %s --zk %s
                    """, running.masterUrl(), running.masterZkUrl(), running.zkConnect(),
                    String.join("\n                 ", running.agentEndpoints()), running.masterUrl(), running.zkConnect());
            return 0;
        }
    }

    @Command(name = "server", mixinStandardHelpOptions = true,
            description = "Run the operator alone against a Mesos master (real or mesos-local) and a ZooKeeper ensemble.")
    public static final class Server implements Callable<Integer> {
        @Option(names = "--master", description = "Mesos master URL, e.g. http://10.0.0.5:5050 (overrides the config file).")
        String master;

        @Option(names = "--zk", description = "ZooKeeper connect string for the operator's state, e.g. zk1:2181,zk2:2181.")
        String zk;

        @Option(names = "--api-port", description = "REST API port (default 8080).")
        Integer apiPort;

        @Option(names = "--admin-port", description = "Admin port: health checks, metrics, tasks (default 8081, on 127.0.0.1).")
        Integer adminPort;

        @Option(names = "--bind", description = "Address the API binds to (default 127.0.0.1); the admin port stays on 127.0.0.1.")
        String bind;

        @Option(names = "--config", description = "Operator configuration file (YAML); flags override it.")
        Path config;

        @Option(names = "--log-file", description = "Also log to this file.")
        Path logFile;

        @picocli.CommandLine.Mixin
        SpecsDirOptions specsDir = new SpecsDirOptions();

        @Override
        public Integer call() throws Exception {
            OperatorApplication app = new OperatorApplication();
            ServerConfig built = ServerConfig.from(config)
                    .set("mesos.master", master)
                    .set("zookeeper.connect", zk)
                    .api(bind, apiPort)
                    .admin(adminPort)
                    .apply(specsDir::configure);
            if (config == null || logFile != null) {
                built.logging(logFile, true);
            }
            Path file = java.nio.file.Files.createTempFile("mesos-operator-", ".yaml");
            file.toFile().deleteOnExit();
            app.run("server", built.write(file).toString());
            return 0;
        }
    }
}
