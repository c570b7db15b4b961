package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * sample-specs/kafka-cluster-dedicated.yaml as written: a real Kafka cluster (KRaft, from the dists/
 * tarball) with a dedicated controller quorum, 3 controller-only and 3 broker-only processes.
 * Records written with acks=all survive a kill -9 of the active controller (another is elected; the
 * killed one comes back as the same node, on its volume, and is a voter again) and of a broker, and
 * the quorum grows by a controller and shrinks again while the brokers keep running, and a
 * controller given a new, empty volume rejoins the quorum.
 */
class KafkaDedicatedControllersE2ETest extends EmbeddedOperatorTest {
    static final Path SAMPLE = Path.of("..", "sample-specs", "kafka-cluster-dedicated.yaml");
    static final String RESOURCE = "KafkaCluster/ledger";
    static final int RECORDS = 4_000;
    static final Duration START = Duration.ofMinutes(3);

    @Override
    EmbeddedOperator.Options options() {
        // three agents take the sample (a controller and a broker on each); a fourth takes a fourth controller
        return EmbeddedOperator.Options.defaults().agents(4).config("mesos.role", "mesos-operator");
    }

    private JsonNode status() {
        return env.get("/v1/resources/" + RESOURCE).body().path("status");
    }

    private JsonNode workload() {
        return status().path("workload");
    }

    private JsonNode task(int instance) {
        return env.tasks(RESOURCE).stream().filter(t -> t.path("instance").asInt() == instance
                && t.path("state").asText().equals("TASK_RUNNING")).findFirst().orElse(null);
    }

    private static Set<Integer> ints(JsonNode array) {
        Set<Integer> out = new TreeSet<>();
        array.forEach(n -> out.add(n.asInt()));
        return out;
    }

