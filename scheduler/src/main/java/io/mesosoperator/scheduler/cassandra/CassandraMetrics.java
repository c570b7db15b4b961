package io.mesosoperator.scheduler.cassandra;

import io.mesosoperator.scheduler.kind.Jmx;
import io.mesosoperator.scheduler.kind.MetricsSource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;

/**
 * A Cassandra ring's own metrics. Whether a node is up is the ring's view, as the driver of the
 * operator's probe last saw it (gossip, not just a task that runs). What each node reads of itself
 * comes over its JMX port ({@link #NODE_BEANS}, asked by metrics/WorkloadJvms on the same
 * connection as its JVM's heap and GC time, as the cluster's JMX user, the way decommission
 * connects): its pending compactions, its dropped mutations, the p50 and p99 of the read and write
 * latency its coordinator saw (org.apache.cassandra.metrics ClientRequest Read/Write Latency, what
 * nodetool proxyhistograms shows).
 */
public final class CassandraMetrics implements MetricsSource {
    private static final String CLUSTER = "cassandracluster";
    private static final String KIND = "CassandraCluster";
    static final Series NODE_UP = Series.gauge("mesos_operator_cassandra_node_up",
            "1 when the ring, as the operator's driver sees it, has the node up; 0 when down", CLUSTER, "instance");
    static final Series PENDING_COMPACTIONS = Series.gauge("mesos_operator_cassandra_pending_compactions",
            "Compactions the node has still to run", CLUSTER, "instance");
    static final Series DROPPED_MUTATIONS = Series.counter("mesos_operator_cassandra_dropped_mutations",
            "Mutations the node dropped (not applied within their timeout)", CLUSTER, "instance");
    static final Series READ_LATENCY = Series.gauge("mesos_operator_cassandra_read_latency_seconds",
            "Read latency the node saw as coordinator, at a quantile (recent, decaying)", CLUSTER, "instance", "quantile");
    static final Series WRITE_LATENCY = Series.gauge("mesos_operator_cassandra_write_latency_seconds",
            "Write latency the node saw as coordinator, at a quantile (recent, decaying)", CLUSTER, "instance", "quantile");

    private static final ObjectName COMPACTION_PENDING = Jmx.name("org.apache.cassandra.metrics:type=Compaction,name=PendingTasks");
    private static final ObjectName DROPPED = Jmx.name("org.apache.cassandra.metrics:type=DroppedMessage,scope=MUTATION,name=Dropped");
    private static final ObjectName READS = Jmx.name("org.apache.cassandra.metrics:type=ClientRequest,scope=Read,name=Latency");
    private static final ObjectName WRITES = Jmx.name("org.apache.cassandra.metrics:type=ClientRequest,scope=Write,name=Latency");
    /** Quantile label -> the Timer MBean's attribute. */
    private static final Map<String, String> QUANTILES = Map.of("0.5", "50thPercentile", "0.99", "99thPercentile");

    private final CassandraProbe probe;

    /** @param probe the probe the reconciler watches the rings with (the ring's view of its nodes) */
    public CassandraMetrics(CassandraProbe probe) {
        this.probe = probe;
    }

    /** What a node reads of itself over JMX, beside its JVM's heap and GC time. */
    public static final Jmx.Beans NODE_BEANS = new Jmx.Beans() {
        @Override
        public List<Series> series() {
            return List.of(PENDING_COMPACTIONS, DROPPED_MUTATIONS, READ_LATENCY, WRITE_LATENCY);
        }

        @Override
        public List<Sample> read(MBeanServerConnection server, String cluster, int instance)
                throws java.io.IOException, javax.management.JMException {
            String id = Integer.toString(instance);
            List<Sample> samples = new ArrayList<>();
            Jmx.addNumber(samples, PENDING_COMPACTIONS, server, COMPACTION_PENDING, "Value", cluster, id);
            Jmx.addNumber(samples, DROPPED_MUTATIONS, server, DROPPED, "Count", cluster, id);
            latencies(samples, READ_LATENCY, server, READS, cluster, id);
            latencies(samples, WRITE_LATENCY, server, WRITES, cluster, id);
            return samples;
        }
    };

    @Override
    public List<Series> series() {
        return List.of(NODE_UP);
    }

    @Override
    public List<Target> targets(ResourceReads reads) {
        Map<ResourceKey, List<TaskRecord>> rings = new TreeMap<>(Comparator.comparing(ResourceKey::toString));
        for (TaskRecord t : reads.tasks()) {
            if ("TASK_RUNNING".equals(t.state()) && t.resourceKey().kind().equals(KIND)) {
                rings.computeIfAbsent(t.resourceKey(), k -> new ArrayList<>()).add(t);
            }
        }
        List<Target> targets = new ArrayList<>();
        rings.forEach((key, nodes) -> {
            List<TaskRecord> sorted = nodes.stream().sorted(Comparator.comparingInt(TaskRecord::instance)).toList();
            targets.add(new Target(key + " ring", () -> nodeStates(key, sorted)));
        });
        return targets;
    }

    /** Up or down per running node, from the probe's last look at the ring; a node the ring does not list is left out. */
    private List<Sample> nodeStates(ResourceKey key, List<TaskRecord> nodes) {
        CassandraProbe.Snapshot seen = probe.snapshot(key);
        if (seen == null || seen.error() != null) {
            throw new IllegalStateException("the driver has not seen the ring"
                    + (seen == null ? " yet" : ": " + seen.error()));
        }
        List<Sample> samples = new ArrayList<>();
        for (TaskRecord node : nodes) {
            CassandraProbe.NodeView view = seen.byNativeAddress(node.address(CassandraNodeConfig.NATIVE_PORT));
            if (view != null) {
                samples.add(NODE_UP.sample("UP".equals(view.state()) ? 1 : 0, key.name(), Integer.toString(node.instance())));
            }
        }
        return samples;
    }

    private static void latencies(List<Sample> samples, Series series, MBeanServerConnection server, ObjectName timer,
                                  String cluster, String instance) throws java.io.IOException, javax.management.JMException {
        Object unit = server.isRegistered(timer) ? server.getAttribute(timer, "DurationUnit") : null;
        if (unit == null) {
            return;
        }
        double secondsPerUnit = 1.0 / TimeUnit.valueOf(unit.toString().toUpperCase(Locale.ROOT)).convert(1, TimeUnit.SECONDS);
        for (Map.Entry<String, String> q : new TreeMap<>(QUANTILES).entrySet()) {
            Double value = Jmx.number(server, timer, q.getValue());
            if (value != null) {
                samples.add(series.sample(value * secondsPerUnit, cluster, instance, q.getKey()));
            }
        }
    }
}
