package io.mesosoperator.scheduler.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.kind.InstanceSet;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.ReconcileResult;
import io.mesosoperator.scheduler.kind.Reconciler;
import io.mesosoperator.scheduler.kind.RecoveryPolicy;
import io.mesosoperator.scheduler.spec.FieldError;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.SpecChange;
import io.mesosoperator.scheduler.spec.SpecParser;
import io.mesosoperator.scheduler.spec.SpecValidator;
import io.mesosoperator.scheduler.store.InstanceStatus;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The KafkaCluster kind without a cluster: the shipped samples (combined and dedicated controllers),
 * the instances each asks for, their server.properties, what waits for what, and what is refused.
 */
class KafkaReconcilerTest {
    static final SpecValidator VALIDATOR = new SpecValidator(List.of(KafkaReconciler.KIND));
    static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    final SeenProbe probe = new SeenProbe();

    /** The probe, answering for a cluster that is not there: what the AdminClient would have seen. */
    static final class SeenProbe extends KafkaProbe {
        volatile KafkaProbe.Snapshot seen;

        @Override
        public KafkaProbe.Snapshot snapshot(io.mesosoperator.scheduler.spec.ResourceKey key) {
            return seen;
        }
    }

    /** A quorum of these voters, each caught up at {@code caughtUp}, led by the first; brokers 0-2, nothing under-replicated. */
    static KafkaProbe.Snapshot quorum(Instant caughtUp, Integer... voters) {
        Map<Integer, Long> times = new java.util.TreeMap<>();
        for (int v : voters) {
            times.put(v, caughtUp.toEpochMilli());
        }
        return new KafkaProbe.Snapshot(NOW, Set.of(0, 1, 2), voters[0], new java.util.TreeSet<>(List.of(voters)), Set.of(),
                times, 0, Map.of(), 0, null, null);
    }
    final KafkaReconciler reconciler = new KafkaReconciler(RecoveryPolicy.DEFAULT, "file:///kafka.tgz", probe, k -> "secret");

    @AfterEach
    void closeProbe() {
        probe.close();
    }

    static Resource sample(String file, String... replacements) throws Exception {
        String yaml = Files.readString(Path.of("..", "sample-specs", file));
        for (int i = 0; i < replacements.length; i += 2) {
            assertThat(yaml).contains(replacements[i]);
            yaml = yaml.replace(replacements[i], replacements[i + 1]);
        }
        ObjectNode doc = VALIDATOR.validate(SpecParser.parse(yaml));
        ((ObjectNode) doc.path("metadata")).put("generation", 1).put("uid", "5d5c3a1e-2b7f-4c57-9a55-0f3a7c1d2e4b");
        return new Resource(doc);
    }

    static Resource dedicated(String... replacements) throws Exception {
        return sample("kafka-cluster-dedicated.yaml", replacements);
    }

    static JsonNode properties(PodSpec pod) {
        // beside it, the JMX credentials the operator reads the JVM's heap and GC time with
        assertThat(pod.files()).extracting(PodSpec.ConfigFile::path)
                .containsExactly("server.properties", "jmxremote.password", "jmxremote.access");
        return pod.files().get(0).content();
    }

    static TaskRecord running(int instance, String group, String port, long number) {
        return running(instance, group, port, number, "h");
    }

    /** A task running since 50 s before NOW with this configuration, healthy. */
    static TaskRecord running(int instance, String group, String port, long number, String configHash) {
        return TaskRecord.staging("ledger-" + group + "-" + instance + ".t", new io.mesosoperator.scheduler.spec
                        .ResourceKey("KafkaCluster", "ledger"), instance, configHash, "agent-" + instance, "http://agent", "127.0.0.1",
                Map.of(port, number), group, NOW.minusSeconds(60).toString())
                .withUpdate("TASK_RUNNING", true, null, null, "/sandbox", null, NOW.minusSeconds(50).toString());
    }

    /** A previous status saying the quorum has formed (its founder was once its leader). */
    static ResourceStatus formed() {
        ObjectNode workload = JsonNodeFactory.instance.objectNode().put("quorumFormed", true);
        return new ResourceStatus(1, "Deploying", 6, 0, List.of(), List.of(), null, workload);
    }

