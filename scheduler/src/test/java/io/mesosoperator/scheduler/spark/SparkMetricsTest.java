package io.mesosoperator.scheduler.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

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

/**
 * SparkMetrics against a small server answering as a driver's monitoring REST API and its metrics registry's
 * JSON servlet do (Spark 3.5's shapes).
 */
class SparkMetricsTest {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final String APPS = "[{\"id\":\"app-1\",\"name\":\"totals-0\"}]";
    private static final String EXECUTORS = "[{\"id\":\"driver\",\"activeTasks\":0,\"failedTasks\":0},"
            + "{\"id\":\"1\",\"activeTasks\":2,\"failedTasks\":1},{\"id\":\"2\",\"activeTasks\":1,\"failedTasks\":0}]";
    private static final String ALL_EXECUTORS = "[{\"id\":\"driver\",\"failedTasks\":0},{\"id\":\"1\",\"failedTasks\":1},"
            + "{\"id\":\"2\",\"failedTasks\":0},{\"id\":\"0\",\"isActive\":false,\"failedTasks\":3}]";
    private static final String STREAMING = "{\"batchDuration\":2000,\"numActiveBatches\":3,\"numProcessedRecords\":1200,"
            + "\"avgInputRate\":150.5,\"avgProcessingTime\":1800}";
    /**
     * Part of a Spark 3.5.7 driver's /metrics/json/ with JvmSource and two Structured Streaming queries, one named
     * "probe-q.one", one unnamed (Spark names it by its id); and a rate Spark could not compute (NaN).
     */
    private static final String REGISTRY = """
            {"version": "4.0.0", "gauges": {
              "local-1796603531495.driver.BlockManager.memory.memUsed_MB": {"value": 0},
              "local-1796603531495.driver.jvm.G1-Old-Generation.count": {"value": 0},
              "local-1796603531495.driver.jvm.G1-Old-Generation.time": {"value": 0},
              "local-1796603531495.driver.jvm.G1-Young-Generation.count": {"value": 12},
              "local-1796603531495.driver.jvm.G1-Young-Generation.time": {"value": 844},
              "local-1796603531495.driver.jvm.direct.count": {"value": 7},
              "local-1796603531495.driver.jvm.heap.max": {"value": 536870912},
              "local-1796603531495.driver.jvm.heap.used": {"value": 89141888},
              "local-1796603531495.driver.jvm.non-heap.used": {"value": 133922608},
              "local-1796603531495.driver.jvm.pools.G1-Eden-Space.used": {"value": 24117248},
              "local-1796603531495.driver.jvm.pools.G1-Eden-Space.used-after-gc": {"value": 0},
              "local-1796603531495.driver.spark.streaming.0e670ee8-5c26-4a75-8020-60727a2768ee.inputRate-total": {"value": NaN},
              "local-1796603531495.driver.spark.streaming.0e670ee8-5c26-4a75-8020-60727a2768ee.latency": {"value": 615},
              "local-1796603531495.driver.spark.streaming.0e670ee8-5c26-4a75-8020-60727a2768ee.processingRate-total": {"value": "NaN"},
              "local-1796603531495.driver.spark.streaming.probe-q.one.eventTime-watermark": {"value": 0},
              "local-1796603531495.driver.spark.streaming.probe-q.one.inputRate-total": {"value": 574.5},
              "local-1796603531495.driver.spark.streaming.probe-q.one.latency": {"value": 578},
              "local-1796603531495.driver.spark.streaming.probe-q.one.processingRate-total": {"value": 86.5},
              "local-1796603531495.driver.spark.streaming.probe-q.one.states-rowsTotal": {"value": 0}},
             "counters": {"local-1796603531495.driver.HiveExternalCatalog.fileCacheHits": {"count": 0}},
             "histograms": {}, "meters": {}, "timers": {}}
            """;

