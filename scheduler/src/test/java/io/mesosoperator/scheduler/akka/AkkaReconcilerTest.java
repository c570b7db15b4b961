package io.mesosoperator.scheduler.akka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.kafka.KafkaReconciler;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.ReconcileResult;
import io.mesosoperator.scheduler.kind.Reconciler;
import io.mesosoperator.scheduler.kind.RecoveryPolicy;
import io.mesosoperator.scheduler.spec.FieldError;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.spec.SpecParser;
import io.mesosoperator.scheduler.spec.SpecValidator;
import io.mesosoperator.scheduler.store.Condition;
import io.mesosoperator.scheduler.store.PlanState;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.StatusReads;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The AkkaService kind without a cluster: seed-node lists, the bootstrap rule, the pods, what is refused. */
class AkkaReconcilerTest {
    static final SpecValidator VALIDATOR = new SpecValidator(List.of(AkkaReconciler.KIND));
    static final String SELF = AkkaReconciler.SELF;
    /** Every service's secret, its replicas' JMX password. */
    static final java.util.function.Function<ResourceKey, String> SECRETS = key -> "s3cret-" + key.name();
    final AkkaProbe probe = new AkkaProbe();

    @AfterEach
    void closeProbe() {
        probe.close();
    }

    static Resource sample(String... replacements) throws Exception {
        String yaml = Files.readString(Path.of("..", "sample-specs", "akka-service.yaml"));
        for (int i = 0; i < replacements.length; i += 2) {
            yaml = yaml.replace(replacements[i], replacements[i + 1]);
        }
        ObjectNode doc = VALIDATOR.validate(SpecParser.parse(yaml));
        ((ObjectNode) doc.path("metadata")).put("generation", 1).put("uid", "5d5c3a1e-2b7f-4c57-9a55-0f3a7c1d2e4b");
        return new Resource(doc);
    }

    static TaskRecord task(int instance, String state, int remoting, int management) {
        TaskRecord t = TaskRecord.staging("members-" + instance + ".t" + remoting, new io.mesosoperator.scheduler.spec
                        .ResourceKey("AkkaService", "members"), instance, "h", "agent", "http://agent", "127.0.0.1",
                Map.of("remoting", (long) remoting, "management", (long) management), null, Instant.now().toString());
        return state.equals("TASK_STAGING") ? t : t.withUpdate(state, true, null, null, "/sandbox", null, Instant.now().toString());
    }

    @Test
    void aBrandNewClusterIsBootstrappedByReplicaZeroAloneListingItselfFirst() {
        assertThat(AkkaReconciler.seedNodes(0, Map.of(), Set.of())).containsExactly(SELF);
        // nobody else may form a cluster of its own: without a running replica to join, they wait
        assertThat(AkkaReconciler.seedNodes(1, Map.of(), Set.of())).isNull();
        assertThat(AkkaReconciler.seedNodes(2, Map.of(), Set.of(0))).isNull();
    }

    @Test
    void aJoiningOrRestartedReplicaListsTheRunningOnesFirstAndItselfLast() {
        Map<Integer, String> running = new TreeMap<>(Map.of(2, "h:3002", 0, "h:3000"));
        assertThat(AkkaReconciler.seedNodes(1, running, Set.of(0, 2))).containsExactly("h:3000", "h:3002", SELF);
        // replica 0 restarted after a kill -9 while the cluster lives on: never first in its own list
        Map<Integer, String> others = new TreeMap<>(Map.of(2, "h:3002", 1, "h:3001"));
        assertThat(AkkaReconciler.seedNodes(0, others, Set.of(1, 2))).containsExactly("h:3001", "h:3002", SELF);
        assertThat(AkkaReconciler.seedNodes(0, Map.of(1, "h:3001"), Set.of(1))).containsExactly("h:3001", SELF);
        // replica 0 while another replica is still starting (its task not running yet): wait, do not form a second cluster
        assertThat(AkkaReconciler.seedNodes(0, Map.of(), Set.of(1))).isNull();
    }

