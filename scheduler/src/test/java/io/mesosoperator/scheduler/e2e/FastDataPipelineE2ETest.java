package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fast-data sample pipeline as shipped in sample-specs/fast-data/, applied as a directory through the CLI on
 * the embedded cluster with real everything: events go in through the ingest service (Pekko HTTP into Kafka), the
 * streaming SparkJob sums them per key into Cassandra, the query service reads the totals back. Meanwhile a Kafka
 * broker and the Spark driver die with kill -9; once the pipeline caught up, every key's count and sum equal what
 * was sent, exactly, through the query service and straight from Cassandra. While the events flow, the operator
 * exports the streaming query's rates and its driver's heap (from the driver's metrics registry).
 */
class FastDataPipelineE2ETest extends EmbeddedOperatorTest {
    static final Path SAMPLES = Path.of("..", "sample-specs", "fast-data");
    static final Path APPS = Path.of("..", "sample-apps").toAbsolutePath().normalize();
    static final int EVENTS = Integer.getInteger("fastdata.events", 20000);
    static final int KEYS = 50;
    static final int PER_REQUEST = 200;
    static final Duration START = Duration.ofMinutes(6);
    static final Duration CATCH_UP = Duration.ofMinutes(4);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, long[]> sent = new TreeMap<>();
    /** The highest value each series of the streaming job reached on the operator's /metrics/prometheus. */
    private final Map<String, Double> peaks = new ConcurrentHashMap<>();

    @Override
    EmbeddedOperator.Options options() {
        // as `up` runs it: a role for the clusters' persistent volumes
        return EmbeddedOperator.Options.defaults().agents(4).config("mesos.role", "mesos-operator")
                .config("monitoring.workloadIntervalSeconds", 2);
    }

    /** The sample directory as shipped, with the build tree's artifacts and a checkpoint directory of this test. */
    private Path specsDir() throws Exception {
        Path dir = Files.createDirectories(work.resolve("fast-data"));
        try (Stream<Path> files = Files.list(SAMPLES)) {
            for (Path f : files.toList()) {
                Files.writeString(dir.resolve(f.getFileName()), Files.readString(f)
                        .replace("sample-apps/", APPS + "/")
                        .replace("/tmp/mesos-operator-fastdata/checkpoints", work.resolve("checkpoints").toString()));
            }
        }
        return dir;
    }

    private JsonNode status(String resource) {
        return env.get("/v1/resources/" + resource).body().path("status");
    }

    /** http://host:port of a Service's ready instance, from its endpoints in status. */
    private String url(String service) {
        for (JsonNode i : status("Service/" + service).path("instances")) {
            if (i.path("ready").asBoolean()) {
                return "http://" + i.path("host").asText() + ":" + i.path("ports").path("http").asInt();
            }
        }
        throw new AssertionError(service + " has no ready instance: " + status("Service/" + service));
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(180))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode total(String key) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url("fastdata-query") + "/totals/" + key))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = EmbeddedOperator.JSON.readTree(r.body());
        return r.statusCode() == 200 ? body : EmbeddedOperator.JSON.createObjectNode().put("status", r.statusCode());
    }

    /** Sends events [from, to) in requests of PER_REQUEST lines; each must be acknowledged (202). */
    private void send(Random random, int from, int to) throws Exception {
        String ingest = url("fastdata-ingest") + "/events";
        for (int start = from; start < to; start += PER_REQUEST) {
            StringBuilder body = new StringBuilder();
            Map<String, long[]> request = new HashMap<>();
            for (int i = start; i < Math.min(to, start + PER_REQUEST); i++) {
                String key = "key-" + (i % KEYS);
                long value = random.nextInt(2001) - 1000;
                body.append("{\"key\": \"").append(key).append("\", \"value\": ").append(value).append("}\n");
                long[] t = request.computeIfAbsent(key, k -> new long[2]);
                t[0]++;
                t[1] += value;
            }
            HttpResponse<String> r = post(ingest, body.toString());
            assertThat(r.statusCode()).as("events %d.. answered %s", start, r.body()).isEqualTo(202);
            request.forEach((k, t) -> {
                long[] total = sent.computeIfAbsent(k, x -> new long[2]);
                total[0] += t[0];
                total[1] += t[1];
            });
        }
    }

    /** Keeps the peak of each of the streaming job's series, polling the operator's metrics every second. */
    private ScheduledExecutorService watchStreamingJob() {
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
        watcher.scheduleWithFixedDelay(() -> {
            try {
                ServiceLifecycleE2ETest.prometheus(env.admin("/metrics/prometheus")).forEach((series, value) -> {
                    if (series.contains("fastdata-totals")) {
                        peaks.merge(series, value, Math::max);
                    }
                });
            } catch (Exception | AssertionError e) {
                // the operator busy or a line malformed: the final assertions name what was never seen
            }
        }, 0, 1, TimeUnit.SECONDS);
        return watcher;
    }

    private JsonNode runningTask(String resource, int instance) {
        return env.tasks(resource).stream().filter(t -> t.path("instance").asInt() == instance
                && t.path("state").asText().equals("TASK_RUNNING")).findFirst().orElse(null);
    }

    @Test
    void everyEventIsCountedExactlyOnceThroughABrokerAndADriverKilled() throws Exception {
        Path dir = specsDir();
        EmbeddedOperator.Run apply = env.cli("apply", "-f", dir.toString());
        assertThat(apply.code()).as(apply.err()).isZero();
        // applied after what they reference: the clusters first, the services and the job after them
        assertThat(apply.out()).containsSubsequence("kafkacluster/fastdata-kafka created", "service/fastdata-ingest created");
        assertThat(apply.out()).containsSubsequence("cassandracluster/fastdata-cassandra created", "service/fastdata-query created");

        await().atMost(START).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertThat(status("Service/fastdata-ingest").path("readyReplicas").asInt()).isEqualTo(1);
            assertThat(status("Service/fastdata-query").path("readyReplicas").asInt()).isEqualTo(1);
            assertThat(status("SparkJob/fastdata-totals").path("phase").asText()).isEqualTo("Running");
        });

        // bad input is refused whole, naming the line; an unknown key is 404
        HttpResponse<String> bad = post(url("fastdata-ingest") + "/events",
                "{\"key\": \"a\", \"value\": 1}\n{\"key\": \"a\", \"value\": 1.5}\n");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("line 2: \\\"value\\\" must be an integer");

        ScheduledExecutorService watcher = watchStreamingJob();
        try {
            sendThroughFailures();
            // the query's rates are exported, labelled with the job, its run and the query's name. Events go on
            // flowing until a micro-batch's input rate shows: the first batch of a driver has none (Spark measures it
            // from the batch before), and the batches before the kill may all have been first ones on a slow machine
            String query = "{instance=\"0\",query=\"fastdata-totals\",sparkjob=\"fastdata-totals\"}";
            Random more = new Random(23);
            int[] next = {EVENTS};
            await().atMost(CATCH_UP).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                send(more, next[0], next[0] + PER_REQUEST);
                next[0] += PER_REQUEST;
                assertThat(peaks.get("mesos_operator_spark_streaming_query_input_records_per_second" + query))
                        .as("input rate of the query; seen: %s", peaks).isPositive();
            });
            checkStreamingSeries(query);
            // its backlog: the job commits what each micro-batch read as the consumer group fastdata-totals, whose
            // lag the operator exports like any group's; once the events stop, it drains to 0
            String backlog = "mesos_operator_kafka_consumer_group_lag{group=\"fastdata-totals\",kafkacluster=\"fastdata-kafka\","
                    + "topic=\"events\"}";
            await().atMost(CATCH_UP).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(ServiceLifecycleE2ETest.prometheus(env.admin("/metrics/prometheus")).get(backlog))
                            .as("the stream's backlog; seen: %s", peaks).isZero());
            System.out.println("the stream's backlog peaked at " + peaks.get(backlog) + " events");
        } finally {
            watcher.shutdownNow();
        }

        EmbeddedOperator.Run delete = env.cli("delete", "-f", dir.toString());
        assertThat(delete.code()).as(delete.err()).isZero();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(env.mesosRunningTasks()).isEmpty());
    }

    /** The peaks of the query's processing rate and batch duration, and of its driver's heap, are there. */
    private void checkStreamingSeries(String query) {
        assertThat(peaks.get("mesos_operator_spark_streaming_query_processed_records_per_second" + query))
                .as("processing rate of the query; seen: %s", peaks).isPositive();
        assertThat(peaks.get("mesos_operator_spark_streaming_query_batch_duration_seconds" + query))
                .as("batch duration of the query; seen: %s", peaks).isPositive();
        assertThat(peaks.get("mesos_operator_jvm_heap_used_bytes{instance=\"0\",kind=\"SparkJob\",resource=\"fastdata-totals\"}"))
                .as("the driver's heap; seen: %s", peaks).isPositive();
    }

    /** Sends every event while a broker and then the driver die; checks each key's count and sum, exact. */
    private void sendThroughFailures() throws Exception {
        Random random = new Random(19);
        send(random, 0, EVENTS / 3);
        // the job has applied batches (so a restart has a checkpoint to resume from)
        await().atMost(START).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(total("key-0").path("count").asLong()).isPositive());
        assertThat(total("no-such-key").path("status").asInt()).isEqualTo(404);

        // kill -9 a broker: the producer's writes go on through the other two (min.insync.replicas 2)
        JsonNode broker = runningTask("KafkaCluster/fastdata-kafka", 1);
        EmbeddedOperator.crash(EmbeddedOperator.taskProcess(broker.path("sandbox").asText()).orElseThrow());
        send(random, EVENTS / 3, 2 * EVENTS / 3);

        // kill -9 the Spark driver (the spark-submit JVM): the restart policy starts another attempt, which resumes
        // from the checkpoint and re-runs the batch the dead driver had not committed
        JsonNode driverTask = runningTask("SparkJob/fastdata-totals", 0);
        ProcessHandle driver = EmbeddedOperator.processesIn(env.sandbox(driverTask)).stream()
                .filter(p -> p.info().commandLine().map(c -> c.contains("org.apache.spark.deploy.SparkSubmit")).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no Spark driver in " + env.sandbox(driverTask)));
        EmbeddedOperator.crash(driver);
        send(random, 2 * EVENTS / 3, EVENTS);

        await().atMost(CATCH_UP).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            for (Map.Entry<String, long[]> e : sent.entrySet()) {
                JsonNode t = total(e.getKey());
                assertThat(List.of(t.path("count").asLong(), t.path("sum").asLong())).as(e.getKey() + " " + t)
                        .containsExactly(e.getValue()[0], e.getValue()[1]);
            }
        });
        assertThat(sent).hasSize(KEYS);
        assertThat(sent.values().stream().mapToLong(t -> t[0]).sum()).isEqualTo(EVENTS);

        // the same straight from Cassandra, and nothing else there
        Map<String, List<Long>> stored = new TreeMap<>();
        try (CqlSession session = new CassandraRing(env, "CassandraCluster/fastdata-cassandra", "dc1").connect()) {
            for (Row row : session.execute("SELECT key, \"count\", \"sum\" FROM fastdata.totals")) {
                stored.put(row.getString(0), List.of(row.getLong(1), row.getLong(2)));
            }
        }
        Map<String, List<Long>> expected = new TreeMap<>();
        sent.forEach((k, t) -> expected.put(k, List.of(t[0], t[1])));
        assertThat(stored).isEqualTo(expected);

        // both deaths were recoveries, not a fresh start: the driver's run has a second attempt, broker 1 is back
        JsonNode run = status("SparkJob/fastdata-totals").path("workload").path("runs").get(0);
        assertThat(run.path("attempts").asInt()).isGreaterThanOrEqualTo(2);
        await().atMost(START).untilAsserted(() -> {
            JsonNode back = runningTask("KafkaCluster/fastdata-kafka", 1);
            assertThat(back).isNotNull();
            assertThat(back.path("taskId").asText()).isNotEqualTo(broker.path("taskId").asText());
        });
    }
}