    @Test
    void aClusterIdNeverStartsWithADashWhichKafkaStorageWouldTakeForAnOption() {
        // the top six bits 111110 are '-' in URL-safe base64: "format -t -..." failed at every launch
        java.util.UUID dashed = new java.util.UUID(0xF8A1B2C3D4E5F607L, 0x1122334455667788L);
        assertThat(new org.apache.kafka.common.Uuid(dashed.getMostSignificantBits(), dashed.getLeastSignificantBits())
                .toString()).startsWith("-");
        assertThat(KafkaReconciler.clusterId(dashed)).startsWith("e").isEqualTo(KafkaReconciler.clusterId(dashed));
        // any other uid keeps the id it always had (clusters already formatted with it)
        java.util.UUID plain = new java.util.UUID(0x0123456789ABCDEFL, 0x1122334455667788L);
        assertThat(KafkaReconciler.clusterId(plain)).isEqualTo(
                new org.apache.kafka.common.Uuid(plain.getMostSignificantBits(), plain.getLeastSignificantBits()).toString());
        for (int i = 0; i < 2000; i++) {
            assertThat(KafkaReconciler.clusterId(java.util.UUID.randomUUID())).doesNotStartWith("-").hasSize(22);
        }
    }

    @Test
    void theDedicatedSampleStartsWithItsFoundingControllerAlone() throws Exception {
        Resource ledger = dedicated();
        assertThat(reconciler.check(ledger, "mesos-operator")).isEmpty();
        ReconcileResult r = reconciler.reconcile(ledger, new Reconciler.Observed(List.of(), null, Set.of()), NOW);
        // serial: the controllers first (the quorum stands before any broker starts), then the brokers
        assertThat(r.status().instances()).extracting(InstanceStatus::instance).containsExactly(1000, 1001, 1002, 0, 1, 2);
        assertThat(r.status().replicas()).isEqualTo(6);
        assertThat(r.launches()).extracting(PodSpec::name).containsExactly("ledger-controller-1000");
        PodSpec founder = r.launches().get(0);
        JsonNode props = properties(founder);
        assertThat(props.path("process.roles").asText()).isEqualTo("controller");
        assertThat(props.path("node.id").asInt()).isEqualTo(1000);
        assertThat(props.path("listeners").asText()).isEqualTo("CONTROLLER://${MESOS_OPERATOR_HOST}:${PORT_CONTROLLER}");
        assertThat(props.path("controller.quorum.bootstrap.servers").asText()).isEqualTo("${MESOS_OPERATOR_HOST}:${PORT_CONTROLLER}");
        assertThat(props.has("inter.broker.listener.name")).isFalse();
        assertThat(props.path("num.partitions").asInt()).isEqualTo(3); // the controllers create topics
        assertThat(founder.command()).contains("StorageTool format -t ", " --standalone");
        assertThat(founder.portNames()).containsExactly("controller", "jmx");
        assertThat(founder.healthCheck().portName()).isEqualTo("controller");
        assertThat(founder.volume().sizeMb()).isEqualTo(256); // spec.controllerResources.disk
        assertThat(founder.memMb()).isEqualTo(384);
        assertThat(founder.group()).isEqualTo("controller");
        assertThat(founder.maxPerAgent()).isEqualTo(1);
        assertThat(r.status().workload().path("quorumFormed").asBoolean()).isFalse();
    }

    @Test
    void beforeTheQuorumFormsOnlyTheFounderStartsWhateverTheStrategy() throws Exception {
        Resource ledger = dedicated("# strategy: serial", "strategy: parallel #");
        ReconcileResult r = reconciler.reconcile(ledger, new Reconciler.Observed(List.of(), null, Set.of()), NOW);
        assertThat(r.launches()).extracting(PodSpec::instance).containsExactly(1000);
        InstanceStatus broker = r.status().instance(0);
        assertThat(broker.state()).isEqualTo(InstanceSet.WAITING_FOR_PEERS);
        assertThat(broker.heldBy()).isEqualTo("waits for the KRaft quorum to form (controller 1000 founds it)");
        assertThat(r.status().instance(1001).heldBy()).isEqualTo(broker.heldBy());
    }

