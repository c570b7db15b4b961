package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * A real 3-broker Kafka cluster (KRaft, from the dists/ tarball) run by the operator: data written
 * with acks=all survives a broker's kill -9 (it comes back with its id and its log directory), a
 * config change rolls one broker at a time (and a non-ASCII value in it reaches the brokers as
 * written), and a scale-up adds a broker.
 */
class KafkaClusterE2ETest extends EmbeddedOperatorTest {
    static final Path SAMPLE = Path.of("..", "sample-specs", "kafka-cluster.yaml");
    static final String RESOURCE = "KafkaCluster/events";
    static final int RECORDS = 10_000;
    static final Duration START = Duration.ofMinutes(3);
    /** Non-ASCII: Kafka reads server.properties as ISO-8859-1, so it must be escaped there, not UTF-8. */
    static final String RACK = "rack-Zürich-東京";

    @Override
    EmbeddedOperator.Options options() {
        // one broker per agent: four agents, so the cluster can grow to four
        return EmbeddedOperator.Options.defaults().agents(4).config("mesos.role", "mesos-operator");
    }

    private JsonNode status() {
        return env.get("/v1/resources/" + RESOURCE).body().path("status");
    }

    private JsonNode broker(int id) {
        return env.tasks(RESOURCE).stream().filter(t -> t.path("instance").asInt() == id
                && t.path("state").asText().equals("TASK_RUNNING")).findFirst().orElse(null);
    }

    private Set<String> runningTaskIds() {
        return env.tasks(RESOURCE).stream().filter(t -> t.path("state").asText().equals("TASK_RUNNING"))
                .map(t -> t.path("taskId").asText()).collect(Collectors.toSet());
    }

