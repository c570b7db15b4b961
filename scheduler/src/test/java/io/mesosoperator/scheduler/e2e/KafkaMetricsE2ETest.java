package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real two-broker Kafka cluster run by the operator (broker 0 also its KRaft controller), shared
 * by the class's tests in order. First its metrics: records produced and partly consumed by a
 * consumer group show up on the admin port's /metrics/prometheus as the partition's log-end offset
 * and the group's lag (exactly what it has not consumed), with the cluster's health beside them and
 * each broker JVM's heap and GC time. Then a fault under load: while a producer (acks=all) and a
 * consumer group keep working on a replicated topic, broker 1 is killed with SIGKILL. The operator's
 * monitor (short intervals for the test: 1 s, a 10-point warm-up, 3 points sustained; the Kafka
 * families watched) flags the cluster Anomalous on a Kafka series, names the broker's restart as the
 * likely cause, and clears the condition once the broker is back in sync; every record Kafka
 * acknowledged is still readable.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaMetricsE2ETest extends EmbeddedOperatorTest {
    static final String SPEC = """
            apiVersion: mesos-operator.io/v1
            kind: KafkaCluster
            metadata: {name: metered}
            spec:
              brokers: 2
              controllers: 1
              cpus: 0.5
              mem: 640
              heap: 256
              disk: 512
              config: {num.partitions: 1, default.replication.factor: 2, min.insync.replicas: 1}
            """;
    static final String RESOURCE = "KafkaCluster/metered";
    static final String CLUSTER = "kafkacluster=\"metered\"";
    static final String UNDER_REPLICATED = "mesos_operator_kafka_under_replicated_partitions";
    static final String LAG = "mesos_operator_kafka_consumer_group_lag";
    static final int PRODUCED = 100;
    static final int CONSUMED = 40;
    private String bootstrap;

    @Override
    EmbeddedOperator.Options options() {
        // one broker per agent (maxBrokersPerAgent 1)
        return EmbeddedOperator.Options.defaults().agents(2).config("mesos.role", "mesos-operator")
                .config("monitoring.workloadIntervalSeconds", 1)
                .config("monitoring.anomalies.intervalSeconds", 1)
                .config("monitoring.anomalies.warmUpPoints", 10)
                .config("monitoring.anomalies.sustainPoints", 3)
                // a killed broker is relaunched after 20 s, not 1 s (a host slow to come back): one back within
                // Kafka's broker session timeout (9 s) may never leave the in-sync replicas, and then nothing is
                // under-replicated and nothing anomalous, rightly; the test needs the outage it is about
                .config("reconcile.backoffInitialSeconds", 20)
                // the Kafka families, with their default floors: the brokers' memory, also watched by default, climbs
                // for minutes after a start as the heap fills, more than a 10-point warm-up (10 s) learns
                .config("monitoring.anomalies.watch", List.of(Map.of("series", LAG, "absoluteFloor", 10),
                        Map.of("series", UNDER_REPLICATED, "absoluteFloor", 0.2)));
    }

    /** The cluster both tests use (deleted with the environment, after them). */
    @BeforeAll
    void startTheCluster() {
        EmbeddedOperator.Reply applied = env.post("/v1/resources", "application/yaml", SPEC);
        assertThat(applied.status()).as(applied.body().toString()).isEqualTo(201);
        await("the KafkaCluster running").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode status = env.get("/v1/resources/" + RESOURCE).body().path("status");
            assertThat(status.path("phase").asText()).isEqualTo("Running");
            assertThat(status.path("workload").path("brokersInMetadata")).hasSize(2);
        });
        bootstrap = env.get("/v1/resources/" + RESOURCE).body().path("status").path("workload").path("bootstrapServers").asText();
    }

    @Test
    @Order(1)
    void aConsumerGroupsLagIsWhatItHasNotConsumed() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("orders", 1, (short) 2))).all().get();
        }
        KafkaClients.produce(bootstrap, "orders", "order", 0, PRODUCED);
        consumeAndCommit(bootstrap, "billing", CONSUMED);

        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, Double> metrics = ServiceLifecycleE2ETest.prometheus(env.admin("/metrics/prometheus"));
            assertThat(metrics.get(LAG + "{group=\"billing\"," + CLUSTER + ",topic=\"orders\"}"))
                    .as("lag of group billing").isEqualTo(PRODUCED - CONSUMED);
            assertThat(metrics.get("mesos_operator_kafka_log_end_offset{" + CLUSTER + ",partition=\"0\",topic=\"orders\"}"))
                    .isEqualTo(PRODUCED);
            assertThat(metrics.get(UNDER_REPLICATED + "{" + CLUSTER + "}")).isZero();
            assertThat(metrics.get("mesos_operator_kafka_offline_partitions{" + CLUSTER + "}")).isZero();
            assertThat(metrics.get("mesos_operator_kafka_brokers{" + CLUSTER + "}")).isEqualTo(2.0);
            assertThat(metrics.get("mesos_operator_kafka_active_controller_id{" + CLUSTER + "}")).isEqualTo(0.0);
            for (String instance : List.of("0", "1")) {
                // each broker's JVM, over its JMX port
                String jvm = "{instance=\"" + instance + "\",kind=\"KafkaCluster\",resource=\"metered\"}";
                assertThat(metrics.get("mesos_operator_jvm_heap_used_bytes" + jvm)).as("heap of broker %s", instance).isPositive()
                        .isLessThanOrEqualTo(256.0 * 1024 * 1024);
                assertThat(metrics.get("mesos_operator_jvm_gc_seconds_total" + jvm)).as("GC time of broker %s", instance).isNotNull();
                // the broker's own meters over the same JMX connection: both brokers up all along, so no ISR ever shrank
                assertThat(metrics.get("mesos_operator_kafka_isr_shrinks_total{instance=\"" + instance + "\"," + CLUSTER + "}"))
                        .as("ISR shrinks led by broker %s", instance).isZero();
                assertThat(metrics.get("mesos_operator_kafka_isr_expands_total{instance=\"" + instance + "\"," + CLUSTER + "}"))
                        .isNotNull();
            }
        });
    }

    @Test
    @Order(2)
    void aBrokerKilledUnderLoadIsAnAnomalyWhoseLikelyCauseIsItsRestart() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("payments", 2, (short) 2))).all().get();
        }
        try (Load load = new Load(bootstrap, "payments", "ledger")) {
            // the monitor has learnt the cluster's replication and the group's lag
            await("the Kafka series learnt").atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                JsonNode series = env.get("/v1/resources/" + RESOURCE + "/diagnosis").body().path("series");
                assertThat(series).as("watched series of %s", RESOURCE).anySatisfy(s -> {
                    assertThat(s.path("selector").asText()).startsWith(UNDER_REPLICATED + "{");
                    assertThat(s.path("warmedUp").asBoolean()).isTrue();
                }).anySatisfy(s -> {
                    assertThat(s.path("selector").asText()).startsWith(LAG + "{group=\"ledger\"");
                    assertThat(s.path("warmedUp").asBoolean()).isTrue();
                });
                assertThat(load.consumed.get()).as("records consumed by group ledger").isPositive();
            });
            assertThat(anomalous().path("status").asText()).as("Anomalous before the kill").isNotEqualTo("True");

            JsonNode victim = running(1);
            String killed = victim.path("taskId").asText();
            int ackedBeforeKill = load.acked.size();
            EmbeddedOperator.crash(env.awaitTaskProcess(victim)); // kill -9
            long killedAt = System.nanoTime();

            await("the cluster anomalous").atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                JsonNode anomalous = anomalous();
                assertThat(anomalous.path("status").asText()).as("Anomalous condition: %s", anomalous).isEqualTo("True");
                assertThat(anomalous.path("reason").asText()).isEqualTo("SustainedDeviation");
                assertThat(anomalous.path("message").asText()).contains(CLUSTER).containsAnyOf(UNDER_REPLICATED, LAG);
            });
            Duration toAnomalous = Duration.ofNanos(System.nanoTime() - killedAt);
            JsonNode findings = env.get("/v1/resources/" + RESOURCE + "/diagnosis").body().path("findings");
            assertThat(findings).as("findings").isNotEmpty().allSatisfy(finding -> {
                assertThat(finding.path("series").asText()).isIn(UNDER_REPLICATED, LAG);
                assertThat(finding.path("direction").asText()).isEqualTo("ABOVE");
                JsonNode cause = finding.path("correlated").get(0);
                assertThat(cause.path("category").asText()).as("likely cause of %s", finding).isEqualTo("RESTART");
                assertThat(cause.path("resource").asText()).isEqualTo(RESOURCE);
                assertThat(cause.path("what").asText()).contains("instance 1 task " + killed, "TASK_FAILED");
            });
            assertThat(events()).anySatisfy(e -> {
                assertThat(e.path("reason").asText()).isEqualTo("AnomalyDetected");
                assertThat(e.path("message").asText()).containsAnyOf(UNDER_REPLICATED, LAG)
                        .contains("correlated: ", "restart " + RESOURCE + ": instance 1 task " + killed);
            });
            EmbeddedOperator.Run diagnose = env.cli("diagnose", "kafkacluster", "metered");
            assertThat(diagnose.code()).as(diagnose.err()).isZero();
            assertThat(diagnose.out()).contains("kafkacluster/metered: Anomalous=True (SustainedDeviation", "restart", killed,
                    "AnomalyDetected").containsAnyOf(UNDER_REPLICATED, LAG);
            System.out.println(diagnose.out());

            // broker 1 comes back (a new task), catches up, and the condition clears
            await("broker 1 back and the anomaly cleared").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        JsonNode back = running(1);
                        assertThat(back).as("broker 1 running").isNotNull();
                        assertThat(back.path("taskId").asText()).isNotEqualTo(killed);
                        JsonNode anomalous = anomalous();
                        assertThat(anomalous.path("status").asText()).as("Anomalous condition: %s", anomalous).isEqualTo("False");
                        assertThat(anomalous.path("reason").asText()).isEqualTo("NoDeviation");
                    });
            Duration toCleared = Duration.ofNanos(System.nanoTime() - killedAt);
            assertThat(events()).anySatisfy(e -> {
                assertThat(e.path("reason").asText()).isEqualTo("AnomalyCleared");
                assertThat(e.path("message").asText()).containsAnyOf(UNDER_REPLICATED, LAG).contains("back within its baseline");
            });
            Map<String, Double> metrics = ServiceLifecycleE2ETest.prometheus(env.admin("/metrics/prometheus"));
            assertThat(metrics.get(UNDER_REPLICATED + "{" + CLUSTER + "}")).as("under-replicated partitions once cleared").isZero();
            assertThat(load.acked.size()).as("records acknowledged after the kill").isGreaterThan(ackedBeforeKill);
            load.stop();
            assertThat(load.failure.get()).as("the consumer's failure").isNull();
            // nothing Kafka acknowledged is lost
            Set<String> read = KafkaClients.consumeAll(bootstrap, "payments", 2, load.acked.size());
            assertThat(read).as("records read back").containsAll(load.acked);
            System.out.printf("Anomalous %d s after the kill, cleared %d s after it; %d records acknowledged (%d before the kill),"
                    + " %d sends failed, all read back%n", toAnomalous.toSeconds(), toCleared.toSeconds(), load.acked.size(),
                    ackedBeforeKill, load.failedSends.get());
        }
    }

    private JsonNode running(int instance) {
        return env.tasks(RESOURCE).stream().filter(t -> t.path("instance").asInt() == instance
                && t.path("state").asText().equals("TASK_RUNNING")).findFirst().orElse(null);
    }

    private JsonNode anomalous() {
        for (JsonNode c : env.get("/v1/resources/" + RESOURCE + "/status").body().path("conditions")) {
            if (c.path("type").asText().equals("Anomalous")) {
                return c;
            }
        }
        return EmbeddedOperator.JSON.createObjectNode();
    }

    private JsonNode events() {
        return env.get("/v1/resources/" + RESOURCE + "/events").body().path("items");
    }

    /**
     * A steady load on a topic: a producer sending a record every 20 ms with acks=all (the values
     * Kafka acknowledged kept), and a consumer group reading it and committing after every poll.
     */
    private static final class Load implements AutoCloseable {
        final Set<String> acked = ConcurrentHashMap.newKeySet();
        final AtomicInteger failedSends = new AtomicInteger();
        final AtomicInteger consumed = new AtomicInteger();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread producer;
        private final Thread consumer;

        Load(String bootstrap, String topic, String group) {
            producer = new Thread(() -> produce(bootstrap, topic), "load-producer");
            consumer = new Thread(() -> consume(bootstrap, topic, group), "load-consumer");
            producer.start();
            consumer.start();
        }

        private void produce(String bootstrap, String topic) {
            Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "acks", "all",
                    "key.serializer", StringSerializer.class.getName(), "value.serializer", StringSerializer.class.getName());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
                for (int i = 0; running.get(); i++) {
                    String value = "payment-" + i;
                    producer.send(new ProducerRecord<>(topic, "k" + i, value), (metadata, error) -> {
                        if (error == null) {
                            acked.add(value);
                        } else {
                            failedSends.incrementAndGet();
                        }
                    });
                    Thread.sleep(20);
                }
                producer.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void consume(String bootstrap, String topic, String group) {
            Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "group.id", group,
                    "auto.offset.reset", "earliest", "enable.auto.commit", false,
                    "key.deserializer", StringDeserializer.class.getName(), "value.deserializer", StringDeserializer.class.getName());
            try (KafkaConsumer<String, String> kafka = new KafkaConsumer<>(config)) {
                kafka.subscribe(List.of(topic));
                while (running.get()) {
                    int n = kafka.poll(Duration.ofMillis(500)).count();
                    consumed.addAndGet(n);
                    if (n > 0) {
                        try {
                            kafka.commitSync();
                        } catch (org.apache.kafka.common.KafkaException e) {
                            // a broker gone or a rebalance: the next poll commits further
                        }
                    }
                }
            } catch (Exception e) {
                failure.set(e);
            }
        }

        /** Stops both and waits for them: the producer's last records are acknowledged or failed by then. */
        void stop() throws InterruptedException {
            running.set(false);
            producer.join(Duration.ofMinutes(3).toMillis());
            consumer.join(Duration.ofMinutes(1).toMillis());
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    /** Reads the first {@code count} records of orders as the group and commits just past them. */
    private static void consumeAndCommit(String bootstrap, String group, int count) {
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "group.id", group,
                "auto.offset.reset", "earliest", "enable.auto.commit", false,
                "key.deserializer", StringDeserializer.class.getName(), "value.deserializer", StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of("orders"));
            int read = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (read < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
                    read++;
                }
            }
            assertThat(read).as("records read by group %s", group).isGreaterThanOrEqualTo(count);
            consumer.commitSync(Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(count)));
        }
    }
}