    @Test
    void replicasThatAllRunButNeverGetUpAreRestartedSoThatReplicaZeroFormsTheClusterAnew() throws Exception {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        // replica 0 relaunched with replica 1 as its seed, then replica 1 died as well: 0 runs, waits forever to join
        TaskRecord zero = task(0, "TASK_STAGING", 31000, 31001).withUpdate("TASK_RUNNING", false, null, null, "/s", null,
                t0.toString());
        assertThat(AkkaReconciler.strandedAt(List.of(zero))).isEqualTo(t0.plus(AkkaReconciler.STRANDED_AFTER));
        assertThat(AkkaReconciler.strandedAt(List.of(zero, task(1, "TASK_RUNNING", 32000, 32001)))).isNull(); // 1 is Up
        assertThat(AkkaReconciler.strandedAt(List.of(zero, task(1, "TASK_STAGING", 32000, 32001)))).isNull();
        assertThat(AkkaReconciler.strandedAt(List.of())).isNull();

        AkkaReconciler reconciler = new AkkaReconciler(RecoveryPolicy.DEFAULT, "file:///pekko-cluster.tgz", probe, SECRETS);
        Resource members = sample("replicas: 3", "replicas: 2", "# strategy: serial", "strategy: parallel #");
        ReconcileResult early = reconciler.reconcile(members, new Reconciler.Observed(List.of(zero), null, Set.of()),
                t0.plusSeconds(10));
        assertThat(early.kills()).isEmpty();
        assertThat(early.launches()).isEmpty(); // replica 1 has nobody Up to join: it waits
        assertThat(early.status().instance(1).state()).isEqualTo("WAITING_FOR_PEERS");
        assertThat(early.requeueAfter()).isLessThanOrEqualTo(java.time.Duration.ofSeconds(3));
        ReconcileResult late = reconciler.reconcile(members, new Reconciler.Observed(List.of(zero), early.status(),
                Set.of()), t0.plus(AkkaReconciler.STRANDED_AFTER));
        assertThat(late.kills()).extracting(ReconcileResult.Kill::taskId).containsExactly(zero.taskId());
    }

    @Test
    void theSampleDeploysReplicaZeroFirstAsTheClustersFounder() throws Exception {
        AkkaReconciler reconciler = new AkkaReconciler(RecoveryPolicy.DEFAULT, "file:///pekko-cluster.tgz", probe, SECRETS);
        Resource members = sample();
        assertThat(reconciler.check(members, "*")).isEmpty();
        ReconcileResult r = reconciler.reconcile(members, new Reconciler.Observed(List.of(), null, Set.of()), Instant.now());
        assertThat(r.launches()).extracting(PodSpec::instance).containsExactly(0);
        PodSpec pod = r.launches().get(0);
        // the JVM opens JMX for the operator (its heap and GC time): a jmx port and the credential files
        assertThat(pod.portNames()).containsExactly("remoting", "management", "jmx");
        assertThat(pod.healthCheck().portName()).isEqualTo("management");
        assertThat(pod.healthCheck().path()).isEqualTo("/ready");
        assertThat(pod.maxPerAgent()).isNull();
        assertThat(pod.uris()).extracting(PodSpec.Artifact::value).containsExactly("file:///pekko-cluster.tgz");
        assertThat(pod.files()).extracting(PodSpec.ConfigFile::path, PodSpec.ConfigFile::mode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("jmxremote.password", "0400"),
                        org.assertj.core.groups.Tuple.tuple("jmxremote.access", "0400"));
        assertThat(pod.files()).extracting(f -> f.content().get(0).asText())
                .containsExactly("mesos-operator s3cret-members", "mesos-operator readonly");
        // files to render: the operator's executor runs it (and its /ready health check), and fetches the distribution
        assertThat(io.mesosoperator.scheduler.placement.TaskFactory.usesOperatorExecutor(pod)).isTrue();
        assertThat(pod.ownExecutor()).as("an executor per replica: Mesos measures each replica's CPU and memory").isTrue();
        assertThat(pod.command()).startsWith("exec \"$MESOS_OPERATOR_JAVA\" \"-Xmx256m\"")
                .contains("\"-Dcom.sun.management.jmxremote.port=${PORT_JMX}\"",
                        "\"-Dcom.sun.management.jmxremote.rmi.port=${PORT_JMX}\"",
                        "\"-Djava.rmi.server.hostname=${MESOS_OPERATOR_HOST}\"",
                        "\"-Dcom.sun.management.jmxremote.authenticate=true\"",
                        "\"-Dcom.sun.management.jmxremote.password.file=jmxremote.password\"",
                        "\"-Dcom.sun.management.jmxremote.access.file=jmxremote.access\"",
"\"-Dpekko.remote.artery.canonical.port=${PORT_REMOTING}\"",
                        "\"-Dpekko.management.http.port=${PORT_MANAGEMENT}\"",
                        "\"-Dpekko.management.http.bind-hostname=0.0.0.0\"",
                        "\"-Dpekko.cluster.seed-nodes.0=pekko://sample-cluster@${MESOS_OPERATOR_HOST}:${PORT_REMOTING}\"",
                        "\"-Dpekko.loglevel=INFO\"", "-cp \"pekko-cluster/lib/*\" \"io.mesosoperator.samples.ClusterNode\"")
                .doesNotContain("seed-nodes.1");
        assertThat(r.status().instances()).extracting(i -> i.state())
                .containsExactly("WAITING_FOR_OFFER", "WAITING_FOR_PLAN", "WAITING_FOR_PLAN");
        assertThat(r.status().workload().path("formed").asBoolean()).isFalse();
        assertThat(r.status().workload().path("actorSystem").asText()).isEqualTo("sample-cluster");
    }

