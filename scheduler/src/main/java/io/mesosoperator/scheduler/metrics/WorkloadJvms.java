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
 * The heap and GC time of every JVM workload, whatever its kind: each running task with a JMX port
 * (named {@value Jmx#PORT}: Kafka brokers and controllers, Cassandra nodes) is asked
 * over remote JMX as {@value Jmx#USER}, with its resource's secret as the password.
 */
public final class WorkloadJvms implements MetricsSource {
    private final Function<ResourceKey, String> secrets;

    /** @param secrets each resource's secret, its tasks' JMX password (ZkStore::secret) */
    public WorkloadJvms(Function<ResourceKey, String> secrets) {
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
                .filter(t -> "TASK_RUNNING".equals(t.state()) && t.address(Jmx.PORT) != null)
                .sorted(Comparator.comparing(TaskRecord::resource).thenComparingInt(TaskRecord::instance))
                .forEach(t -> {
                    ResourceKey key = t.resourceKey();
                    Jmx.Endpoint endpoint = new Jmx.Endpoint(t.address(Jmx.PORT), Jmx.USER, secretOf.computeIfAbsent(key, secrets));
                    targets.add(new Target(key + " instance " + t.instance() + " JVM (JMX " + endpoint + ")", () -> {
                        try (JMXConnector connector = Jmx.connect(endpoint)) {
                            return Jmx.jvm(connector.getMBeanServerConnection(), key.kind(), key.name(), t.instance());
                        }
                    }));
                });
        return targets;
    }
}