    @Test
    void onceTheQuorumFormedControllersJoinItAndBrokersBootstrapFromTheRunningControllers() throws Exception {
        Resource ledger = dedicated("# strategy: serial", "strategy: parallel #");
        List<TaskRecord> tasks = List.of(running(1000, "controller", "controller", 31000),
                running(1001, "controller", "controller", 31001));
        ReconcileResult r = reconciler.reconcile(ledger, new Reconciler.Observed(tasks, formed(), Set.of()), NOW);
        assertThat(r.launches()).extracting(PodSpec::name)
                .containsExactly("ledger-controller-1002", "ledger-broker-0", "ledger-broker-1", "ledger-broker-2");
        PodSpec joining = r.launches().get(0);
        assertThat(joining.command()).contains(" --no-initial-controllers").doesNotContain("--standalone");
        assertThat(properties(joining).path("controller.quorum.bootstrap.servers").asText())
                .isEqualTo("127.0.0.1:31000,127.0.0.1:31001,${MESOS_OPERATOR_HOST}:${PORT_CONTROLLER}");
        PodSpec broker = r.launches().get(1);
        JsonNode props = properties(broker);
        assertThat(props.path("process.roles").asText()).isEqualTo("broker");
        assertThat(props.path("node.id").asInt()).isEqualTo(0);
        assertThat(props.path("controller.quorum.bootstrap.servers").asText()).isEqualTo("127.0.0.1:31000,127.0.0.1:31001");
        assertThat(props.path("listeners").asText()).isEqualTo("PLAINTEXT://${MESOS_OPERATOR_HOST}:${PORT_BROKER}");
        assertThat(props.path("listener.security.protocol.map").asText()).contains("CONTROLLER:PLAINTEXT");
        assertThat(props.path("inter.broker.listener.name").asText()).isEqualTo("PLAINTEXT");
        assertThat(broker.command()).contains("StorageTool format").doesNotContain("--standalone", "--no-initial-controllers");
        assertThat(broker.portNames()).containsExactly("broker", "jmx");
        assertThat(broker.group()).isEqualTo("broker");
        // the status lists only brokers as bootstrap servers, the controllers apart
        assertThat(r.status().workload().path("bootstrapServers").asText()).isEmpty();
        assertThat(r.status().workload().path("controllerBootstrapServers").asText()).isEqualTo("127.0.0.1:31000,127.0.0.1:31001");
    }

    @Test
    void withNoControllerRunningTheControllersComeBackFirstAndTheBrokersWait() throws Exception {
        Resource ledger = dedicated("# strategy: serial", "strategy: parallel #");
        ReconcileResult r = reconciler.reconcile(ledger, new Reconciler.Observed(List.of(), formed(), Set.of()), NOW);
        assertThat(r.launches()).extracting(PodSpec::instance).containsExactly(1000, 1001, 1002);
        // a voter's log holds the voter set: a controller of a formed quorum starts without peers
        assertThat(r.launches().get(0).command()).contains("--no-initial-controllers");
        assertThat(r.status().instance(2).heldBy()).isEqualTo("waits for a running controller to bootstrap from");
    }