    @Test
    void inParallelOnlyReplicaZeroStartsUntilItRunsThenTheOthersJoinIt() throws Exception {
        AkkaReconciler reconciler = new AkkaReconciler(RecoveryPolicy.DEFAULT, "file:///pekko-cluster.tgz", probe, SECRETS);
        Resource members = sample("# strategy: serial", "strategy: parallel #");
        ReconcileResult first = reconciler.reconcile(members, new Reconciler.Observed(List.of(), null, Set.of()), Instant.now());
        assertThat(first.launches()).extracting(PodSpec::instance).containsExactly(0);
        assertThat(first.status().instances()).extracting(i -> i.state())
                .containsExactly("WAITING_FOR_OFFER", "WAITING_FOR_PEERS", "WAITING_FOR_PEERS");
        assertThat(first.requeueAfter()).isNotNull();

        List<TaskRecord> tasks = new ArrayList<>(List.of(task(0, "TASK_RUNNING", 31000, 31001)));
        ReconcileResult second = reconciler.reconcile(members, new Reconciler.Observed(tasks, first.status(), Set.of(0)),
                Instant.now());
        assertThat(second.launches()).extracting(PodSpec::instance).containsExactly(1, 2);
        assertThat(second.launches().get(1).command())
                .contains("\"-Dpekko.cluster.seed-nodes.0=pekko://sample-cluster@127.0.0.1:31000\"",
                        "\"-Dpekko.cluster.seed-nodes.1=pekko://sample-cluster@${MESOS_OPERATOR_HOST}:${PORT_REMOTING}\"");
        assertThat(second.status().workload().path("seedNodes").get(0).asText())
                .isEqualTo("pekko://sample-cluster@127.0.0.1:31000");
        assertThat(second.status().workload().path("managementEndpoints").path("0").asText())
                .isEqualTo("http://127.0.0.1:31001");
        assertThat(second.status().workload().path("formed").asBoolean()).isTrue();
    }

    @Test
    void theAkkaFlavorUsesAkkaKeysAndAddressesAndALauncherScriptGetsTheOptionsAsArguments() throws Exception {
        Resource akka = sample("flavor: pekko", "flavor: akka", "pekko.loglevel: INFO", "akka.loglevel: \"it's $HOME\"",
                "  # artifact:", "  artifact: file:///app.tgz\n  command: app/bin/app\n  #");
        AkkaReconciler reconciler = new AkkaReconciler(RecoveryPolicy.DEFAULT, null, probe, SECRETS);
        assertThat(reconciler.check(akka, "*")).isEmpty();
        String command = reconciler.reconcile(akka, new Reconciler.Observed(List.of(), null, Set.of()), Instant.now())
                .launches().get(0).command();
        assertThat(command).contains("JAVA_HOME=", "exec \"app/bin/app\" \"-Xmx256m\"",
                "\"-Dcom.sun.management.jmxremote.port=${PORT_JMX}\"",
                "\"-Dakka.cluster.seed-nodes.0=akka://sample-cluster@${MESOS_OPERATOR_HOST}:${PORT_REMOTING}\"",
                "\"-Dakka.loglevel=it's \\$HOME\"");
    }

