package io.mesosoperator.scheduler.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;

/**
 * A running Spark driver's own metrics, from its monitoring REST API (/api/v1 on the Spark UI,
 * which the driver serves on its {@value SparkJobReconciler#UI_PORT} port): the tasks its executors
 * run now and the tasks that failed, its executors, and for a DStream streaming application
 * (/streaming/statistics) the input rate, the records processed (a counter: its rate is the
 * processing rate), the batch interval, the average time to process a batch and the batches waiting.
 * Structured Streaming publishes no REST endpoint of its own and is not covered. Labels: the job
 * and its run (the driver's instance).
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

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Override
    public List<Series> series() {
        return List.of(ACTIVE_TASKS, FAILED_TASKS, EXECUTORS, INPUT_RATE, PROCESSED, BATCH_INTERVAL, PROCESSING_TIME,
                ACTIVE_BATCHES);
    }

    @Override
    public List<Target> targets(ResourceReads reads) {
        List<Target> targets = new ArrayList<>();
        reads.tasks().stream()
                .filter(t -> "TASK_RUNNING".equals(t.state()) && t.resourceKey().kind().equals(SparkJobReconciler.KIND.kind())
                        && !SparkExecutors.isExecutorTask(t) && t.address(SparkJobReconciler.UI_PORT) != null)
                .sorted(Comparator.comparing(TaskRecord::resource).thenComparingInt(TaskRecord::instance))
                .forEach(t -> {
                    String api = "http://" + t.address(SparkJobReconciler.UI_PORT) + "/api/v1/applications";
                    targets.add(new Target(t.resource() + " run " + t.instance() + " (Spark UI " + api + ")",
                            () -> collect(api, t.resourceKey().name(), Integer.toString(t.instance()))));
                });
        return targets;
    }

    private List<Sample> collect(String api, String job, String run) throws IOException, InterruptedException {
        List<Sample> samples = new ArrayList<>();
        for (JsonNode app : get(api)) {
            String base = api + "/" + URLEncoder.encode(app.path("id").asText(), StandardCharsets.UTF_8);
            samples.addAll(executors(get(base + "/executors"), get(base + "/allexecutors"), job, run));
            JsonNode streaming = getIfThere(base + "/streaming/statistics");
            if (streaming != null) {
                samples.addAll(streaming(streaming, job, run));
            }
        }
        return samples;
    }

    /** From /executors (the active ones, the driver among them) and /allexecutors (the dead too). */
    static List<Sample> executors(JsonNode active, JsonNode all, String job, String run) {
        long activeTasks = 0;
        int executors = 0;
        for (JsonNode e : active) {
            activeTasks += e.path("activeTasks").asLong();
            if (!"driver".equals(e.path("id").asText())) {
                executors++;
            }
        }
        long failed = 0;
        for (JsonNode e : all) {
            failed += e.path("failedTasks").asLong();
        }
        return List.of(ACTIVE_TASKS.sample(activeTasks, job, run), FAILED_TASKS.sample(failed, job, run),
                EXECUTORS.sample(executors, job, run));
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
