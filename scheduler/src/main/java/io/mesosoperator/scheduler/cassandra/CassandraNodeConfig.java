package io.mesosoperator.scheduler.cassandra;

import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.spec.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one Cassandra node is configured and started, from the spec and the ring as it runs: the
 * cassandra.yaml and cassandra-rackdc.properties the executor renders into the sandbox (addresses
 * and ports as task variables, known once Mesos placed the node), the seed list, and the command.
 * Pure: no I/O.
 */
final class CassandraNodeConfig {
    /** Where the node's persistent volume is mounted in the sandbox; every directory of the node lies under it. */
    static final String DATA_DIR = "data";
    static final String STORAGE_PORT = "storage";
    static final String NATIVE_PORT = "native";
    static final String JMX_PORT = io.mesosoperator.scheduler.kind.Jmx.PORT;
    /** The node's own ports; its JMX port ({@value #JMX_PORT}) comes after them (DistributionPod.jmxForOperator). */
    static final List<String> PORTS = List.of(STORAGE_PORT, NATIVE_PORT);
    static final int NUM_TOKENS = 16;
    /**
     * Cassandra's ring delay: how long a joining node waits for the ring's state before it bootstraps.
     * Cassandra's 30 s default is made for large rings; at 1 s a node on a busy machine sometimes
     * bootstraps before it heard from any seed ("Unable to contact any seeds"). Measured on 2 cores.
     */
    static final int RING_DELAY_MS = 5000;

    static final String SELF = "${MESOS_OPERATOR_HOST}:${PORT_STORAGE}";
    /** The JMX user the operator connects as (decommission); its password is the cluster's secret. */
    static final String JMX_USER = io.mesosoperator.scheduler.kind.Jmx.USER;
    static final String JMX_PASSWORD_FILE = io.mesosoperator.scheduler.kind.Jmx.PASSWORD_FILE;
    static final String JMX_ACCESS_FILE = io.mesosoperator.scheduler.kind.Jmx.ACCESS_FILE;

    /** cassandra.yaml keys the operator sets itself: a user value would break addressing, identity or the data's place. */
    static final List<String> OWNED_KEYS = List.of("cluster_name", "listen_address", "listen_interface",
            "broadcast_address", "rpc_address", "rpc_interface", "broadcast_rpc_address", "storage_port",
            "ssl_storage_port", "native_transport_port", "native_transport_port_ssl", "seed_provider",
            "endpoint_snitch", "data_file_directories", "commitlog_directory", "saved_caches_directory",
            "hints_directory", "cdc_raw_directory", "local_system_data_file_directory", "partitioner",
            "num_tokens", "initial_token", "auto_bootstrap");

    private CassandraNodeConfig() {}

    /** spec.config keys that are the operator's, each with why. */
    static List<FieldError> ownedKeyErrors(Map<String, Object> config) {
        List<FieldError> errors = new ArrayList<>();
        if (config != null) {
            for (String key : config.keySet()) {
                if (OWNED_KEYS.contains(key)) {
                    errors.add(FieldError.of("spec.config." + key, "is set by the operator and cannot be overridden"
                            + (key.equals("cluster_name") ? " (use spec.clusterName)"
                            : key.equals("endpoint_snitch") ? " (use spec.datacenter and spec.rack)" : "")));
                }
            }
        }
        return errors;
    }

    /**
     * The seed list of node {@code instance}: the running seeds' addresses (each "host:storage_port",
     * as Mesos gave them), never itself while another seed runs, so that an empty node bootstraps
     * (a node listing itself as seed does not stream its data). A seed lists itself only when no
     * other seed runs (it founds the ring or restarts on its own data); a node that finds no running
     * seed falls back on where the seeds were last seen.
     *
     * @param runningSeeds storage address of every running seed node, by instance
     * @param lastKnownSeeds storage addresses of the seeds when they last ran (from the previous status)
     */
    static List<String> seeds(int instance, int seedCount, Map<Integer, String> runningSeeds, List<String> lastKnownSeeds) {
        List<String> seeds = new ArrayList<>();
        new java.util.TreeMap<>(runningSeeds).forEach((other, address) -> {
            if (other != instance && other < seedCount) {
                seeds.add(address);
            }
        });
        if (!seeds.isEmpty()) {
            return seeds;
        }
        if (instance < seedCount) {
            return List.of(SELF);
        }
        return lastKnownSeeds.isEmpty() ? List.of(SELF) : List.copyOf(lastKnownSeeds);
    }

    /**
     * The seeds of a node that starts afresh in place of one lost with its agent: never itself (a
     * node in its own seed list does not bootstrap, and a new, empty node must, or it would found a
     * ring of its own), so when no other seed runs, the other running nodes.
     */
    static List<String> seedsForNewNode(List<String> seeds, int instance,
                                        Map<Integer, io.mesosoperator.scheduler.store.TaskRecord> running) {
        if (!seeds.contains(SELF)) {
            return seeds;
        }
        List<String> others = new ArrayList<>();
        new java.util.TreeMap<>(running).forEach((i, t) -> {
            if (i != instance) {
                others.add(t.address(STORAGE_PORT));
            }
        });
        return others.isEmpty() ? seeds : others;
    }

