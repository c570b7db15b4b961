package io.mesosoperator.samples.fastdata;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The fast-data pipeline's streaming job: events from Kafka (record key = the event's key, value = its integer
 * value in decimal, as the ingest service writes them) summed per key into Cassandra's {@code fastdata.totals}.
 *
 * <p>Configuration from the environment: {@code KAFKA_BOOTSTRAP} (host:port,...), {@code CASSANDRA_CONTACT_POINTS}
 * (host:port,...), {@code CASSANDRA_DATACENTER}, {@code CHECKPOINT_DIR} (must outlive the driver: a restarted
 * driver resumes from it), and optionally {@code TOPIC} (events), {@code TRIGGER_MILLIS} (1000),
 * {@code MAX_OFFSETS_PER_TRIGGER} (20000), {@code CASSANDRA_REPLICATION} (1).
 *
 * <p>Its backlog shows as the lag of the Kafka consumer group {@code fastdata-totals} ({@link ProgressCommitter}).
 *
 * <p>Exactly once into Cassandra, see {@link TotalsWriter}: a micro-batch's writes are keyed by its batch id, and a
 * batch replayed after a restart has the same id and the same offsets, so it rewrites the same rows.
 */
public final class TotalsStream {

    private TotalsStream() {}

    /**
     * Ends the JVM on any failure: the Cassandra driver's and Kafka client's threads would otherwise keep a driver
     * whose main thread died alive, and the operator would never see it fail and restart it.
     */
    public static void main(String[] args) {
        try {
            run(System.getenv());
        } catch (Throwable t) {
            System.err.println("fastdata-totals: failed: " + t);
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(Map<String, String> env) throws Exception {
        String bootstrap = required(env, "KAFKA_BOOTSTRAP");
        String topic = env.getOrDefault("TOPIC", "events");
        CassandraTarget target = new CassandraTarget(required(env, "CASSANDRA_CONTACT_POINTS"),
                required(env, "CASSANDRA_DATACENTER"),
                Integer.parseInt(env.getOrDefault("CASSANDRA_REPLICATION", "1")));
        // One checkpoint per Kafka cluster: offsets of a cluster that no longer exists mean nothing to a new one.
        Path checkpoint = Path.of(required(env, "CHECKPOINT_DIR")).resolve(kafkaClusterId(bootstrap)).resolve(topic);
        long triggerMillis = Long.parseLong(env.getOrDefault("TRIGGER_MILLIS", "1000"));

        TotalsWriter.createSchema(target);
        SparkSession spark = SparkSession.builder().appName("fastdata-totals")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
        System.out.println("fastdata-totals: " + topic + " at " + bootstrap + " -> " + target + ", checkpoint "
                + checkpoint);

        Dataset<Row> events = spark.readStream().format("kafka")
                .option("kafka.bootstrap.servers", bootstrap)
                .option("subscribe", topic)
                .option("startingOffsets", "earliest")
                .option("maxOffsetsPerTrigger", env.getOrDefault("MAX_OFFSETS_PER_TRIGGER", "20000"))
                .load()
                .selectExpr("CAST(key AS STRING) AS key", "CAST(CAST(value AS STRING) AS BIGINT) AS value");

        VoidFunction2<Dataset<Row>, Long> writeBatch = (batch, batchId) -> {
            var perKey = batch.groupBy(col("key")).agg(count("*").as("count"), sum("value").as("sum"))
                    .collectAsList();
            TotalsWriter.apply(target, batchId, perKey.stream()
                    .map(r -> new TotalsWriter.Delta(r.getString(0), r.getLong(1), r.getLong(2))).toList());
        };
        // the backlog, for monitoring: what the query has read, as the lag of a consumer group of the same name
        spark.streams().addListener(new ProgressCommitter(bootstrap, "fastdata-totals"));
        StreamingQuery query = events.writeStream().queryName("fastdata-totals")
                .option("checkpointLocation", checkpoint.toString())
                .trigger(Trigger.ProcessingTime(triggerMillis, TimeUnit.MILLISECONDS))
                .foreachBatch(writeBatch)
                .start();
        query.awaitTermination();
    }

    private static String kafkaClusterId(String bootstrap) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            return admin.describeCluster().clusterId().get(60, TimeUnit.SECONDS);
        }
    }

    static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("environment variable " + name + " is not set");
        }
        return value;
    }
}
