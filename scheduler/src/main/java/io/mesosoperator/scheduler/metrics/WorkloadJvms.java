package io.mesosoperator.scheduler.metrics;

import io.mesosoperator.scheduler.kind.Jmx;
import io.mesosoperator.scheduler.kind.MetricsSource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;

/**
 * The JVM workloads' own metrics over JMX: each running task with a JMX port (named {@value Jmx#PORT}) of
 * a kind that opens the JDK's JMX agent with the operator's credentials (Kafka brokers and controllers,
 * Cassandra nodes, AkkaService replicas) is asked, over one connection a round as {@value Jmx#USER} with its resource's secret,
 * for its heap and GC time and for what its kind reads there ({@link Jmx.Beans}). Other kinds are never
 * asked: a user's Service may well name a port "jmx", and must not be sent a secret.
 */
public final class WorkloadJvms implements MetricsSource {
    private final Map<String, Jmx.Beans> kinds;
    private final Function<ResourceKey, String> secrets;

    /**
     * @param kinds   the kinds whose tasks open the JMX agent the operator's way, with what each reads there
     * @param secrets each resource's secret, its tasks' JMX password, or null when it has none (ZkStore::existingSecret)
     */
    public WorkloadJvms(Map<String, Jmx.Beans> kinds, Function<ResourceKey, String> secrets) {
        this.kinds = Map.copyOf(kinds);
        this.secrets = secrets;
    }

    @Override
    public List<Series> series() {
        List<Series> series = new ArrayList<>(Jmx.JVM_SERIES);
        kinds.keySet().stream().sorted().forEach(kind -> series.addAll(kinds.get(kind).series()));
        return series;
    }

    @Override
    public List<Target> targets(ResourceReads reads) {
        List<Target> targets = new ArrayList<>();
        Map<ResourceKey, String> secretOf = new HashMap<>(); // one read of each resource's secret a round
        reads.tasks().stream()
                .filter(t -> "TASK_RUNNING".equals(t.state()) && t.address(Jmx.PORT) != null
                        && kinds.containsKey(t.resourceKey().kind()))
                .sorted(Comparator.comparing(TaskRecord::resource).thenComparingInt(TaskRecord::instance))
                .forEach(t -> {
                    ResourceKey key = t.resourceKey();
                    String secret = secretOf.computeIfAbsent(key, secrets);
                    if (secret == null) {
                        return; // deleted while its tasks still run: nothing to ask with
                    }
                    Jmx.Endpoint endpoint = new Jmx.Endpoint(t.address(Jmx.PORT), Jmx.USER, secret);
                    Jmx.Beans beans = kinds.get(key.kind());
                    targets.add(new Target(key + " instance " + t.instance() + " (JMX " + endpoint + ")", () -> {
                        try (JMXConnector connector = Jmx.connect(endpoint)) {
                            MBeanServerConnection server = connector.getMBeanServerConnection();
                            List<Sample> samples = new ArrayList<>(Jmx.jvm(server, key.kind(), key.name(), t.instance()));
                            samples.addAll(beans.read(server, key.name(), t.instance()));
                            return samples;
                        }
                    }));
                });
        return targets;
    }
}