    @Test
    void scalingBrokersLeavesTheControllersAlone() throws Exception {
        Resource three = dedicated();
        Resource two = dedicated("brokers: 3 ", "brokers: 2 ");
        assertThat(SpecChange.classify(three.spec(), two.spec(), KafkaReconciler.KIND)).isEqualTo(SpecChange.SCALE);
        List<TaskRecord> tasks = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            tasks.add(running(1000 + k, "controller", "controller", 31000 + k));
            tasks.add(running(k, "broker", "broker", 32000 + k));
        }
        ReconcileResult r = reconciler.reconcile(two, new Reconciler.Observed(tasks, formed(), Set.of()), NOW);
        assertThat(r.kills()).extracting(ReconcileResult.Kill::taskId).containsExactly("ledger-broker-2.t");
        assertThat(r.launches()).isEmpty();
        assertThat(r.status().instances()).extracting(InstanceStatus::instance).containsExactly(1000, 1001, 1002, 0, 1);
    }

    @Test
    void dedicatedControllersHaveTheirOwnSizesFixedOnceTheyExistAndTheirHeapRollsOnlyThem() throws Exception {
        String sample = "controllerResources: {cpus: 0.25, mem: 384, heap: 128, disk: 256}";
        Resource plain = dedicated(sample, "#");
        Resource small = dedicated(sample, "controllerResources: {cpus: 0.25, mem: 384, heap: 128}");
        Resource smaller = dedicated(sample, "controllerResources: {cpus: 0.25, mem: 320, heap: 128}");
        assertThat(reconciler.check(small, "mesos-operator")).isEmpty();
        assertThat(SpecChange.classify(plain.spec(), small.spec(), KafkaReconciler.KIND)).isEqualTo(SpecChange.ROLLING_UPDATE);
        // once the cluster exists, what each instance reserved with its volume is fixed: named where it changed
        assertThat(reconciler.check(small, plain, "mesos-operator")).extracting(FieldError::path)
                .containsExactly("spec.controllerResources.cpus", "spec.controllerResources.mem");
        assertThat(reconciler.check(dedicated(sample, "#", "mem: 512 ", "mem: 768 "), plain, "mesos-operator"))
                .extracting(FieldError::path).containsExactly("spec.mem"); // the controllers inherit it: named once
        assertThat(reconciler.check(dedicated("mem: 512 ", "mem: 768 "), dedicated(), "mesos-operator"))
                .extracting(FieldError::path).containsExactly("spec.mem"); // the controllers' own mem is unchanged
        // a heap is not reserved: re-tuning the controllers' rolls only them
        Resource retuned = dedicated(sample, "controllerResources: {cpus: 0.25, mem: 384, heap: 160, disk: 256}");
        assertThat(reconciler.check(retuned, dedicated(), "mesos-operator")).isEmpty();
        assertThat(sizing(retuned).hashOf(0)).isEqualTo(sizing(dedicated()).hashOf(0));
        assertThat(sizing(retuned).hashOf(1000)).isNotEqualTo(sizing(dedicated()).hashOf(1000));

        KafkaReconciler.Sizing sizing = sizing(small);
        PodSpec controller = reconciler.pod(small.key(), 1000, sizing.specOf(1000), sizing.hashOf(1000), "id",
                Map.of(), true, "secret");
        assertThat(controller.cpus()).isEqualTo(0.25);
        assertThat(controller.memMb()).isEqualTo(384);
        assertThat(controller.command()).contains("-Xms128m -Xmx128m");
        assertThat(controller.volume().sizeMb()).isEqualTo(512); // left out: the spec's
        PodSpec broker = reconciler.pod(small.key(), 0, sizing.specOf(0), sizing.hashOf(0), "id", Map.of(1000, "c:1"), true,
                "secret");
        assertThat(broker.cpus()).isEqualTo(0.5);
        assertThat(broker.memMb()).isEqualTo(512);
        assertThat(broker.command()).contains("-Xms192m -Xmx192m")
                .contains("-Dcom.sun.management.jmxremote.port=${PORT_JMX}", "jmxremote.authenticate=true");
        // the operator reads its heap and GC time over JMX, as its own user with the cluster's secret, read-only
        assertThat(broker.portNames()).contains("jmx");
        assertThat(broker.files()).extracting(PodSpec.ConfigFile::path)
                .contains("jmxremote.password", "jmxremote.access");
        // the brokers' configuration does not see the controllers' sizes: only the controllers roll
        assertThat(sizing.hashOf(0)).isEqualTo(sizing(plain).hashOf(0)).isEqualTo(sizing(smaller).hashOf(0));
        assertThat(sizing.hashOf(1000)).isNotEqualTo(sizing(plain).hashOf(1000)).isNotEqualTo(sizing(smaller).hashOf(1000));
        // without controllerResources every instance keeps the hash it always had (no roll on upgrade)
        String before = io.mesosoperator.scheduler.kind.ConfigHash.of(plain.spec(), KafkaReconciler.KIND.untaskedFields());
        assertThat(List.of(sizing(plain).hashOf(0), sizing(plain).hashOf(1000))).containsOnly(before);
    }

    static KafkaReconciler.Sizing sizing(Resource r) {
        return KafkaReconciler.Sizing.of(r, io.mesosoperator.scheduler.spec.SpecBinding.bind(r.spec(), KafkaSpec.class));
    }

    @Test
    void controllerResourcesNeedDedicatedControllersAndAHeapBelowTheirMem() throws Exception {
        Resource combined = sample("kafka-cluster.yaml", "brokers: 3", "brokers: 3\n  controllerResources: {mem: 384}");
        assertThat(reconciler.check(combined, "mesos-operator")).extracting(FieldError::path)
                .containsExactly("spec.controllerResources");
        Resource tight = dedicated("controllerResources: {cpus: 0.25, mem: 384, heap: 128, disk: 256}",
                "controllerResources: {mem: 256, heap: 256}");
        assertThat(reconciler.check(tight, "mesos-operator")).extracting(FieldError::describe).containsExactly(
                "spec.controllerResources.heap: must be below the controllers' mem (256 MiB): the JVM needs memory"
                        + " beyond its heap");
    }

    @Test
    void aRemovedControllerLeavesTheVoterSetBeforeItsTaskStops() throws Exception {
        Resource three = dedicated();
        List<TaskRecord> tasks = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            tasks.add(running(1000 + k, "controller", "controller", 31000 + k));
        }
        // still a voter: it keeps running (as a pod) while the probe removes it from the quorum
        probe.seen = quorum(NOW, 1000, 1001, 1002, 1003);
        ReconcileResult r = reconciler.reconcile(three, new Reconciler.Observed(tasks, formed(), Set.of()), NOW);
        assertThat(r.kills()).isEmpty();
        assertThat(r.status().instances()).extracting(InstanceStatus::instance).contains(1003);
        assertThat(r.status().workload().path("leavingQuorum").toString()).isEqualTo("[1003]");
        assertThat(r.status().workload().path("controllerBootstrapServers").asText()).doesNotContain("31003");
        // out of the voter set: now it is stopped
        probe.seen = quorum(NOW, 1000, 1001, 1002);
        r = reconciler.reconcile(three, new Reconciler.Observed(tasks, formed(), Set.of()), NOW);
        assertThat(r.kills()).extracting(ReconcileResult.Kill::taskId).containsExactly("ledger-controller-1003.t");
        assertThat(r.status().instances()).extracting(InstanceStatus::instance).doesNotContain(1003);
    }

    @Test
    void controllersStayReadyWhileTheQuorumBrieflyDoesNotAnswerButNotLonger() throws Exception {
        Resource ledger = dedicated();
        String hash = sizing(ledger).hashOf(1000);
        List<TaskRecord> tasks = List.of(running(1000, "controller", "controller", 31000, hash),
                running(1001, "controller", "controller", 31001, hash), running(1002, "controller", "controller", 31002, hash));
        // the controllers did not answer this poll (a leader being elected): the probe gives their last answer
        KafkaProbe.Snapshot answered = quorum(NOW.minusSeconds(1), 1000, 1001, 1002);
        probe.seen = new KafkaProbe.Snapshot(NOW, answered.brokers(), answered.quorumLeader(), answered.voters(), Set.of(),
                answered.caughtUp(), 0, Map.of(), 0, null, "the controllers did not answer: TimeoutException: null");
        ReconcileResult r = reconciler.reconcile(ledger, new Reconciler.Observed(tasks, formed(), Set.of()), NOW);
        assertThat(r.status().instances()).filteredOn(InstanceStatus::ready).extracting(InstanceStatus::instance)
                .containsExactly(1000, 1001, 1002);
        assertThat(r.status().workload().path("lastError").asText()).startsWith("the controllers did not answer");
        // past the grace the probe has no answer to give: not ready, saying why
        probe.seen = new KafkaProbe.Snapshot(NOW, answered.brokers(), null, Set.of(), Set.of(), Map.of(), 0, Map.of(), 0, null,
                "the controllers did not answer: TimeoutException: null");
        r = reconciler.reconcile(ledger, new Reconciler.Observed(tasks, formed(), Set.of()), NOW);
        assertThat(r.status().instances()).noneMatch(InstanceStatus::ready);
        assertThat(r.status().instance(1001).waitingFor()).isEqualTo("the controllers did not answer: TimeoutException: null");
    }

    @Test
    void aControllerIsReadyOnceItCaughtUpWithTheLeaderSinceItStarted() throws Exception {
        Resource ledger = dedicated();
        String hash = sizing(ledger).hashOf(1000); // the controllers' configuration, as they run it
        List<TaskRecord> tasks = List.of(running(1000, "controller", "controller", 31000, hash),
                running(1001, "controller", "controller", 31001, hash), running(1002, "controller", "controller", 31002, hash));
        // a voter listed as one while it was down: its last catch-up is older than its task
        probe.seen = quorum(NOW.minusSeconds(120), 1000, 1001, 1002);
        ReconcileResult r = reconciler.reconcile(ledger, new Reconciler.Observed(tasks, formed(), Set.of()), NOW);
        assertThat(r.status().instance(1001).ready()).isFalse();
        assertThat(r.status().instance(1001).waitingFor())
                .isEqualTo("controller 1001 has not caught up with the quorum leader since it started");
        probe.seen = quorum(NOW.minusSeconds(1), 1000, 1001, 1002);
        r = reconciler.reconcile(ledger, new Reconciler.Observed(tasks, formed(), Set.of()), NOW);
        assertThat(r.status().instances()).filteredOn(InstanceStatus::ready).extracting(InstanceStatus::instance)
                .containsExactly(1000, 1001, 1002);
        assertThat(r.launches()).extracting(PodSpec::name).containsExactly("ledger-broker-0"); // serial: now the brokers
    }

    @Test
    void dedicatedControllersMayBeAddedAndRemovedAndTheModeIsFixed() throws Exception {
        Resource three = dedicated();
        Resource five = dedicated("controllers: 3", "controllers: 5");
        assertThat(SpecChange.classify(three.spec(), five.spec(), KafkaReconciler.KIND)).isEqualTo(SpecChange.SCALE);
        assertThat(reconciler.check(five, three, "mesos-operator")).isEmpty();
        ReconcileResult r = reconciler.reconcile(five, new Reconciler.Observed(List.of(
                running(1000, "controller", "controller", 31000)), formed(), Set.of()), NOW);
        assertThat(r.status().instances()).extracting(InstanceStatus::instance)
                .containsExactly(1000, 1001, 1002, 1003, 1004, 0, 1, 2);

        assertThat(SpecChange.classify(five.spec(), three.spec(), KafkaReconciler.KIND)).isEqualTo(SpecChange.SCALE);
        assertThat(reconciler.check(three, five, "mesos-operator")).isEmpty();
        Resource combined = sample("kafka-cluster.yaml");
        Resource combinedFour = sample("kafka-cluster.yaml", "brokers: 3", "brokers: 4\n  controllers: 4");
        assertThat(reconciler.check(combinedFour, combined, "mesos-operator")).extracting(FieldError::describe)
                .containsExactly("spec.controllers: cannot change once the cluster exists in combined mode (it is 3):"
                        + " the first brokers are the controllers");
        Resource switched = dedicated("dedicatedControllers: true", "dedicatedControllers: false");
        assertThat(SpecChange.classify(three.spec(), switched.spec(), KafkaReconciler.KIND)).isEqualTo(SpecChange.FORBIDDEN);
        assertThat(SpecChange.forbidden(three.spec(), switched.spec(), KafkaReconciler.KIND)).extracting(FieldError::describe)
                .containsExactly("spec.dedicatedControllers: cannot change once the resource exists (it is true);"
                        + " delete and re-create the resource to change it");
    }

    @Test
    void refusesWhatCannotWorkWithAFieldError() throws Exception {
        KafkaReconciler noDefault = new KafkaReconciler(RecoveryPolicy.DEFAULT, null, probe, k -> "secret");
        Resource bad = sample("kafka-cluster.yaml", "heap: 256", "heap: 640", "num.partitions: 3",
                "num.partitions: 3\n    controller.quorum.voters: x", "brokers: 3", "brokers: 3\n  maxControllersPerAgent: 2");
        assertThat(noDefault.check(bad, "*")).extracting(FieldError::path).containsExactlyInAnyOrder("spec.disk",
                "spec.maxControllersPerAgent", "spec.heap", "spec.distribution", "spec.config.controller.quorum.voters");
    }

    @Test
    void inCombinedModeTheFirstBrokersAreTheControllers() throws Exception {
        Resource events = sample("kafka-cluster.yaml", "# strategy: serial", "strategy: parallel #");
        ReconcileResult r = reconciler.reconcile(events, new Reconciler.Observed(List.of(), null, Set.of()), NOW);
        assertThat(r.launches()).extracting(PodSpec::name).containsExactly("events-broker-0");
        PodSpec founder = r.launches().get(0);
        assertThat(properties(founder).path("process.roles").asText()).isEqualTo("broker,controller");
        assertThat(founder.portNames()).containsExactly("broker", "controller", "jmx");
        assertThat(founder.command()).contains("--standalone");
        assertThat(r.status().instances()).extracting(InstanceStatus::instance).containsExactly(0, 1, 2);
        assertThat(r.status().instance(1).heldBy()).isEqualTo("waits for the KRaft quorum to form (broker 0 founds it)");

        ReconcileResult later = reconciler.reconcile(events, new Reconciler.Observed(List.of(
                running(0, "broker", "controller", 31000)), formed(), Set.of()), NOW);
        PodSpec second = later.launches().get(0);
        assertThat(second.name()).isEqualTo("events-broker-1");
        assertThat(properties(second).path("controller.quorum.bootstrap.servers").asText())
                .isEqualTo("127.0.0.1:31000,${MESOS_OPERATOR_HOST}:${PORT_CONTROLLER}");
        assertThat(second.command()).contains("--no-initial-controllers");
    }
}