    @Test
    void refusesWhatCannotWorkWithAFieldError() throws Exception {
        AkkaReconciler reconciler = new AkkaReconciler(RecoveryPolicy.DEFAULT, null, probe, SECRETS);
        Resource bad = sample("heap: 256", "heap: 600", "pekko.loglevel: INFO",
                "pekko.cluster.seed-nodes.0: x\n    pekko.management.http.bind-hostname: 10.0.0.1"
                        + "\n    com.sun.management.jmxremote.authenticate: \"false\"",
                "actorSystemName: sample-cluster", "mainClass: a.B\n  command: bin/x");
        assertThat(reconciler.check(bad, "*")).extracting(FieldError::path).containsExactlyInAnyOrder("spec.heap",
                "spec.artifact", "spec.command", "spec.config.pekko.cluster.seed-nodes.0",
                "spec.config.pekko.management.http.bind-hostname", "spec.config.com.sun.management.jmxremote.authenticate");
    }

    @Test
    void aReplicaTakesReferencedValuesIntoItsConfigAndEnvironmentOnceThereAreAny() throws Exception {
        SpecValidator validator = new SpecValidator(List.of(AkkaReconciler.KIND, KafkaReconciler.KIND));
        String yaml = Files.readString(Path.of("..", "sample-specs", "akka-service.yaml")).replace("replicas: 3", "replicas: 1")
                .replace("pekko.loglevel: INFO", "pekko.loglevel: INFO\n    app.kafka: {valueFrom: {resource:"
                        + " KafkaCluster/events, field: bootstrapServers}}\n  env: {KAFKA: {valueFrom: {resource:"
                        + " KafkaCluster/events, field: bootstrapServers}}}");
        ObjectNode doc = validator.validate(SpecParser.parse(yaml));
        ((ObjectNode) doc.path("metadata")).put("generation", 1);
        Resource members = new Resource(doc);
        AkkaReconciler reconciler = new AkkaReconciler(RecoveryPolicy.DEFAULT, "file:///pekko-cluster.tgz", probe, SECRETS);
        Map<ResourceKey, ResourceStatus> statuses = new HashMap<>();
        ResourceKey events = new ResourceKey("KafkaCluster", "events");
        StatusReads reads = new StatusReads() {
            @Override
            public Resource resource(ResourceKey key) {
                return statuses.containsKey(key) ? members : null; // only that it exists matters
            }

            @Override
            public ResourceStatus status(ResourceKey key) {
                return statuses.get(key);
            }
        };
        Reconciler.Observed nothingRuns = new Reconciler.Observed(List.of(), null, Set.of(), PlanState.INITIAL, reads);

        ReconcileResult waiting = reconciler.reconcile(members, nothingRuns, Instant.now());
        assertThat(waiting.launches()).isEmpty();
        assertThat(waiting.status().instances().get(0).heldBy()).isEqualTo("waits for KafkaCluster/events, which does not"
                + " exist yet (spec.config.app.kafka takes its bootstrapServers; spec.env.KAFKA takes its bootstrapServers)");

        statuses.put(events, new ResourceStatus(1, "Running", 1, 1, List.of(Condition.of("Ready", true, "r", "m")),
                List.of(), null, new ObjectMapper().readTree("{\"bootstrapServers\": \"h1:9092,h2:9093\"}")));
        PodSpec replica = reconciler.reconcile(members, nothingRuns, Instant.now()).launches().get(0);
        assertThat(replica.env()).containsEntry("KAFKA", "h1:9092,h2:9093");
        assertThat(replica.command()).contains("\"-Dapp.kafka=h1:9092,h2:9093\"");
    }

    @Test
    void parsesTheManagementMembersAnswer() throws Exception {
        AkkaProbe.Snapshot s = AkkaProbe.parse("127.0.0.1:1", new ObjectMapper().readTree("""
                {"selfNode":"pekko://sample-cluster@127.0.0.1:2","leader":"pekko://sample-cluster@127.0.0.1:2",
                 "oldest":"pekko://sample-cluster@127.0.0.1:2","members":[
                  {"node":"pekko://sample-cluster@127.0.0.1:2","nodeUid":"1","status":"Up","roles":["dc-default"]},
                  {"node":"pekko://sample-cluster@127.0.0.1:3","nodeUid":"2","status":"WeaklyUp","roles":[]}],
                 "unreachable":[{"node":"pekko://sample-cluster@127.0.0.1:3","observedBy":[]}]}
                """), Instant.now());
        assertThat(s.members()).containsEntry("pekko://sample-cluster@127.0.0.1:2", "Up")
                .containsEntry("pekko://sample-cluster@127.0.0.1:3", "WeaklyUp");
        assertThat(s.unreachable()).containsExactly("pekko://sample-cluster@127.0.0.1:3");
        assertThat(s.leader()).isEqualTo("pekko://sample-cluster@127.0.0.1:2");
    }
}
