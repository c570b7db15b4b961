package io.mesosoperator.scheduler.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.mesosoperator.scheduler.kind.MetricsSource.Sample;
import io.mesosoperator.scheduler.kind.MetricsSource.Target;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** SparkMetrics against a small server answering as a driver's monitoring REST API does (Spark 3.5's shapes). */
class SparkMetricsTest {
    private static final String APPS = "[{\"id\":\"app-1\",\"name\":\"totals-0\"}]";
    private static final String EXECUTORS = "[{\"id\":\"driver\",\"activeTasks\":0,\"failedTasks\":0},"
            + "{\"id\":\"1\",\"activeTasks\":2,\"failedTasks\":1},{\"id\":\"2\",\"activeTasks\":1,\"failedTasks\":0}]";
    private static final String ALL_EXECUTORS = "[{\"id\":\"driver\",\"failedTasks\":0},{\"id\":\"1\",\"failedTasks\":1},"
            + "{\"id\":\"2\",\"failedTasks\":0},{\"id\":\"0\",\"isActive\":false,\"failedTasks\":3}]";
    private static final String STREAMING = "{\"batchDuration\":2000,\"numActiveBatches\":3,\"numProcessedRecords\":1200,"
            + "\"avgInputRate\":150.5,\"avgProcessingTime\":1800}";

    @Test
    void aDriversTasksExecutorsAndStreamingStatistics() throws Exception {
        HttpServer server = server(true);
        try {
            Map<String, Double> values = collect(server);
            assertThat(values).containsEntry("mesos_operator_spark_active_tasks", 3.0)
                    .containsEntry("mesos_operator_spark_failed_tasks", 4.0) // the dead executor's failures too
                    .containsEntry("mesos_operator_spark_executors", 2.0) // the driver is not one
                    .containsEntry("mesos_operator_spark_streaming_batch_interval_seconds", 2.0)
                    .containsEntry("mesos_operator_spark_streaming_active_batches", 3.0)
                    .containsEntry("mesos_operator_spark_streaming_processed_records", 1200.0)
                    .containsEntry("mesos_operator_spark_streaming_input_records_per_second", 150.5)
                    .containsEntry("mesos_operator_spark_streaming_batch_processing_seconds", 1.8);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aBatchApplicationHasNoStreamingSeries() throws Exception {
        HttpServer server = server(false);
        try {
            assertThat(collect(server)).containsOnlyKeys("mesos_operator_spark_active_tasks",
                    "mesos_operator_spark_failed_tasks", "mesos_operator_spark_executors");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aDriverThatDoesNotAnswerFailsItsTargetInsteadOfReportingZeros() throws Exception {
        HttpServer server = server(false);
        int port = server.getAddress().getPort();
        server.stop(0);
        Target target = new SparkMetrics().targets(reads(port)).get(0);
        assertThatThrownBy(() -> target.collect().call()).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void onlyRunningDriversWithAUiPortAreAsked() {
        TaskRecord noUi = driver(0, Map.of());
        assertThat(new SparkMetrics().targets(reads(List.of(noUi)))).isEmpty();
    }

    private static Map<String, Double> collect(HttpServer server) throws Exception {
        List<Target> targets = new SparkMetrics().targets(reads(server.getAddress().getPort()));
        assertThat(targets).hasSize(1);
        List<Sample> samples = targets.get(0).collect().call();
        assertThat(samples).allSatisfy(s -> assertThat(s.labelValues()).containsExactly("totals", "4"));
        return samples.stream().collect(Collectors.toMap(Sample::series, Sample::value));
    }

    private static HttpServer server(boolean streaming) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        Map<String, String> bodies = new java.util.HashMap<>(Map.of("/api/v1/applications", APPS,
                "/api/v1/applications/app-1/executors", EXECUTORS, "/api/v1/applications/app-1/allexecutors", ALL_EXECUTORS));
        if (streaming) {
            bodies.put("/api/v1/applications/app-1/streaming/statistics", STREAMING);
        }
        server.createContext("/", exchange -> {
            String body = bodies.get(exchange.getRequestURI().getPath());
            byte[] bytes = (body == null ? "no such app" : body).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static ResourceReads reads(int uiPort) {
        return reads(List.of(driver(4, Map.of("ui", (long) uiPort))));
    }

    private static ResourceReads reads(List<TaskRecord> tasks) {
        return new io.mesosoperator.scheduler.store.EmptyReads() {
            @Override
            public List<TaskRecord> tasks() {
                return tasks;
            }
        };
    }

    private static TaskRecord driver(int run, Map<String, Long> ports) {
        return TaskRecord.staging("totals-" + run + ".t", new ResourceKey("SparkJob", "totals"), run, "h", "agent-0",
                        "http://agent", "127.0.0.1", ports, null, "2026-12-06T10:00:00Z")
                .withUpdate("TASK_RUNNING", true, null, null, "/sandbox", null, "2026-12-06T10:00:01Z");
    }
}