    private static String property(JsonNode task, String file, String key) throws Exception {
        return Files.readAllLines(Path.of(task.path("sandbox").asText()).resolve(file)).stream()
                .filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1)).findFirst().orElse(null);
    }

    /** Kills the instance's process with SIGKILL; returns its task as it was. */
    private JsonNode kill9(int instance) {
        JsonNode victim = task(instance);
        EmbeddedOperator.taskProcess(victim.path("sandbox").asText()).orElseThrow().destroyForcibly();
        return victim;
    }

    /** The instance runs again as a new task, on the same agent (its volume), and every instance is ready. */
    private void awaitBackInPlace(JsonNode victim, int instances) {
        int id = victim.path("instance").asInt();
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode back = task(id);
            assertThat(back).isNotNull();
            assertThat(back.path("taskId").asText()).isNotEqualTo(victim.path("taskId").asText());
            assertThat(status().path("readyReplicas").asInt()).isEqualTo(instances);
        });
        assertThat(task(id).path("agentId").asText()).isEqualTo(victim.path("agentId").asText());
    }

    @Test
    void aDedicatedQuorumSurvivesItsLeadersKillGrowsShrinksAndTheBrokersKeepEveryRecord() throws Exception {
        assertThat(env.cli("apply", "-f", SAMPLE.toString()).out()).contains("kafkacluster/ledger created");
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(status().path("phase").asText()).isEqualTo("Running");
            assertThat(ints(workload().path("voters"))).containsExactly(1000, 1001, 1002);
            assertThat(ints(workload().path("brokersInMetadata"))).containsExactly(0, 1, 2);
        });
        assertThat(env.cli("plan", "kafkacluster", "ledger").out())
                .contains("Phase instances (serial, COMPLETE)", "ledger-controller-1000", "ledger-broker-2");

        // controller-only and broker-only processes, each formatted with its own node id on its own volume;
        // placement counts them apart: no agent runs two controllers or two brokers
        List<JsonNode> tasks = env.tasks(RESOURCE).stream().filter(t -> t.path("state").asText().equals("TASK_RUNNING")).toList();
        assertThat(tasks).hasSize(6);
        for (JsonNode t : tasks) {
            int id = t.path("instance").asInt();
            assertThat(property(t, "server.properties", "process.roles")).isEqualTo(id >= 1000 ? "controller" : "broker");
            assertThat(property(t, "data/kafka-logs/meta.properties", "node.id")).isEqualTo(Integer.toString(id));
            // each sized as the spec says: the controllers by controllerResources, the brokers by the spec
            assertThat(EmbeddedOperator.taskProcess(t.path("sandbox").asText()).orElseThrow().info().commandLine().orElseThrow())
                    .contains(id >= 1000 ? "-Xmx128m" : "-Xmx192m");
        }
        Map<String, List<Integer>> perAgent = tasks.stream().collect(Collectors.groupingBy(t -> t.path("agentId").asText(),
                Collectors.mapping(t -> t.path("instance").asInt(), Collectors.toList())));
        perAgent.values().forEach(ids -> {
            assertThat(ids.stream().filter(i -> i >= 1000)).hasSizeLessThanOrEqualTo(1);
            assertThat(ids.stream().filter(i -> i < 1000)).hasSizeLessThanOrEqualTo(1);
        });
        // clients get the brokers; the controllers are listed apart
        String bootstrap = workload().path("bootstrapServers").asText();
        assertThat(bootstrap.split(",")).containsExactlyInAnyOrder(
                tasks.stream().filter(t -> t.path("instance").asInt() < 1000)
                        .map(t -> t.path("host").asText() + ":" + t.path("ports").path("broker").asLong()).toArray(String[]::new));
        assertThat(workload().path("controllerBootstrapServers").asText().split(",")).hasSize(3);

        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("payments", 3, (short) 3))).all().get();
        }
        KafkaClients.produce(bootstrap, "payments", "payment", 0, RECORDS / 2);

        // kill -9 the active controller: another is elected, writes go on, and it comes back as the same node
        int leader = workload().path("controllerLeader").asInt();
        assertThat(leader).isBetween(1000, 1002);
        JsonNode killed = kill9(leader);
        await().atMost(START).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(workload().has("controllerLeader")).isTrue();
            assertThat(workload().path("controllerLeader").asInt()).isNotEqualTo(leader);
        });
        KafkaClients.produce(bootstrap, "payments", "payment", RECORDS / 2, RECORDS / 2);
        awaitBackInPlace(killed, 6);
        assertThat(ints(workload().path("voters"))).containsExactly(1000, 1001, 1002);
        assertThat(property(task(leader), "data/kafka-logs/meta.properties", "node.id")).isEqualTo(Integer.toString(leader));

        // kill -9 a broker: it comes back with its id and its log directory
        JsonNode broker = kill9(1);
        awaitBackInPlace(broker, 6);
        assertThat(Path.of(task(1).path("sandbox").asText(), "data", "kafka-logs")).isDirectoryContaining(
                p -> p.getFileName().toString().startsWith("payments-"));

        // the quorum grows: controller 1003 joins (on the fourth agent) and is made a voter; no broker restarts
        Set<String> brokerTasks = new TreeSet<>();
        for (int b = 0; b < 3; b++) {
            brokerTasks.add(task(b).path("taskId").asText());
        }
        Path four = work.resolve("kafka-dedicated-four.yaml");
        Files.writeString(four, Files.readString(SAMPLE).replace("controllers: 3 ", "controllers: 4 "));
        assertThat(env.cli("apply", "-f", four.toString()).out()).contains("kafkacluster/ledger scaled");
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(ints(workload().path("voters"))).containsExactly(1000, 1001, 1002, 1003);
            assertThat(status().path("readyReplicas").asInt()).isEqualTo(7);
        });
        for (int b = 0; b < 3; b++) {
            assertThat(brokerTasks).contains(task(b).path("taskId").asText());
        }
        // and shrinks: controller 1003 leaves the voter set, then its task stops; the others stay as they are
        Set<String> controllerTasks = new TreeSet<>();
        for (int c = 1000; c < 1003; c++) {
            controllerTasks.add(task(c).path("taskId").asText());
        }
        assertThat(env.cli("apply", "-f", SAMPLE.toString()).out()).contains("kafkacluster/ledger scaled");
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(ints(workload().path("voters"))).containsExactly(1000, 1001, 1002);
            assertThat(task(1003)).isNull();
            assertThat(status().path("replicas").asInt()).isEqualTo(6);
            assertThat(status().path("readyReplicas").asInt()).isEqualTo(6);
        });
        for (int c = 1000; c < 1003; c++) {
            assertThat(controllerTasks).contains(task(c).path("taskId").asText());
        }
        for (int b = 0; b < 3; b++) {
            assertThat(brokerTasks).contains(task(b).path("taskId").asText());
        }

        // a controller replaced with a new, empty volume: its stale voter entry goes, and it joins as a voter anew
        JsonNode old = task(1002);
        String oldDirectory = property(old, "data/kafka-logs/meta.properties", "directory.id");
        assertThat(env.cli("replace", "kafkacluster", "ledger", "1002").out()).contains("replaced");
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode replaced = task(1002);
            assertThat(replaced).isNotNull();
            assertThat(replaced.path("taskId").asText()).isNotEqualTo(old.path("taskId").asText());
            assertThat(ints(workload().path("voters"))).containsExactly(1000, 1001, 1002);
            assertThat(status().path("readyReplicas").asInt()).isEqualTo(6);
        });
        String newDirectory = property(task(1002), "data/kafka-logs/meta.properties", "directory.id");
        assertThat(newDirectory).isNotEqualTo(oldDirectory);
        try (Admin quorum = Admin.create(Map.<String, Object>of("bootstrap.controllers",
                workload().path("controllerBootstrapServers").asText()))) {
            assertThat(quorum.describeMetadataQuorum().quorumInfo().get().voters())
                    .filteredOn(v -> v.replicaId() == 1002).extracting(v -> v.replicaDirectoryId().toString())
                    .containsExactly(newDirectory);
        }

        // the mode is fixed once the cluster exists, and a quorum needs a controller: refused, naming the field
        Path combined = work.resolve("kafka-dedicated-off.yaml");
        Files.writeString(combined, Files.readString(SAMPLE).replace("dedicatedControllers: true", "dedicatedControllers: false"));
        EmbeddedOperator.Run refused = env.cli("apply", "-f", combined.toString());
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("spec.dedicatedControllers: cannot change once the resource exists (it is true)");
        Path none = work.resolve("kafka-dedicated-none.yaml");
        Files.writeString(none, Files.readString(SAMPLE).replace("controllers: 3 ", "controllers: 0 "));
        assertThat(env.cli("apply", "-f", none.toString()).err()).contains("spec.controllers: must be >= 1");
        assertThat(status().path("observedGeneration").asInt()).isEqualTo(3);

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            expected.add("payment-" + i);
        }
        assertThat(KafkaClients.consumeAll(workload().path("bootstrapServers").asText(), "payments", 3, RECORDS))
                .containsExactlyInAnyOrderElementsOf(expected);
    }
}