    @Test
    void aDriversTasksExecutorsAndStreamingStatistics() throws Exception {
        HttpServer server = server(true, false);
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
        HttpServer server = server(false, false);
        try {
            assertThat(collect(server)).containsOnlyKeys("mesos_operator_spark_active_tasks",
                    "mesos_operator_spark_failed_tasks", "mesos_operator_spark_executors");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theDriversHeapGcTimeAndQueriesFromItsMetricsRegistry() throws Exception {
        Map<String, Double> values = labelled(SparkMetrics.registry(JSON.readTree(REGISTRY), "totals", "4"));
        String jvm = "{kind=SparkJob, resource=totals, instance=4}";
        String named = "{sparkjob=totals, instance=4, query=probe-q.one}";
        String unnamed = "{sparkjob=totals, instance=4, query=0e670ee8-5c26-4a75-8020-60727a2768ee}";
        assertThat(values).containsOnly(
                entry("mesos_operator_jvm_heap_used_bytes" + jvm, 89141888.0),
                entry("mesos_operator_jvm_gc_seconds" + jvm, 0.844), // both collectors, in seconds
                entry("mesos_operator_spark_streaming_query_input_records_per_second" + named, 574.5),
                entry("mesos_operator_spark_streaming_query_processed_records_per_second" + named, 86.5),
                entry("mesos_operator_spark_streaming_query_batch_duration_seconds" + named, 0.578),
                // the rates Spark could not compute are left out, never 0
                entry("mesos_operator_spark_streaming_query_batch_duration_seconds" + unnamed, 0.615));
    }

    @Test
    void eachExecutorsGcTimeAsItsLastHeartbeatGaveItLabelledWithItsTask() throws Exception {
        String active = """
                [{"id": "driver", "activeTasks": 0, "peakMemoryMetrics": {"TotalGCTime": 900}},
                 {"id": "1", "activeTasks": 1, "peakMemoryMetrics": {"JVMHeapMemory": 123456789, "MinorGCCount": 7,
                   "MinorGCTime": 410, "MajorGCCount": 1, "MajorGCTime": 90, "TotalGCCount": 8, "TotalGCTime": 500}},
                 {"id": "2", "activeTasks": 0, "peakMemoryMetrics": {"MinorGCTime": 30, "MajorGCTime": 0}},
                 {"id": "3", "activeTasks": 0}]
                """;
        Map<String, Double> values = labelled(SparkMetrics.executors(JSON.readTree(active), JSON.readTree("[]"), "totals", "4"));
        // run 4's executors 1 and 2 are the tasks of instances 100004001 and 100004002 (the driver's JVM is read
        // from its registry; an executor before its first heartbeat has no figure yet; a peak heap is not the heap in use)
        assertThat(values).containsEntry("mesos_operator_jvm_gc_seconds{kind=SparkJob, resource=totals, instance=100004001}", 0.5)
                .containsEntry("mesos_operator_jvm_gc_seconds{kind=SparkJob, resource=totals, instance=100004002}", 0.03);
        assertThat(values.keySet()).filteredOn(k -> k.startsWith("mesos_operator_jvm_")).hasSize(2);
    }

    @Test
    void aDriverWithoutJvmSourceOrQueriesHasNoSuchSeries() throws Exception {
        assertThat(SparkMetrics.registry(JSON.readTree("""
                {"gauges": {"app-1.driver.BlockManager.memory.memUsed_MB": {"value": 0}}, "counters": {}}
                """), "totals", "4")).isEmpty();
    }

    @Test
    void theRegistryIsReadInTheSameRoundAsTheRestApi() throws Exception {
        HttpServer server = server(false, true);
        try {
            assertThat(collect(server)).containsOnlyKeys("mesos_operator_spark_active_tasks",
                    "mesos_operator_spark_failed_tasks", "mesos_operator_spark_executors",
                    "mesos_operator_jvm_heap_used_bytes", "mesos_operator_jvm_gc_seconds",
                    "mesos_operator_spark_streaming_query_input_records_per_second",
                    "mesos_operator_spark_streaming_query_processed_records_per_second",
                    "mesos_operator_spark_streaming_query_batch_duration_seconds");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aDriverThatDoesNotAnswerFailsItsTargetInsteadOfReportingZeros() throws Exception {
        HttpServer server = server(false, false);
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
        assertThat(samples).allSatisfy(s -> assertThat(s.labelValues()).containsSubsequence("totals", "4"));
        return samples.stream().collect(Collectors.toMap(Sample::series, Sample::value, (a, b) -> a));
    }

    /** Each sample as SERIES{label=value, ...} -> value. */
    private static Map<String, Double> labelled(List<Sample> samples) {
        Map<String, Double> values = new java.util.HashMap<>();
        for (Sample s : samples) {
            List<String> names = new SparkMetrics().series().stream().filter(x -> x.name().equals(s.series())).findFirst()
                    .orElseThrow().labels();
            StringBuilder labels = new StringBuilder();
            for (int i = 0; i < names.size(); i++) {
                labels.append(i == 0 ? "{" : ", ").append(names.get(i)).append('=').append(s.labelValues().get(i));
            }
            assertThat(values.put(s.series() + labels + "}", s.value())).as("one sample of %s", s).isNull();
        }
        return values;
    }

    private static HttpServer server(boolean streaming, boolean registry) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        Map<String, String> bodies = new java.util.HashMap<>(Map.of("/api/v1/applications", APPS,
                "/api/v1/applications/app-1/executors", EXECUTORS, "/api/v1/applications/app-1/allexecutors", ALL_EXECUTORS));
        if (streaming) {
            bodies.put("/api/v1/applications/app-1/streaming/statistics", STREAMING);
        }
        if (registry) {
            bodies.put("/metrics/json/", REGISTRY);
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