    /** cassandra.yaml as data (the executor writes it as JSON, which Cassandra's YAML loader reads). */
    static Map<String, Object> yaml(CassandraSpec spec, String clusterName, List<String> seeds) {
        Map<String, Object> yaml = new LinkedHashMap<>();
        yaml.put("cluster_name", clusterName);
        yaml.put("num_tokens", NUM_TOKENS);
        yaml.put("allocate_tokens_for_local_replication_factor", 3);
        yaml.put("partitioner", "org.apache.cassandra.dht.Murmur3Partitioner");
        yaml.put("endpoint_snitch", "GossipingPropertyFileSnitch");
        yaml.put("commitlog_sync", "periodic");
        yaml.put("commitlog_sync_period", "10000ms");
        yaml.put("seed_provider", List.of(Map.of("class_name", "org.apache.cassandra.locator.SimpleSeedProvider",
                "parameters", List.of(Map.of("seeds", String.join(",", seeds))))));
        yaml.put("listen_address", "${MESOS_OPERATOR_HOST}");
        yaml.put("rpc_address", "${MESOS_OPERATOR_HOST}");
        yaml.put("storage_port", "${PORT_STORAGE}");
        yaml.put("native_transport_port", "${PORT_NATIVE}");
        yaml.put("start_native_transport", true);
        if (spec.config() != null) {
            yaml.putAll(spec.config());
        }
        return yaml;
    }

    /**
     * cassandra-rackdc.properties: where GossipingPropertyFileSnitch places the node: the spec's
     * datacenter and rack, or, with {@code datacenterFromAttribute}/{@code rackFromAttribute}, the
     * value of that attribute of the agent the node was placed on (the task's
     * {@code MESOS_OPERATOR_ATTRIBUTE_<NAME>}, which the executor substitutes).
     */
    static Map<String, Object> rackdc(CassandraSpec spec) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("dc", spec.datacenterFromAttribute() != null ? fromAttribute(spec.datacenterFromAttribute()) : spec.datacenter());
        props.put("rack", spec.rackFromAttribute() != null ? fromAttribute(spec.rackFromAttribute()) : spec.rack());
        return props;
    }

    private static String fromAttribute(String attribute) {
        return "${" + PodSpec.RequiredAttribute.variable(attribute) + "}";
    }

    /**
     * The agent attributes node's agent must have: the rack attribute (any value), and the
     * datacenter attribute, with the ring's datacenter as its value once the ring has one (a
     * CassandraCluster is one datacenter: a node is never placed in another).
     *
     * @param ringDatacenter the datacenter the ring's nodes are in; null before any node ran
     */
    static List<PodSpec.RequiredAttribute> requiredAttributes(CassandraSpec spec, String ringDatacenter) {
        List<PodSpec.RequiredAttribute> required = new ArrayList<>();
        if (spec.datacenterFromAttribute() != null) {
            required.add(new PodSpec.RequiredAttribute(spec.datacenterFromAttribute(), ringDatacenter));
        }
        if (spec.rackFromAttribute() != null && !spec.rackFromAttribute().equals(spec.datacenterFromAttribute())) {
            required.add(PodSpec.RequiredAttribute.any(spec.rackFromAttribute()));
        }
        return required;
    }

    /** The access of {@value #JMX_USER} to the node's JMX agent: read-write (it decommissions). */
    static final String JMX_ACCESS = "readwrite";

    /**
     * The node's command: Cassandra in the foreground (its output in the sandbox's stdout), every
     * directory under the volume (-Dcassandra.storagedir), and JMX reachable from other hosts on
     * the task's JMX port (registry and RMI objects on that one port, the stubs naming the agent's
     * hostname), for {@value #JMX_USER} only, with the password in {@value #JMX_PASSWORD_FILE}.
     */
    static String command(CassandraSpec spec) {
        return "set -e\n"
                + "mkdir -p triggers\n"
                + "exec \"$MESOS_OPERATOR_JAVA\" -Xms" + (spec.heap() / 2) + "m -Xmx" + spec.heap() + "m"
                + " $(cat cassandra/conf/jvm17.flags)"
                // JMX password authentication: Cassandra builds the JDK's file authenticator reflectively,
                // which Java 17 refuses unless its package is exported (not in Cassandra's own flag list)
                + " --add-exports=java.management/com.sun.jmx.remote.security=ALL-UNNAMED"
                + " -Dcassandra.config=file://$PWD/cassandra.yaml"
                + " -Dcassandra-rackdc.properties=file://$PWD/cassandra-rackdc.properties"
                + " -Dcassandra.storagedir=$PWD/" + DATA_DIR
                + " -Dcassandra.triggers_dir=$PWD/triggers"
                + " -Dcassandra-foreground=yes"
                + " -Dlogback.configurationFile=cassandra/conf/logback.xml"
                + " -Dcassandra.ring_delay_ms=" + RING_DELAY_MS
                + " -Dcassandra.skip_wait_for_gossip_to_settle=0"
                + " -Dcassandra.jmx.remote.port=$PORT_JMX"
                + " -Dcom.sun.management.jmxremote.rmi.port=$PORT_JMX"
                + " -Djava.rmi.server.hostname=$MESOS_OPERATOR_HOST"
                + " -Dcom.sun.management.jmxremote.authenticate=true"
                + " -Dcom.sun.management.jmxremote.password.file=$PWD/" + JMX_PASSWORD_FILE
                + " -Dcom.sun.management.jmxremote.access.file=$PWD/" + JMX_ACCESS_FILE
                + " -cp 'cassandra/lib/*' org.apache.cassandra.service.CassandraDaemon\n";
    }
}