    @Test
    void brokersKeepTheirDataThroughAKillRollOneAtATimeAndScaleUp() throws Exception {
        assertThat(env.cli("apply", "-f", SAMPLE.toString()).out()).contains("kafkacluster/events created");
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode s = status();
            // on a failure, the conditions say why (a crash loop's message carries the task's last output)
            assertThat(s.path("phase").asText()).as("phase; conditions %s", s.path("conditions")).isEqualTo("Running");
            assertThat(s.path("workload").path("voters")).hasSize(3);
            assertThat(s.path("workload").path("brokersInMetadata")).hasSize(3);
        });
        String bootstrap = status().path("workload").path("bootstrapServers").asText();
        assertThat(bootstrap.split(",")).hasSize(3);
        assertThat(env.cli("plan", "kafkacluster", "events").out()).contains("Phase instances (serial, COMPLETE)");

        Map<String, Object> client = Map.of("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic("orders", 3, (short) 3))).all().get();
        }
        produce(bootstrap);

        // kill -9 broker 1: it comes back as broker 1, on the same agent, with its log directory
        JsonNode victim = broker(1);
        ProcessHandle process = EmbeddedOperator.taskProcess(victim.path("sandbox").asText()).orElseThrow();
        process.destroyForcibly();
        await().atMost(START).untilAsserted(() -> {
            JsonNode back = broker(1);
            assertThat(back).isNotNull();
            assertThat(back.path("taskId").asText()).isNotEqualTo(victim.path("taskId").asText());
            assertThat(status().path("readyReplicas").asInt()).isEqualTo(3);
        });
        JsonNode back = broker(1);
        assertThat(back.path("agentId").asText()).isEqualTo(victim.path("agentId").asText());
        Path logDir = Path.of(back.path("sandbox").asText(), "data", "kafka-logs");
        assertThat(logDir.resolve("meta.properties")).content().contains("node.id=1");
        assertThat(logDir.resolve("orders-0")).isDirectory();
        assertThat(consumeAll(status().path("workload").path("bootstrapServers").asText())).hasSize(RECORDS);

        // a config change rolls the brokers one at a time: never fewer than 2 of 3 ready; the change
        // includes a non-ASCII value, which each broker must read from its server.properties as written
        Set<String> before = runningTaskIds();
        AtomicInteger fewestReady = new AtomicInteger(3);
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                fewestReady.accumulateAndGet(status().path("readyReplicas").asInt(3), Math::min);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        watcher.start();
        Path changed = work.resolve("kafka-changed.yaml");
        Files.writeString(changed, Files.readString(SAMPLE).replace("min.insync.replicas: 2",
                "min.insync.replicas: 2\n    log.retention.hours: 100\n    broker.rack: " + RACK));
        assertThat(env.cli("apply", "-f", changed.toString()).out()).contains("kafkacluster/events configured");
        try {
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(runningTaskIds()).hasSize(3).doesNotContainAnyElementsOf(before);
                assertThat(status().path("phase").asText()).isEqualTo("Running");
            });
        } finally {
            watcher.interrupt();
            watcher.join();
        }
        assertThat(fewestReady.get()).isEqualTo(2);
        Path properties = Path.of(broker(0).path("sandbox").asText(), "server.properties");
        assertThat(properties).content().contains("log.retention.hours=100", "node.id=0");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", status().path("workload").path("bootstrapServers").asText()))) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(admin.describeCluster().nodes().get())
                    .hasSize(3).allSatisfy(node -> assertThat(node.rack()).isEqualTo(RACK)));
        }

        // scale up: broker 3 joins
        Path four = work.resolve("kafka-four.yaml");
        Files.writeString(four, Files.readString(changed).replace("brokers: 3", "brokers: 4"));
        assertThat(env.cli("apply", "-f", four.toString()).out()).contains("kafkacluster/events scaled");
        await().atMost(START).untilAsserted(() -> {
            assertThat(status().path("readyReplicas").asInt()).isEqualTo(4);
            assertThat(status().path("workload").path("brokersInMetadata")).hasSize(4);
        });
        // and a scale-down that would strand replicas is refused, naming why
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", status().path("workload").path("bootstrapServers").asText()))) {
            admin.createTopics(List.of(new NewTopic("everywhere", 4, (short) 4))).all().get();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> status().path("workload").path("partitionReplicas").path("3").asInt() > 0);
        EmbeddedOperator.Run refused = env.cli("apply", "-f", changed.toString());
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("spec.brokers: broker 3 still holds");
        assertThat(status().path("replicas").asInt()).isEqualTo(4);

        // asking to drain: refused while a topic needs 4 replicas, then broker 3's replicas move and it stops
        Path drain = work.resolve("kafka-drain.yaml");
        Files.writeString(drain, Files.readString(changed) + "  drainOnScaleDown: true\n");
        assertThat(env.cli("apply", "-f", drain.toString()).err()).contains("a topic has 4 replicas per partition");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", status().path("workload").path("bootstrapServers").asText()))) {
            admin.deleteTopics(List.of("everywhere")).all().get();
            admin.createTopics(List.of(new NewTopic("spread", 4, (short) 2))).all().get();
            await().atMost(Duration.ofSeconds(30)).until(() -> !admin.listTopics().names().get().contains("everywhere"));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    status().path("workload").path("partitionReplicas").path("3").asInt() > 0
                            && status().path("workload").path("partitionReplicas").path("3").asInt() < 5);
            // the probe's next look (every 2 s) must have seen the 4-replica topic go
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                EmbeddedOperator.Run scaled = env.cli("apply", "-f", drain.toString());
                assertThat(scaled.out()).as(scaled.err()).contains("kafkacluster/events scaled");
            });
            await().atMost(START).untilAsserted(() -> {
                assertThat(status().path("replicas").asInt()).isEqualTo(3);
                assertThat(status().path("readyReplicas").asInt()).isEqualTo(3);
                assertThat(status().path("workload").path("partitionReplicas").has("3")).isFalse();
                assertThat(broker(3)).isNull();
            });
            admin.describeTopics(List.of("spread")).allTopicNames().get().get("spread").partitions()
                    .forEach(p -> assertThat(p.replicas()).extracting(org.apache.kafka.common.Node::id).doesNotContain(3));
        }
        assertThat(consumeAll(status().path("workload").path("bootstrapServers").asText())).hasSize(RECORDS);
    }

    private void produce(String bootstrap) throws Exception {
        KafkaClients.produce(bootstrap, "orders", "order", 0, RECORDS);
    }

    private Set<String> consumeAll(String bootstrap) {
        return KafkaClients.consumeAll(bootstrap, "orders", 3, RECORDS);
    }
}
