package io.mesosoperator.scheduler.kind;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.mesos.Backoff;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.Condition;
import io.mesosoperator.scheduler.store.InstanceStatus;
import io.mesosoperator.scheduler.store.PlanState;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shared instance machinery, decision by decision, with no Mesos and no clock. */
class InstanceSetTest {
    static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    static final ResourceKey KEY = new ResourceKey("Service", "web");
    static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(30), Duration.ofSeconds(60));
    static final RecoveryPolicy POLICY = new RecoveryPolicy(BACKOFF, Duration.ofSeconds(30));

    static Resource resource(long generation) {
        ObjectNode doc = new ObjectMapper().createObjectNode();
        doc.put("kind", "Service");
        doc.putObject("metadata").put("name", "web").put("generation", generation);
        doc.putObject("spec");
        return new Resource(doc);
    }

    static List<PodSpec> pods(int n, String hash) {
        List<PodSpec> pods = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pods.add(new PodSpec(KEY, i, 0.1, 32, 0, "sleep 100", Map.of(), List.of(), List.of(), null, Duration.ofSeconds(1), hash, null));
        }
        return pods;
    }

    static TaskRecord task(String id, int instance, String state, String hash) {
        return new TaskRecord(id, KEY.toString(), instance, hash, "agent-1", state, null, null, null, null,
                NOW.minusSeconds(100).toString(), "TASK_RUNNING".equals(state) ? NOW.minusSeconds(90).toString() : null,
                false, NOW.toString(), null, null, "127.0.0.1", Map.of(), null);
    }

    static ReconcileResult run(int n, List<TaskRecord> tasks, ResourceStatus previous, Set<Integer> inFlight) {
        return InstanceSet.reconcile(resource(1), pods(n, "h1"), Strategy.PARALLEL,
                new Reconciler.Observed(tasks, previous, inFlight), POLICY, NOW);
    }

    @Test
    void aPlanDeploysOneConfigurationWhateverItsRolesHashTo() {
        assertThat(InstanceSet.planConfig(pods(3, "h1"))).isEqualTo("h1"); // as before roles were hashed apart
        List<PodSpec> roles = new ArrayList<>(pods(2, "brokers"));
        roles.addAll(pods(1, "controllers"));
        List<PodSpec> brokersChanged = new ArrayList<>(pods(2, "brokers2"));
        brokersChanged.addAll(pods(1, "controllers"));
        // a change of either role is a new configuration (a canary holds it), in any order of pods
        assertThat(InstanceSet.planConfig(roles)).isNotEqualTo(InstanceSet.planConfig(brokersChanged))
                .isEqualTo(InstanceSet.planConfig(List.of(roles.get(2), roles.get(0), roles.get(1))));
    }

    @Test
    void launchesEveryMissingInstanceAndReportsPending() {
        ReconcileResult r = run(3, List.of(), null, Set.of());
        assertThat(r.launches()).extracting(PodSpec::instance).containsExactly(0, 1, 2);
        assertThat(r.kills()).isEmpty();
        assertThat(r.status().phase()).isEqualTo("Pending");
        assertThat(r.status().condition(Condition.READY).isTrue()).isFalse();
        assertThat(r.status().condition(Condition.PROGRESSING).reason()).isEqualTo("Launching");
    }

    @Test
    void reconcilingTwiceDoesNothingTheSecondTime() {
        List<TaskRecord> running = List.of(task("a", 0, "TASK_RUNNING", "h1"), task("b", 1, "TASK_RUNNING", "h1"));
        ReconcileResult first = run(2, running, null, Set.of());
        ReconcileResult second = run(2, running, first.status(), Set.of());
        assertThat(second.launches()).isEmpty();
        assertThat(second.kills()).isEmpty();
        assertThat(second.status()).isEqualTo(first.status());
        assertThat(second.status().phase()).isEqualTo("Running");
    }

    static PodSpec grouped(int instance, String group) {
        return new PodSpec(KEY, instance, 0.1, 32, 0, "sleep 100", Map.of(), List.of(), List.of(), null,
                Duration.ofSeconds(1), "h1", null, List.of(), 1, group);
    }

    @Test
    void instanceNumbersNeedNotBeContiguousAndGroupsNameThem() {
        // e.g. Kafka's dedicated controllers 1000-1001 beside brokers 0-1: instance 1002 is no longer wanted
        List<PodSpec> pods = List.of(grouped(1000, "controller"), grouped(1001, "controller"), grouped(0, "broker"),
                grouped(1, "broker"));
        List<TaskRecord> tasks = List.of(task("c0", 1000, "TASK_RUNNING", "h1"), task("gone", 1002, "TASK_RUNNING", "h1"),
                task("b1", 1, "TASK_RUNNING", "h1"));
        ReconcileResult r = InstanceSet.reconcile(resource(1), pods, Strategy.PARALLEL,
                new Reconciler.Observed(tasks, null, Set.of()), POLICY, NOW);
        assertThat(r.kills()).extracting(ReconcileResult.Kill::taskId).containsExactly("gone");
        assertThat(r.launches()).extracting(PodSpec::name).containsExactly("web-controller-1001", "web-broker-0");
        assertThat(r.status().instances()).extracting(InstanceStatus::instance).containsExactly(1000, 1001, 0, 1);
        assertThat(r.status().instances()).extracting(InstanceStatus::group)
                .containsExactly("controller", "controller", "broker", "broker");
        assertThat(r.status().replicas()).isEqualTo(4);
    }

    @Test
    void theKindsProbeHoldsALaunchEvenARecoveryUntilWhatItNeedsRuns() {
        WorkloadProbe needsZero = new WorkloadProbe() {
            @Override
            public String launchBlocker(PodSpec pod) {
                return pod.instance() == 0 ? null : "waits for instance 0";
            }
        };
        // instance 1 was deployed before (its relaunch is recovery, which no plan holds); instance 2 just
        // crashed: its backoff comes first, the hold once it is due
        ResourceStatus before = new ResourceStatus(1, "Running", 3, 3, List.of(), List.of(InstanceStatus.fresh(0),
                InstanceStatus.fresh(1).deployed("h1"), InstanceStatus.fresh(2).failed("x", NOW.toString())), null, null);
        ReconcileResult r = InstanceSet.reconcile(resource(1), pods(3, "h1"), Strategy.PARALLEL, needsZero,
                new Reconciler.Observed(List.of(), before, Set.of()), POLICY, NOW);
        assertThat(r.launches()).extracting(PodSpec::instance).containsExactly(0);
        assertThat(r.status().instances()).extracting(InstanceStatus::state)
                .containsExactly("WAITING_FOR_OFFER", InstanceSet.WAITING_FOR_PEERS, "BACKOFF");
        assertThat(r.status().instances().get(1).heldBy()).isEqualTo("waits for instance 0");
        assertThat(r.status().condition(Condition.PROGRESSING).reason()).isEqualTo("Launching");
    }

    @Test
    void killsInstancesBeyondTheCountAndDuplicates() {
        List<TaskRecord> tasks = List.of(task("a", 0, "TASK_RUNNING", "h1"), task("dup", 0, "TASK_STARTING", "h1"),
                task("c", 2, "TASK_RUNNING", "h1"));
        ReconcileResult r = run(1, tasks, null, Set.of());
        assertThat(r.kills()).extracting(ReconcileResult.Kill::taskId).containsExactlyInAnyOrder("dup", "c");
        assertThat(r.status().condition(Condition.PROGRESSING).reason()).isEqualTo("ScalingDown");
    }

    @Test
    void backsOffAfterRepeatedFailuresAndReportsDegraded() {
        InstanceStatus crashed = InstanceStatus.fresh(0).failed("TASK_FAILED: Command exited with status 3", NOW.minusSeconds(1).toString())
                .failed("TASK_FAILED: Command exited with status 3", NOW.minusSeconds(1).toString())
                .failed("TASK_FAILED: Command exited with status 3", NOW.minusSeconds(1).toString());
        ResourceStatus previous = new ResourceStatus(1, "Degraded", 1, 0, List.of(), List.of(crashed), null, null);
        ReconcileResult r = run(1, List.of(), previous, Set.of());
        // third failure in a row: 1s * 2^2 = 4s after the failure, 3s from now
        assertThat(r.launches()).isEmpty();
        assertThat(r.requeueAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(r.status().instances().get(0).state()).isEqualTo("BACKOFF");
        assertThat(r.status().instances().get(0).nextLaunchTime()).isEqualTo(NOW.plusSeconds(3).toString());
        Condition degraded = r.status().condition(Condition.DEGRADED);
        assertThat(degraded.isTrue()).isTrue();
        assertThat(degraded.reason()).isEqualTo("CrashLoopBackOff");
        assertThat(degraded.message()).contains("instance 0 failed 3 times in a row", "Command exited with status 3");
        assertThat(r.status().phase()).isEqualTo("Degraded");
    }

    @Test
    void aSingleFailureRelaunchesAfterTheInitialDelayWithoutDegrading() {
        InstanceStatus once = InstanceStatus.fresh(0).failed("TASK_FAILED: killed", NOW.minusSeconds(2).toString());
        ReconcileResult r = run(1, List.of(), new ResourceStatus(1, "Running", 1, 0, List.of(), List.of(once), null, null), Set.of());
        assertThat(r.launches()).hasSize(1);
        assertThat(r.status().condition(Condition.DEGRADED).isTrue()).isFalse();
    }

    @Test
    void failureCountResetsAfterAHealthyPeriod() {
        InstanceStatus crashed = InstanceStatus.fresh(0).failed("x", NOW.minusSeconds(200).toString())
                .failed("x", NOW.minusSeconds(200).toString());
        ReconcileResult r = run(1, List.of(task("a", 0, "TASK_RUNNING", "h1")),
                new ResourceStatus(1, "Degraded", 1, 0, List.of(), List.of(crashed), null, null), Set.of());
        assertThat(r.status().instances().get(0).consecutiveFailures()).isZero();
        assertThat(r.status().instances().get(0).restarts()).isEqualTo(2);
        assertThat(r.status().phase()).isEqualTo("Running");
    }

    @Test
    void rollsOneInstanceAtATimeOnlyWhenAllAreReady() {
        List<TaskRecord> old = List.of(task("a", 0, "TASK_RUNNING", "h0"), task("b", 1, "TASK_RUNNING", "h0"));
        ReconcileResult r = run(2, old, null, Set.of());
        assertThat(r.kills()).extracting(ReconcileResult.Kill::taskId).containsExactly("a");
        assertThat(r.kills().get(0).reason()).contains("rolling update");
        assertThat(r.status().phase()).isEqualTo("Updating");

        // instance 0 is being replaced: nothing else is touched meanwhile
        List<TaskRecord> midway = List.of(task("b", 1, "TASK_RUNNING", "h0"));
        ReconcileResult next = run(2, midway, r.status(), Set.of());
        assertThat(next.kills()).isEmpty();
        assertThat(next.launches()).extracting(PodSpec::instance).containsExactly(0);
    }

    @Test
    void healthCheckedPodsAreReadyOnlyWhenHealthy() {
        PodSpec.HealthCheckSpec check = new PodSpec.HealthCheckSpec("tcp", 80, null, null, null, 0, 1, 1, 3, 5);
        List<PodSpec> pods = List.of(new PodSpec(KEY, 0, 0.1, 32, 0, "x", Map.of(), List.of(), List.of(), check,
                Duration.ZERO, "h1", null));
        TaskRecord unknownHealth = task("a", 0, "TASK_RUNNING", "h1");
        ReconcileResult r = InstanceSet.reconcile(resource(1), pods, Strategy.PARALLEL,
                new Reconciler.Observed(List.of(unknownHealth), null, Set.of()), POLICY, NOW);
        assertThat(r.status().readyReplicas()).isZero();
        TaskRecord healthy = unknownHealth.withUpdate("TASK_RUNNING", true, null, null, null, null, NOW.toString());
        r = InstanceSet.reconcile(resource(1), pods, Strategy.PARALLEL, new Reconciler.Observed(List.of(healthy), null, Set.of()), POLICY, NOW);
        assertThat(r.status().readyReplicas()).isEqualTo(1);
    }

    static TaskRecord unreachableSince(String id, int instance, Instant since) {
        return task(id, instance, "TASK_RUNNING", "h1").withUpdate("TASK_UNREACHABLE", null, "Agent is unreachable",
                null, null, null, since.toString());
    }

    @Test
    void waitsForAnUnreachableTaskThenReplacesItWithoutKillingIt() {
        ReconcileResult waiting = run(1, List.of(unreachableSince("a", 0, NOW.minusSeconds(10))), null, Set.of());
        assertThat(waiting.launches()).isEmpty();
        assertThat(waiting.requeueAfter()).isEqualTo(Duration.ofSeconds(20));
        assertThat(waiting.status().instances().get(0).state()).isEqualTo("TASK_UNREACHABLE");

        ReconcileResult replaced = run(1, List.of(unreachableSince("a", 0, NOW.minusSeconds(31))), null, Set.of());
        assertThat(replaced.launches()).extracting(PodSpec::instance).containsExactly(0);
        assertThat(replaced.kills()).isEmpty(); // a kill could not reach it anyway
    }

    @Test
    void aScaledAwayTaskGivenUpOnALostAgentDoesNotKeepTheScaleDownGoing() {
        TaskRecord running = task("a", 0, "TASK_RUNNING", "h1");
        ReconcileResult stillWaiting = run(1, List.of(running, unreachableSince("b", 1, NOW.minusSeconds(10))), null, Set.of());
        assertThat(stillWaiting.status().condition(Condition.PROGRESSING).reason()).isEqualTo("ScalingDown");
        ReconcileResult r = run(1, List.of(running, unreachableSince("b", 1, NOW.minusSeconds(31))), null, Set.of());
        assertThat(r.kills()).extracting(ReconcileResult.Kill::taskId).containsExactly("b"); // if its agent ever returns
        assertThat(r.status().phase()).isEqualTo("Running");
        assertThat(r.status().condition(Condition.PROGRESSING).reason()).isEqualTo("Stable");
    }

    @Test
    void whenTheAgentReturnsTheOlderCopyIsKilled() {
        TaskRecord back = task("old", 0, "TASK_RUNNING", "h1");
        TaskRecord replacement = new TaskRecord("new", KEY.toString(), 0, "h1", "agent-2", "TASK_RUNNING", null, null, null,
                null, NOW.minusSeconds(5).toString(), NOW.minusSeconds(4).toString(), false, NOW.toString(), null, null, "127.0.0.1", Map.of(), null);
        ReconcileResult r = run(1, List.of(back, replacement), null, Set.of());
        assertThat(r.kills()).extracting(ReconcileResult.Kill::taskId).containsExactly("old");
        assertThat(r.status().instances().get(0).taskId()).isEqualTo("new");
    }

    // ------------------------------------------------------------ plan strategies

    static ReconcileResult plan(Strategy strategy, PlanState state, int n, String hash, List<TaskRecord> tasks,
                                ResourceStatus previous, Set<Integer> inFlight) {
        return InstanceSet.reconcile(resource(1), pods(n, hash), strategy,
                new Reconciler.Observed(tasks, previous, inFlight, state), POLICY, NOW);
    }

    @Test
    void serialLaunchesOneInstanceAtATimeInOrder() {
        ReconcileResult r = plan(Strategy.SERIAL, PlanState.INITIAL, 3, "h1", List.of(), null, Set.of());
        assertThat(r.launches()).extracting(PodSpec::instance).containsExactly(0);
        assertThat(r.status().instance(1).heldBy()).isEqualTo("serial: waits for web-0 to be ready");

        // instance 0 started but is not ready yet: still nothing else
        r = plan(Strategy.SERIAL, PlanState.INITIAL, 3, "h1", List.of(task("a", 0, "TASK_STARTING", "h1")), r.status(), Set.of());
        assertThat(r.launches()).isEmpty();

        // instance 0 ready: instance 1 goes, 2 still waits (for 1)
        r = plan(Strategy.SERIAL, PlanState.INITIAL, 3, "h1", List.of(task("a", 0, "TASK_RUNNING", "h1")), r.status(), Set.of());
        assertThat(r.launches()).extracting(PodSpec::instance).containsExactly(1);
        assertThat(r.status().instance(2).heldBy()).isEqualTo("serial: waits for web-1 to be ready");
    }

    @Test
    void canaryDeploysOneInstanceThenWaitsForContinue() {
        List<TaskRecord> old = List.of(task("a", 0, "TASK_RUNNING", "old"), task("b", 1, "TASK_RUNNING", "old"),
                task("c", 2, "TASK_RUNNING", "old"));
        // a new configuration: the canary (instance 0) is replaced first
        ReconcileResult r = plan(Strategy.CANARY, new PlanState(false, "old", 0), 3, "new", old, null, Set.of());
        assertThat(r.kills()).extracting(ReconcileResult.Kill::taskId).containsExactly("a");

        // the canary runs the new configuration: everything else waits for plan continue
        List<TaskRecord> canaryUp = List.of(task("a2", 0, "TASK_RUNNING", "new"), task("b", 1, "TASK_RUNNING", "old"),
                task("c", 2, "TASK_RUNNING", "old"));
        r = plan(Strategy.CANARY, new PlanState(false, "old", 0), 3, "new", canaryUp, r.status(), Set.of());
        assertThat(r.kills()).isEmpty();
        assertThat(r.status().instance(1).heldBy()).startsWith("canary: web-0 runs the new configuration");
        assertThat(r.status().condition(Condition.PROGRESSING).reason()).isEqualTo("CanaryWaiting");
        assertThat(r.status().plan().config()).isEqualTo("new");

        // plan continue approves "new": the rest rolls serially
        PlanState approved = new PlanState(false, "old", 0).resume(r.status().plan().config());
        r = plan(Strategy.CANARY, approved, 3, "new", canaryUp, r.status(), Set.of());
        assertThat(r.kills()).extracting(ReconcileResult.Kill::taskId).containsExactly("b");
        assertThat(r.status().instance(2).heldBy()).isEqualTo("serial: waits for web-1 to be ready");
    }

    @Test
    void pausedPlanStartsNothingNewButRecoveryGoesOn() {
        ResourceStatus deployed = plan(Strategy.PARALLEL, PlanState.INITIAL, 2, "h1",
                List.of(task("a", 0, "TASK_RUNNING", "h1"), task("b", 1, "TASK_RUNNING", "h1")), null, Set.of()).status();
        PlanState paused = PlanState.INITIAL.pause();
        // instance 0 died after it was deployed (recovery), and the user scaled to 3 (a new step)
        ReconcileResult r = plan(Strategy.PARALLEL, paused, 3, "h1", List.of(task("b", 1, "TASK_RUNNING", "h1")), deployed, Set.of());
        assertThat(r.launches()).extracting(PodSpec::instance).containsExactly(0);
        assertThat(r.status().instance(2).heldBy()).startsWith("paused by the user");
        assertThat(r.status().condition(Condition.PROGRESSING).reason()).isEqualTo("PlanPaused");
    }

    @Test
    void planRestartMakesEveryTaskOutdatedAndRollsThemOneAtATime() {
        List<TaskRecord> running = List.of(task("a", 0, "TASK_RUNNING", "h1"), task("b", 1, "TASK_RUNNING", "h1"));
        ReconcileResult r = plan(Strategy.PARALLEL, PlanState.INITIAL.restart(), 2, "h1", running, null, Set.of());
        assertThat(r.kills()).extracting(ReconcileResult.Kill::taskId).containsExactly("a");
        assertThat(r.status().phase()).isEqualTo("Updating");
        assertThat(r.status().plan().config()).isEqualTo("h1-r1");
    }
}
