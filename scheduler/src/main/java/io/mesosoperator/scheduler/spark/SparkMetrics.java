package io.mesosoperator.scheduler.spark;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mesosoperator.scheduler.kind.Jmx;
import io.mesosoperator.scheduler.kind.MetricsSource;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A running Spark driver's own metrics, from its monitoring REST API (/api/v1 on the Spark UI,
 * which the driver serves on its {@value SparkJobReconciler#UI_PORT} port): the tasks its executors
 * run now and the tasks that failed, its executors, and for a DStream streaming application
 * (/streaming/statistics) the input rate, the records processed (a counter: its rate is the
 * processing rate), the batch interval, the average time to process a batch and the batches waiting.
 * In the same round, from the driver's metrics registry as Spark's default JSON servlet serves it on
 * the same UI ({@value #REGISTRY_PATH}), what the operator turns on in every driver's conf
 * ({@link SparkJobReconciler#pod}): the JVM's heap in use and GC time (Spark's JvmSource, exported as
 * every JVM workload's {@link Jmx#JVM_SERIES}) and each Structured Streaming query's rates and batch
 * duration ({@code spark.sql.streaming.metricsEnabled}; Structured Streaming has no REST endpoint).
 * Labels: the job and its run (the driver's instance), and the query's name (its id when unnamed).
 */
public final class SparkMetrics implements MetricsSource {
    private static final String JOB = "sparkjob";
    static final Series ACTIVE_TASKS = Series.gauge("mesos_operator_spark_active_tasks",
            "Tasks the application's executors (the driver's, in local mode) run now", JOB, "instance");
    static final Series FAILED_TASKS = Series.counter("mesos_operator_spark_failed_tasks",
            "Tasks of the application that failed, on any executor it had", JOB, "instance");
    static final Series EXECUTORS = Series.gauge("mesos_operator_spark_executors",
            "Executors the application has now (the driver not counted)", JOB, "instance");
    static final Series INPUT_RATE = Series.gauge("mesos_operator_spark_streaming_input_records_per_second",
            "Records per second the streaming application received, averaged over its retained batches", JOB, "instance");
    static final Series PROCESSED = Series.counter("mesos_operator_spark_streaming_processed_records",
            "Records the streaming application processed (its rate is the processing rate)", JOB, "instance");
    static final Series BATCH_INTERVAL = Series.gauge("mesos_operator_spark_streaming_batch_interval_seconds",
            "The streaming application's batch interval", JOB, "instance");
    static final Series PROCESSING_TIME = Series.gauge("mesos_operator_spark_streaming_batch_processing_seconds",
            "Average time a batch took to process, over the retained batches", JOB, "instance");
    static final Series ACTIVE_BATCHES = Series.gauge("mesos_operator_spark_streaming_active_batches",
            "Batches waiting or being processed (the backlog)", JOB, "instance");

    static final Series QUERY_INPUT_RATE = Series.gauge("mesos_operator_spark_streaming_query_input_records_per_second",
            "Records per second that arrived for a Structured Streaming query, over its last micro-batch", JOB, "instance",
            "query");
    static final Series QUERY_PROCESSING_RATE = Series.gauge(
            "mesos_operator_spark_streaming_query_processed_records_per_second",
            "Records per second a Structured Streaming query processed in its last micro-batch", JOB, "instance", "query");
    static final Series QUERY_BATCH_DURATION = Series.gauge("mesos_operator_spark_streaming_query_batch_duration_seconds",
            "Time a Structured Streaming query's last micro-batch took (its trigger's execution)", JOB, "instance", "query");

    /** Where the driver's UI serves its metrics registry: Spark's default MetricsServlet (/metrics/json redirects here). */
    static final String REGISTRY_PATH = "/metrics/json/";
    /** Registry names are NAMESPACE.driver.SOURCE.METRIC; the namespace (the application id by default) is skipped. */
    private static final String DRIVER_JVM = ".driver.jvm.";
    private static final String DRIVER_QUERIES = ".driver.spark.streaming.";

    /** A gauge may read NaN (bare, or as a string): it is read, then left out. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Override
    public List<Series> series() {
        List<Series> series = new ArrayList<>(List.of(ACTIVE_TASKS, FAILED_TASKS, EXECUTORS, INPUT_RATE, PROCESSED,
                BATCH_INTERVAL, PROCESSING_TIME, ACTIVE_BATCHES, QUERY_INPUT_RATE, QUERY_PROCESSING_RATE, QUERY_BATCH_DURATION));
        series.addAll(Jmx.JVM_SERIES); // the same series as Kafka's and Cassandra's JVMs, kind="SparkJob"
        return series;
    }

    @Override
    public List<Target> targets(ResourceReads reads) {
        List<Target> targets = new ArrayList<>();
        reads.tasks().stream()
                .filter(t -> "TASK_RUNNING".equals(t.state()) && t.resourceKey().kind().equals(SparkJobReconciler.KIND.kind())
                        && !SparkExecutors.isExecutorTask(t) && t.address(SparkJobReconciler.UI_PORT) != null)
                .sorted(Comparator.comparing(TaskRecord::resource).thenComparingInt(TaskRecord::instance))
                .forEach(t -> {
                    String ui = "http://" + t.address(SparkJobReconciler.UI_PORT);
                    targets.add(new Target(t.resource() + " run " + t.instance() + " (Spark UI " + ui + ")",
                            () -> collect(ui, t.resourceKey().name(), Integer.toString(t.instance()))));
                });
        return targets;
    }

    private List<Sample> collect(String ui, String job, String run) throws IOException, InterruptedException {
        List<Sample> samples = new ArrayList<>();
        String api = ui + "/api/v1/applications";
        for (JsonNode app : get(api)) {
            String base = api + "/" + URLEncoder.encode(app.path("id").asText(), StandardCharsets.UTF_8);
            samples.addAll(executors(get(base + "/executors"), get(base + "/allexecutors"), job, run));
            JsonNode streaming = getIfThere(base + "/streaming/statistics");
            if (streaming != null) {
                samples.addAll(streaming(streaming, job, run));
            }
        }
        JsonNode registry = getIfThere(ui + REGISTRY_PATH); // absent when a user's metrics conf removed the servlet
        if (registry != null) {
            samples.addAll(registry(registry, job, run));
        }
        return samples;
    }

    /**
     * From the driver's metrics registry: the heap in use and the collectors' summed time (JvmSource's
     * jvm.heap.used and jvm.COLLECTOR.time, in ms), and each query's gauges (spark.streaming.QUERY.inputRate-total,
     * processingRate-total, latency in ms). A gauge that is not a finite number is left out, as is the GC time when
     * no collector reports one.
     */
    static List<Sample> registry(JsonNode registry, String job, String run) {
        List<Sample> samples = new ArrayList<>();
        String kind = SparkJobReconciler.KIND.kind();
        double gcMillis = 0;
        boolean gcSeen = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = registry.path("gauges").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> gauge = it.next();
            JsonNode node = gauge.getValue().path("value");
            if (!node.isNumber() || !Double.isFinite(node.asDouble())) {
                continue;
            }
            double value = node.asDouble();
            String name = gauge.getKey();
            int jvm = name.indexOf(DRIVER_JVM);
            int queries = name.indexOf(DRIVER_QUERIES);
            if (jvm >= 0) {
                String metric = name.substring(jvm + DRIVER_JVM.length());
                if (metric.equals("heap.used")) {
                    samples.add(Jmx.JVM_HEAP_USED.sample(value, kind, job, run));
                } else if (metric.endsWith(".time") && metric.indexOf('.') == metric.length() - ".time".length()
                        && value >= 0) { // a collector's time (-1: it does not measure it); pools.*, heap.* have none
                    gcMillis += value;
                    gcSeen = true;
                }
            } else if (queries >= 0) {
                String rest = name.substring(queries + DRIVER_QUERIES.length());
                int dot = rest.lastIndexOf('.'); // the query's name may have dots, the gauge's has none
                if (dot <= 0) {
                    continue;
                }
                String query = rest.substring(0, dot);
                switch (rest.substring(dot + 1)) {
                    case "inputRate-total" -> samples.add(QUERY_INPUT_RATE.sample(value, job, run, query));
                    case "processingRate-total" -> samples.add(QUERY_PROCESSING_RATE.sample(value, job, run, query));
                    case "latency" -> samples.add(QUERY_BATCH_DURATION.sample(value / 1000, job, run, query));
                    default -> { }
                }
            }
        }
        if (gcSeen) {
            samples.add(Jmx.JVM_GC_SECONDS.sample(gcMillis / 1000, kind, job, run));
        }
        return samples;
    }

    /**
     * From /executors (the active ones, the driver among them) and /allexecutors (the dead too). Each
     * executor's GC time is its JVM's collectors' time as its last heartbeat gave it (peakMemoryMetrics:
     * a running total, so its peak is its latest value), labelled with the executor task's instance;
     * its heap there is a peak, not the heap in use, and is not exported.
     */
    static List<Sample> executors(JsonNode active, JsonNode all, String job, String run) {
        long activeTasks = 0;
        int executors = 0;
        List<Sample> samples = new ArrayList<>();
        for (JsonNode e : active) {
            activeTasks += e.path("activeTasks").asLong();
            if (!"driver".equals(e.path("id").asText())) {
                executors++;
                gcSeconds(e.path("peakMemoryMetrics")).ifPresent(gc -> samples.add(Jmx.JVM_GC_SECONDS.sample(gc,
                        SparkJobReconciler.KIND.kind(), job, executorInstance(run, e.path("id").asText()))));
            }
        }
        long failed = 0;
        for (JsonNode e : all) {
            failed += e.path("failedTasks").asLong();
        }
        samples.addAll(List.of(ACTIVE_TASKS.sample(activeTasks, job, run), FAILED_TASKS.sample(failed, job, run),
                EXECUTORS.sample(executors, job, run)));
        return samples;
    }

    /** Spark's TotalGCTime (all collectors), else its young and old collectors' (ms); none before a first heartbeat. */
    private static OptionalDouble gcSeconds(JsonNode peaks) {
        if (peaks.path("TotalGCTime").isNumber()) {
            return OptionalDouble.of(peaks.path("TotalGCTime").asDouble() / 1000);
        }
        if (peaks.path("MinorGCTime").isNumber() && peaks.path("MajorGCTime").isNumber()) {
            return OptionalDouble.of((peaks.path("MinorGCTime").asDouble() + peaks.path("MajorGCTime").asDouble()) / 1000);
        }
        return OptionalDouble.empty();
    }

    /** The instance of the task an executor of this run is (its logs' and task series' label), else Spark's id. */
    private static String executorInstance(String run, String executorId) {
        try {
            return Integer.toString(SparkExecutors.instance(Integer.parseInt(run), Integer.parseInt(executorId)));
        } catch (NumberFormatException e) {
            return run + "-executor-" + executorId;
        }
    }

    /** From /streaming/statistics; an average Spark has no batches for yet (absent) is left out. */
    static List<Sample> streaming(JsonNode stats, String job, String run) {
        List<Sample> samples = new ArrayList<>();
        samples.add(BATCH_INTERVAL.sample(stats.path("batchDuration").asDouble() / 1000, job, run));
        samples.add(PROCESSED.sample(stats.path("numProcessedRecords").asDouble(), job, run));
        samples.add(ACTIVE_BATCHES.sample(stats.path("numActiveBatches").asDouble(), job, run));
        if (stats.path("avgInputRate").isNumber()) {
            samples.add(INPUT_RATE.sample(stats.path("avgInputRate").asDouble(), job, run));
        }
        if (stats.path("avgProcessingTime").isNumber()) {
            samples.add(PROCESSING_TIME.sample(stats.path("avgProcessingTime").asDouble() / 1000, job, run));
        }
        return samples;
    }

    private JsonNode get(String url) throws IOException, InterruptedException {
        JsonNode body = getIfThere(url);
        if (body == null) {
            throw new IOException(url + " answered 404");
        }
        return body;
    }

    /** The JSON at {@code url}, or null when the driver answers 404 (no streaming context, for one). */
    private JsonNode getIfThere(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }
}
