package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real Spark application (the sample word count, with one executor the operator launches) that
 * stays up after its count: the admin port's /metrics/prometheus shows, labelled with the job and
 * its run, what its driver's REST API says: one executor, no task running any more, none failed;
 * and, from its metrics registry, the driver JVM's heap and GC time as every JVM workload's series;
 * and the executor's GC time, under its task's instance.
 */
class SparkMetricsE2ETest extends EmbeddedOperatorTest {
    @Override
    EmbeddedOperator.Options options() {
        return EmbeddedOperator.Options.defaults().agents(2).config("monitoring.workloadIntervalSeconds", 2);
    }

    @Test
    void aRunningDriversExecutorsAndTasksAreExported() throws Exception {
        Path release = work.resolve("release-wordcount");
        String spec = """
                apiVersion: mesos-operator.io/v1
                kind: SparkJob
                metadata: {name: metered}
                spec:
                  mainApplicationFile: %s
                  mainClass: io.mesosoperator.samples.WordCount
                  files: [%s]
                  arguments: [--hold-until, %s, words.txt, counts]
                  executor: {instances: 1, cores: 1, memory: 512m}
                  sparkConf:
                    spark.sql.shuffle.partitions: '1'
                    spark.scheduler.minRegisteredResourcesRatio: '1.0'
                    spark.scheduler.maxRegisteredResourcesWaitingTime: 120s
                """.formatted(SparkJobE2ETest.JAR.toUri(), SparkJobE2ETest.WORDS.toUri(), release);
        EmbeddedOperator.Reply applied = applyOwned(spec);
        assertThat(applied.status()).as(applied.body().toString()).isEqualTo(201);

        String run = "{instance=\"0\",sparkjob=\"metered\"}";
        String jvm = "{instance=\"0\",kind=\"SparkJob\",resource=\"metered\"}";
        try {
            await().atMost(SparkJobExecutorsE2ETest.RUN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Map<String, Double> metrics = ServiceLifecycleE2ETest.prometheus(env.admin("/metrics/prometheus"));
                assertThat(metrics.get("mesos_operator_spark_executors" + run)).as("executors").isEqualTo(1.0);
                assertThat(metrics.get("mesos_operator_spark_failed_tasks_total" + run)).as("failed tasks").isZero();
                // the count is written (the driver holds its session open after it): no task runs any more
                assertThat(metrics.get("mesos_operator_spark_active_tasks" + run)).as("active tasks").isZero();
                // a batch application has no streaming statistics: those series are absent, not 0
                assertThat(metrics).doesNotContainKey("mesos_operator_spark_streaming_batch_interval_seconds" + run);
                // the driver's JVM (the word count's session has run a job: it has allocated and collected)
                assertThat(metrics.get("mesos_operator_jvm_heap_used_bytes" + jvm)).as("driver heap").isPositive();
                assertThat(metrics.get("mesos_operator_jvm_gc_seconds_total" + jvm)).as("driver GC time").isPositive();
                // the executor's JVM, as its heartbeats report it to the driver, under its task's instance
                String executor = env.tasks("SparkJob/metered").stream().map(t -> t.path("instance").asText())
                        .filter(i -> !i.equals("0")).findFirst().orElseThrow();
                assertThat(metrics).hasEntrySatisfying("mesos_operator_jvm_gc_seconds_total{instance=\"" + executor
                        + "\",kind=\"SparkJob\",resource=\"metered\"}", gc -> assertThat(gc).as("executor GC time").isNotNegative());
                // no Structured Streaming query runs: no query series
                assertThat(metrics.keySet()).noneMatch(k -> k.startsWith("mesos_operator_spark_streaming_query_"));
            });
        } finally {
            Files.createFile(release);
        }
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).until(() ->
                env.get("/v1/resources/SparkJob/metered").body().path("status").path("phase").asText().equals("Succeeded"));
    }
}
