package io.mesosoperator.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.scheduler.mesos.AgentStatistics;
import io.mesosoperator.scheduler.mesos.AgentStatistics.ExecutorUsage;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.EmptyReads;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.TaskRecord;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskUsageTest {
    private static final String FW = "fw-0000";
    private static final String AGENT_A = "http://127.0.0.1:5051";
    private static final String AGENT_B = "http://127.0.0.1:5052";

    private static TaskRecord running(String resource, int instance, String agentUrl, String sandbox) {
        return TaskRecord.staging(resource + "-" + instance, ResourceKey.parse(resource), instance, "h", "S0", agentUrl,
                "127.0.0.1", Map.of(), null, "2026-12-06T00:00:00Z")
                .withUpdate("TASK_RUNNING", true, null, null, sandbox, null, "2026-12-06T00:00:01Z");
    }

    /** A command task's sandbox as the operator records it: the agent's virtual path of its executor's latest run. */
    private static String commandSandbox(String taskId) {
        return "/frameworks/" + FW + "/executors/" + taskId + "/runs/latest";
    }

    /** A task of the operator's executor: its own directory under the executor's run. */
    private static String executorSandbox(String executorId, String taskId) {
        return "/var/lib/mesos/slaves/S0/frameworks/" + FW + "/executors/" + executorId + "/runs/r1/tasks/" + taskId;
    }

    private static ExecutorUsage usage(String executorId, double cpu, long rss) {
        return new ExecutorUsage(FW, executorId, cpu, 0.5, rss, 0, 1.0);
    }

    @Test
    void aTaskGetsItsExecutorsUseWhenItRunsThereAlone() {
        List<TaskRecord> tasks = List.of(
                running("Service/web", 0, AGENT_A, commandSandbox("service.web.0.1a")),
                running("CassandraCluster/ring", 2, AGENT_A, executorSandbox("cassandra.ring.2.2b", "cassandra.ring.2.2b")),
                // two brokers sharing one executor: Mesos measures them together, so neither is exported
                running("KafkaCluster/events", 0, AGENT_A, executorSandbox("kafka.events.abc", "kafka.events.0.3c")),
                running("KafkaCluster/events", 1, AGENT_A, executorSandbox("kafka.events.abc", "kafka.events.1.4d")));
        List<ExecutorUsage> usages = List.of(usage("service.web.0.1a", 1.5, 1000), usage("cassandra.ring.2.2b", 3, 2000),
                usage("kafka.events.abc", 9, 9000), new ExecutorUsage("another-framework", "service.web.0.1a", 7, 7, 7, 7, 7));

        assertThat(TaskUsage.samples(tasks, usages)).containsExactly(
                new TaskUsage.Sample("Service", "web", 0, 2.0, 1000),
                new TaskUsage.Sample("CassandraCluster", "ring", 2, 3.5, 2000));
    }

    @Test
    void exportsTheSeriesOfEveryAgentThatAnswers() {
        List<TaskRecord> tasks = List.of(
                running("Service/web", 0, AGENT_A, commandSandbox("web-0")),
                running("Service/web", 1, AGENT_B, commandSandbox("web-1")),
                running("Service/api", 0, "http://127.0.0.1:1", commandSandbox("api-0")));
        Map<String, List<ExecutorUsage>> answers = Map.of(AGENT_A, List.of(usage("web-0", 1.25, 1_048_576)),
                AGENT_B, List.of(usage("web-1", 2, 2_097_152)));
        AgentStatistics agents = url -> {
            List<ExecutorUsage> answer = answers.get(url);
            if (answer == null) {
                throw new IOException("connection refused"); // an agent that does not answer
            }
            return answer;
        };
        PrometheusRegistry registry = new PrometheusRegistry();
        TaskUsage usage = new TaskUsage(registry, () -> reads(tasks), agents, Duration.ofSeconds(15));

        assertThat(OperatorMetricsTest.scrape(registry)).doesNotContain("kind=\"Service\"");
        usage.collect();
        String text = OperatorMetricsTest.scrape(registry);
        assertThat(text)
                .contains("# TYPE mesos_operator_task_cpu_seconds_total counter")
                .contains("mesos_operator_task_cpu_seconds_total{instance=\"0\",kind=\"Service\",resource=\"web\"} 1.75")
                .contains("mesos_operator_task_cpu_seconds_total{instance=\"1\",kind=\"Service\",resource=\"web\"} 2.5")
                .contains("# TYPE mesos_operator_task_memory_bytes gauge")
                .contains("mesos_operator_task_memory_bytes{instance=\"0\",kind=\"Service\",resource=\"web\"} 1048576.0")
                .contains("mesos_operator_task_memory_bytes{instance=\"1\",kind=\"Service\",resource=\"web\"} 2097152.0")
                .doesNotContain("resource=\"api\"");
    }

    @Test
    void aFollowerExportsNothing() {
        PrometheusRegistry registry = new PrometheusRegistry();
        TaskUsage usage = new TaskUsage(registry, () -> null, url -> List.of(usage("web-0", 1, 1)), Duration.ofSeconds(15));
        usage.collect();
        assertThat(usage.samples()).isEmpty();
    }

    static ResourceReads reads(List<TaskRecord> tasks) {
        return new EmptyReads() {
            @Override
            public List<TaskRecord> tasks() {
                return tasks;
            }
        };
    }
}
