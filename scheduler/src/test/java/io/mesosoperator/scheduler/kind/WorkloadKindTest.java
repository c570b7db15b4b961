package io.mesosoperator.scheduler.kind;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.mesos.Backoff;
import io.mesosoperator.scheduler.spec.KindDefinition;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.Condition;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The shared reconcile chain of the workload kinds, with a toy kind: what the kind adds, the mechanism does. */
class WorkloadKindTest {
    static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    static final KindDefinition KIND = new KindDefinition("Toy", "toy.schema.json", "instances", Set.of("instances"));
    static final ResourceKey KEY = new ResourceKey("Toy", "toy");
    static final Duration LOOK_AGAIN = Duration.ofSeconds(2);
    static final RecoveryPolicy POLICY = new RecoveryPolicy(new Backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(30),
            Duration.ofSeconds(60)), Duration.ofSeconds(30));

    record ToySpec(int instances, String distribution, String strategy) {}

    /** A probe that never polls anything: the toy kind reads no software. */
    static final class ToyProbe extends PollingProbe<ToyProbe.Watch, String> {
        static final class Watch extends PollingProbe.Watched<String> {}

        ToyProbe() {
            super("toy-probe", Duration.ofHours(1), LoggerFactory.getLogger(ToyProbe.class));
        }

        @Override
        protected Watch newWatch() {
            return new Watch();
        }

        @Override
        protected String poll(ResourceKey key, Watch watch) {
            return null;
        }

        @Override
        protected boolean same(String a, String b) {
            return a.equals(b);
        }

        @Override
        protected String describe(String snapshot) {
            return snapshot;
        }
    }

    /** A kind whose every step past its pods is the test's to say. */
    static final class ToyKind extends WorkloadKind<ToySpec, ToyProbe> {
        final BiFunction<Desired, Reconciliation, Desired> adds;

        ToyKind(ToyProbe probe, BiFunction<Desired, Reconciliation, Desired> adds) {
            super(KIND, ToySpec.class, POLICY, "file:///default.tgz", probe);
            this.adds = adds;
        }

        @Override
        protected Desired desire(ToySpec spec, Reconciliation r) {
            List<PodSpec> pods = new ArrayList<>();
            for (int i = 0; i < spec.instances(); i++) {
                pods.add(DistributionPod.of(r.key(), i, distribution(spec.distribution())).resources(0.5, 256)
                        .command("exec toy").configHash(r.configHash(KIND)).build());
            }
            return adds.apply(Desired.pods(pods, spec.strategy()), r);
        }
    }

    final ToyProbe probe = new ToyProbe();

    @AfterEach
    void closeProbe() {
        probe.close();
    }

    static Resource toy(int instances) {
        ObjectNode doc = new ObjectMapper().createObjectNode();
        doc.put("kind", "Toy");
        doc.putObject("metadata").put("name", "toy").put("generation", 1);
        doc.putObject("spec").put("instances", instances); // strategy: the schema's default (parallel)
        return new Resource(doc);
    }

    static TaskRecord running(String id, int instance, String hash) {
        TaskRecord t = TaskRecord.staging(id, KEY, instance, hash, "agent-1", "http://agent", "10.0.0.1",
                Map.of("main", 31000L + instance), null, NOW.minusSeconds(100).toString());
        return t.withUpdate("TASK_RUNNING", null, null, null, "/sandbox", null, NOW.minusSeconds(90).toString());
    }

    ReconcileResult reconcile(int instances, List<TaskRecord> tasks, ResourceStatus previous,
                              BiFunction<Desired, Reconciliation, Desired> adds) {
        return new ToyKind(probe, adds).reconcile(toy(instances), new Reconciler.Observed(tasks, previous, Set.of()), NOW);
    }

    String hash() {
        return reconcile(1, List.of(), null, (d, r) -> d).launches().get(0).configHash();
    }

    @Test
    void aKindThatAddsNothingGetsTheSharedOutcome() {
        ReconcileResult r = reconcile(2, List.of(), null, (d, rec) -> d);
        assertThat(r.launches()).extracting(PodSpec::instance).containsExactly(0, 1);
        PodSpec pod = r.launches().get(0);
        assertThat(pod.uris()).containsExactly(new PodSpec.Artifact("file:///default.tgz", true, false, null));
        assertThat(pod.diskMb()).isZero();
        assertThat(pod.files()).isEmpty();
        assertThat(pod.env()).isEmpty();
        assertThat(pod.group()).isNull();
        assertThat(pod.requiredAttributes()).isEmpty();
        assertThat(r.status().workload()).isNull();
        assertThat(r.requeueAfter()).isNull();
        assertThat(r.relocations()).isEmpty();
    }

    @Test
    void looksAgainUntilEveryInstanceIsReadyAndTheKindIsNotBusy() {
        String hash = hash();
        // not ready yet: look again within the kind's interval
        assertThat(reconcile(2, List.of(running("a", 0, hash)), null,
                (d, r) -> d.lookAgainUntilSettled(LOOK_AGAIN, false)).requeueAfter()).isEqualTo(LOOK_AGAIN);
        List<TaskRecord> all = List.of(running("a", 0, hash), running("b", 1, hash));
        assertThat(reconcile(2, all, null, (d, r) -> d.lookAgainUntilSettled(LOOK_AGAIN, false)).requeueAfter()).isNull();
        // settled, but the kind's own work (a drain, a decommission) is under way
        assertThat(reconcile(2, all, null, (d, r) -> d.lookAgainUntilSettled(LOOK_AGAIN, true)).requeueAfter())
                .isEqualTo(LOOK_AGAIN);
        // an instance running an older configuration is not settled either
        List<TaskRecord> outdated = List.of(running("a", 0, "old"), running("b", 1, hash));
        assertThat(reconcile(2, outdated, null, (d, r) -> d.lookAgainUntilSettled(LOOK_AGAIN, false)).requeueAfter())
                .isEqualTo(LOOK_AGAIN);
    }

    @Test
    void looksAgainJustAfterAMomentTheKindNames() {
        Instant due = NOW.plusSeconds(10);
        assertThat(reconcile(1, List.of(running("a", 0, hash())), null, (d, r) -> d.lookAgainAt(due)).requeueAfter())
                .isEqualTo(Duration.ofSeconds(10).plusMillis(100));
        // a sooner look-again wins; a moment passed adds none
        assertThat(reconcile(2, List.of(running("a", 0, hash())), null,
                (d, r) -> d.lookAgainUntilSettled(LOOK_AGAIN, false).lookAgainAt(due)).requeueAfter()).isEqualTo(LOOK_AGAIN);
        assertThat(reconcile(1, List.of(running("a", 0, hash())), null,
                (d, r) -> d.lookAgainAt(NOW.minusSeconds(1))).requeueAfter()).isNull();
    }

    @Test
    void stopsWhatTheKindAsksOnceEvenWhenTheSharedMechanismStopsItToo() {
        String hash = hash();
        // instance 1 is scaled away: the shared mechanism stops it; the kind asks to stop every task
        List<TaskRecord> tasks = List.of(running("a", 0, hash), running("b", 1, hash));
        ReconcileResult r = reconcile(1, tasks, null, (d, rec) -> d.alsoStop(tasks, "stranded"));
        assertThat(r.kills()).extracting(ReconcileResult.Kill::taskId, ReconcileResult.Kill::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("b", "scaled down to 1"),
                org.assertj.core.groups.Tuple.tuple("a", "stranded"));
    }

    @Test
    void theKindsOwnWorkShowsInProgressingAndKeepsItsTransitionTime() {
        List<TaskRecord> all = List.of(running("a", 0, hash()));
        ReconcileResult first = reconcile(1, all, null, (d, r) -> d.progressing("Decommissioning", "node 3 leaves"));
        Condition progressing = first.status().condition(Condition.PROGRESSING);
        assertThat(progressing.isTrue()).isTrue();
        assertThat(progressing.reason()).isEqualTo("Decommissioning");
        assertThat(progressing.message()).isEqualTo("node 3 leaves");
        assertThat(progressing.lastTransitionTime()).isEqualTo(NOW.toString());
        assertThat(first.status().phase()).isEqualTo("Deploying"); // all ready, but not done
        ReconcileResult later = new ToyKind(probe, (d, r) -> d.progressing("Decommissioning", "still"))
                .reconcile(toy(1), new Reconciler.Observed(all, first.status(), Set.of()), NOW.plusSeconds(5));
        assertThat(later.status().condition(Condition.PROGRESSING).lastTransitionTime()).isEqualTo(NOW.toString());
        // without it, the shared condition
        assertThat(reconcile(1, all, null, (d, r) -> d).status().condition(Condition.PROGRESSING).reason())
                .isEqualTo("Stable");
    }

    @Test
    void theWorkloadIsTheKindsAndMayReadTheSharedStatus() {
        ReconcileResult r = reconcile(2, List.of(running("a", 0, hash())), null, (d, rec) -> d.workload(status ->
                JsonNodeFactory.instance.objectNode().put("ready", status.readyReplicas())));
        assertThat(r.status().workload().path("ready").asInt()).isEqualTo(1);
        List<ReconcileResult.Relocation> moves = List.of(new ReconcileResult.Relocation(1, "lost-agent", "gone"));
        assertThat(reconcile(2, List.of(), null, (d, rec) -> d.relocations(moves)).relocations()).isEqualTo(moves);
    }

    @Test
    void aSpecStoredBeforeItsSchemaHadADefaultReadsWithIt() {
        ObjectNode doc = toy(1).toJson();
        ((ObjectNode) doc.get("spec")).remove("instances");
        ToyKind kind = new ToyKind(probe, (d, r) -> d);
        assertThat(kind.spec(new Resource(doc))).isEqualTo(new ToySpec(1, null, "parallel"));
    }

    @Test
    void readsTheTasksThatRunThePreviousWorkloadAndWhatThePolicyGaveUpOn() {
        TaskRecord a = running("a", 0, "h");
        TaskRecord stopping = running("b", 1, "h").withKillRequested();
        TaskRecord staging = TaskRecord.staging("c", KEY, 2, "h", "agent-1", "http://agent", "10.0.0.1", Map.of(), null,
                NOW.toString());
        TaskRecord newer = running("a2", 0, "h");
        TaskRecord lost = running("d", 3, "h").withUpdate("TASK_UNREACHABLE", null, null, null, null, null,
                NOW.minusSeconds(31).toString());
        ObjectNode workload = JsonNodeFactory.instance.objectNode().put("formed", true);
        ResourceStatus previous = new ResourceStatus(1, "Running", 1, 1, List.of(), List.of(), null, workload);
        Reconciliation r = new Reconciliation(toy(4), new Reconciler.Observed(List.of(a, stopping, staging, newer, lost),
                previous, Set.of()), NOW, POLICY);
        assertThat(r.running()).containsOnlyKeys(0).containsEntry(0, newer); // the later one observed
        assertThat(r.running(t -> t.taskId().equals("a"))).containsEntry(0, a);
        assertThat(Reconciliation.addresses(Map.of(0, a, 2, staging), "main")).containsExactly(Map.entry(0, "10.0.0.1:31000"));
        assertThat(r.previousWorkload()).isEqualTo(workload);
        assertThat(new Reconciliation(toy(1), new Reconciler.Observed(List.of(), null, Set.of()), NOW, POLICY)
                .previousWorkload()).isNull();
        assertThat(r.givenUp(lost)).isTrue(); // unreachable for longer than the policy waits
        assertThat(new Reconciliation(toy(4), r.observed(), NOW.minusSeconds(2), POLICY).givenUp(lost)).isFalse();
        assertThat(r.givenUp(a)).isFalse();
    }

    @Test
    void aSnapshotOlderThanATaskSaysNothingOfIt() {
        TaskRecord started = running("a", 0, "h"); // running since NOW - 90 s
        SnapshotReadiness none = readiness(null);
        assertThat(none.notReady(started)).isEqualTo("not looked at yet");
        assertThat(readiness(NOW.minusSeconds(120)).notReady(started)).isEqualTo("not looked at yet");
        assertThat(readiness(NOW).notReady(started)).isEqualTo("seen: a");
        TaskRecord notRunning = TaskRecord.staging("b", KEY, 1, "h", "agent-1", "http://agent", "10.0.0.1", Map.of(),
                null, NOW.toString());
        assertThat(readiness(NOW).notReady(notRunning)).isEqualTo("not looked at yet");
    }

    private static SnapshotReadiness readiness(Instant takenAt) {
        return new SnapshotReadiness(takenAt, "not looked at yet") {
            @Override
            protected String notReadyInSnapshot(TaskRecord task) {
                return "seen: " + task.taskId();
            }
        };
    }
}
