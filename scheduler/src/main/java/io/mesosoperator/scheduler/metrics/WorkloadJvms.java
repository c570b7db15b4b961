package io.mesosoperator.scheduler.metrics;

import io.mesosoperator.scheduler.kind.Jmx;
import io.mesosoperator.scheduler.kind.MetricsSource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import javax.management.remote.JMXConnector;

/**
 * The heap and GC time of the JVM workloads: each running task with a JMX port (named {@value Jmx#PORT}) of
 * a kind that opens the JDK's JMX agent with the operator's credentials (Kafka brokers and controllers,
 * Cassandra nodes) is asked over remote JMX as {@value Jmx#USER}, with its resource's secret as the password.
 * Other kinds are never asked: a user's Service may well name a port "jmx", and must not be sent a secret.
 */
public final class WorkloadJvms implements MetricsSource {
    private final java.util.Set<String> kinds;
    private final Function<ResourceKey, String> secrets;

    /**
     * @param kinds   the kinds whose tasks open the JMX agent the operator's way
     * @param secrets each resource's secret, its tasks' JMX password, or null when it has none (ZkStore::existingSecret)
     */
    public WorkloadJvms(java.util.Set<String> kinds, Function<ResourceKey, String> secrets) {
        this.kinds = java.util.Set.copyOf(kinds);
        this.secrets = secrets;
    }

    @Override
    public List<Series> series() {
        return Jmx.JVM_SERIES;
    }

    @Override
    public List<Target> targets(ResourceReads reads) {
        List<Target> targets = new ArrayList<>();
        java.util.Map<ResourceKey, String> secretOf = new java.util.HashMap<>(); // one read of each resource's secret a round
        reads.tasks().stream()
                .filter(t -> "TASK_RUNNING".equals(t.state()) && t.address(Jmx.PORT) != null
                        && kinds.contains(t.resourceKey().kind()))
                .sorted(Comparator.comparing(TaskRecord::resource).thenComparingInt(TaskRecord::instance))
                .forEach(t -> {
                    ResourceKey key = t.resourceKey();
                    String secret = secretOf.computeIfAbsent(key, secrets);
                    if (secret == null) {
                        return; // deleted while its tasks still run: nothing to ask with
                    }
                    Jmx.Endpoint endpoint = new Jmx.Endpoint(t.address(Jmx.PORT), Jmx.USER, secret);
                    targets.add(new Target(key + " instance " + t.instance() + " JVM (JMX " + endpoint + ")", () -> {
                        try (JMXConnector connector = Jmx.connect(endpoint)) {
                            return Jmx.jvm(connector.getMBeanServerConnection(), key.kind(), key.name(), t.instance());
                        }
                    }));
                });
        return targets;
    }
}
