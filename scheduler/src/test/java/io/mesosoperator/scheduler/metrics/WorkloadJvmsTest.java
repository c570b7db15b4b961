package io.mesosoperator.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.scheduler.kind.Jmx;
import io.mesosoperator.scheduler.kind.MetricsSource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.EmptyReads;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whom the JVM collector asks: only kinds that open the JMX agent the operator's way, and only with a secret. */
class WorkloadJvmsTest {
    private static TaskRecord running(String kind, String name, int instance) {
        return TaskRecord.staging(name + "-" + instance + ".x", new ResourceKey(kind, name), instance, "h", "a1", null,
                "127.0.0.1", Map.of(Jmx.PORT, 9000L + instance), null, "2026-12-06T10:00:00Z")
                .withUpdate("TASK_RUNNING", null, null, null, null, null, "2026-12-06T10:00:01Z");
    }

    @Test
    void asksTheJvmsOfTheKindsGivenWithTheirSecretAndNeverAUsersServiceNamingAPortJmx() {
        List<TaskRecord> tasks = List.of(running("KafkaCluster", "events", 0), running("Service", "mine", 0),
                running("CassandraCluster", "gone", 0), running("AkkaService", "members", 1),
                running("AkkaService", "members", 0));
        // the Cassandra cluster was deleted while its node still runs: its secret is gone
        Map<String, String> secrets = Map.of("KafkaCluster/events", "s3cret", "Service/mine", "not-for-it",
                "AkkaService/members", "other");
        WorkloadJvms jvms = new WorkloadJvms(Map.of("KafkaCluster", Jmx.Beans.NONE, "CassandraCluster", Jmx.Beans.NONE,
                "AkkaService", Jmx.Beans.NONE), key -> secrets.get(key.toString()));
        List<MetricsSource.Target> targets = jvms.targets(new EmptyReads() {
            @Override
            public List<TaskRecord> tasks() {
                return tasks;
            }
        });
        assertThat(targets).extracting(MetricsSource.Target::id).containsExactly(
                "AkkaService/members instance 0 (JMX 127.0.0.1:9000)", "AkkaService/members instance 1 (JMX 127.0.0.1:9001)",
                "KafkaCluster/events instance 0 (JMX 127.0.0.1:9000)");
        assertThat(jvms.series()).extracting(MetricsSource.Series::name)
                .containsExactly("mesos_operator_jvm_heap_used_bytes", "mesos_operator_jvm_gc_seconds");
    }
}
