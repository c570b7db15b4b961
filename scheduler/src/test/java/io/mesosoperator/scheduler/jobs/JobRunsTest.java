package io.mesosoperator.scheduler.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.mesos.Backoff;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.ReconcileResult;
import io.mesosoperator.scheduler.kind.Reconciler;
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
import org.junit.jupiter.api.Test;

/** Runs, attempts, restart policies and schedules of job kinds, decision by decision, with no Mesos and no clock. */
class JobRunsTest {
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    static final ResourceKey KEY = new ResourceKey("SparkJob", "wc");
    static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(2), 2, Duration.ofSeconds(10), Duration.ZERO);

    static JobRuns.Policy policy(JobRuns.RestartType type, int maxRetries) {
        return new JobRuns.Policy(type, maxRetries, BACKOFF, null, JobRuns.Concurrency.ALLOW, 1, 1);
    }

    static JobRuns.Policy scheduled(String cron, JobRuns.Concurrency concurrency) {
        return new JobRuns.Policy(JobRuns.RestartType.NEVER, 0, BACKOFF, CronSchedule.parse(cron), concurrency, 5, 5);
    }

    static Resource resource(long generation) {
        ObjectNode doc = new ObjectMapper().createObjectNode();
        doc.put("kind", "SparkJob");
        doc.putObject("metadata").put("name", "wc").put("generation", generation).put("creationTimestamp", T0.toString());
        doc.putObject("spec");
        return new Resource(doc);
    }

    static PodSpec pod(int run) {
        return new PodSpec(KEY, run, 1, 896, 0, "x", Map.of(), List.of(), List.of(), null, Duration.ofSeconds(1), "h", null);
    }

    static TaskRecord task(String id, int run, String state) {
        return new TaskRecord(id, KEY.toString(), run, "h", "agent-1", state, null, "Spark application app-" + id + " RUNNING",
                null, "/sandbox/" + id, T0.toString(), "TASK_RUNNING".equals(state) ? T0.toString() : null, false,
                T0.toString(), null, null, "127.0.0.1", Map.of(), null);
    }

    /** A small simulation: the operator's side of one job (status, active tasks, launches). */
    static final class Sim {
        final JobRuns.Policy policy;
        Resource resource = resource(1);
        ResourceStatus status;
        final List<TaskRecord> tasks = new ArrayList<>();
        ReconcileResult last;
        int launched;

        Sim(JobRuns.Policy policy) {
            this.policy = policy;
        }

        ReconcileResult reconcile(Instant now) {
            last = JobRuns.reconcile(resource, JobRunsTest::pod, policy, new Reconciler.Observed(List.copyOf(tasks), status, Set.of()), now);
            status = last.status();
            return last;
        }

        /** Launches what the last reconciliation asked for, as running tasks. */
        List<TaskRecord> launch() {
            List<TaskRecord> out = new ArrayList<>();
            for (PodSpec p : last.launches()) {
                TaskRecord t = task("t" + launched++, p.instance(), "TASK_RUNNING");
                tasks.add(t);
                out.add(t);
            }
            return out;
        }

        void end(TaskRecord t, String state, Instant now) {
            tasks.remove(t);
            TaskRecord ended = t.withUpdate(state, null, "Spark application app-" + t.taskId() + " done", null, null, null, now.toString());
            status = JobRuns.taskEnded(resource, status, ended, policy, now);
        }

        JobStatus job() {
            return JobRuns.read(status);
        }
    }

    @Test
    void aJobRunsOnceAndSucceeds() {
        Sim sim = new Sim(policy(JobRuns.RestartType.NEVER, 0));
        assertThat(sim.reconcile(T0).launches()).extracting(PodSpec::instance).containsExactly(0);
        assertThat(sim.status.phase()).isEqualTo("Submitted");
        TaskRecord t = sim.launch().get(0);
        sim.reconcile(T0.plusSeconds(1));
        assertThat(sim.status.phase()).isEqualTo("Running");
        assertThat(sim.status.readyReplicas()).isEqualTo(1);
        assertThat(sim.job().runs.get(0).startTime).isNotNull();

        sim.end(t, "TASK_FINISHED", T0.plusSeconds(10));
        ReconcileResult r = sim.reconcile(T0.plusSeconds(11));
        assertThat(r.launches()).isEmpty();
        assertThat(r.kills()).isEmpty();
        assertThat(sim.status.phase()).isEqualTo("Succeeded");
        assertThat(sim.status.condition(Condition.READY).isTrue()).isTrue();
        JobStatus.Run run = sim.job().runs.get(0);
        assertThat(run.attempts).isEqualTo(1);
        assertThat(run.endTime).isEqualTo(T0.plusSeconds(10).toString());
        assertThat(run.sandbox).isEqualTo("/sandbox/t0");
        // reconciling again changes nothing
        assertThat(sim.reconcile(T0.plusSeconds(60)).launches()).isEmpty();
        assertThat(sim.job().runsStarted).isEqualTo(1);
    }

    @Test
    void onFailureRetriesWithBackoffAndSucceedsOnTheThirdAttempt() {
        Sim sim = new Sim(policy(JobRuns.RestartType.ON_FAILURE, 3));
        sim.reconcile(T0);
        sim.end(sim.launch().get(0), "TASK_FAILED", T0.plusSeconds(5));
        ReconcileResult r = sim.reconcile(T0.plusSeconds(5));
        assertThat(r.launches()).isEmpty(); // backing off 2 s
        assertThat(r.requeueAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(sim.status.phase()).isEqualTo("Submitted");
        assertThat(sim.status.instances().get(0).state()).isEqualTo("BACKOFF");
        assertThat(sim.status.condition(Condition.DEGRADED).isTrue()).isTrue();

        assertThat(sim.reconcile(T0.plusSeconds(7)).launches()).hasSize(1);
        sim.end(sim.launch().get(0), "TASK_FAILED", T0.plusSeconds(12));
        assertThat(sim.reconcile(T0.plusSeconds(13)).requeueAfter()).isEqualTo(Duration.ofSeconds(3)); // 4 s after the 2nd
        assertThat(sim.reconcile(T0.plusSeconds(16)).launches()).hasSize(1);
        TaskRecord third = sim.launch().get(0);
        sim.reconcile(T0.plusSeconds(17));
        sim.end(third, "TASK_FINISHED", T0.plusSeconds(25));
        sim.reconcile(T0.plusSeconds(25));
        assertThat(sim.status.phase()).isEqualTo("Succeeded");
        assertThat(sim.job().runs.get(0).attempts).isEqualTo(3);
        assertThat(sim.job().runs.get(0).failures).isEqualTo(2);
    }

    @Test
    void onFailureGivesUpAfterMaxRetries() {
        Sim sim = new Sim(policy(JobRuns.RestartType.ON_FAILURE, 1));
        sim.reconcile(T0);
        sim.end(sim.launch().get(0), "TASK_FAILED", T0.plusSeconds(5));
        sim.reconcile(T0.plusSeconds(10));
        sim.end(sim.launch().get(0), "TASK_FAILED", T0.plusSeconds(15));
        ReconcileResult r = sim.reconcile(T0.plusSeconds(100));
        assertThat(r.launches()).isEmpty();
        assertThat(sim.status.phase()).isEqualTo("Failed");
        assertThat(sim.job().runs.get(0).attempts).isEqualTo(2);
        assertThat(sim.job().runs.get(0).lastExit).startsWith("TASK_FAILED");
        assertThat(sim.status.condition(Condition.DEGRADED).reason()).isEqualTo("RunFailed");
    }

    @Test
    void neverDoesNotRetryAndAlwaysRestartsEvenAfterSuccess() {
        Sim never = new Sim(policy(JobRuns.RestartType.NEVER, 5));
        never.reconcile(T0);
        never.end(never.launch().get(0), "TASK_FAILED", T0.plusSeconds(5));
        assertThat(never.reconcile(T0.plusSeconds(60)).launches()).isEmpty();
        assertThat(never.status.phase()).isEqualTo("Failed");

        Sim always = new Sim(policy(JobRuns.RestartType.ALWAYS, 0));
        always.reconcile(T0);
        always.end(always.launch().get(0), "TASK_FINISHED", T0.plusSeconds(5));
        assertThat(always.reconcile(T0.plusSeconds(7)).launches()).hasSize(1);
        assertThat(always.job().runs.get(0).state).isEqualTo("Submitted");
    }

    @Test
    void anAttemptThatEndsBeforeAnyReconciliationSawItStillCounts() {
        Sim sim = new Sim(policy(JobRuns.RestartType.ON_FAILURE, 3));
        sim.reconcile(T0);
        TaskRecord t = sim.launch().get(0);
        sim.end(t, "TASK_FAILED", T0.plusSeconds(1)); // no reconcile in between
        assertThat(sim.job().runs.get(0).attempts).isEqualTo(1);
        assertThat(sim.job().runs.get(0).taskId).isEqualTo(t.taskId());
    }

    @Test
    void killEndsTheRunWithoutARetryAndKillsItsTask() {
        Sim sim = new Sim(policy(JobRuns.RestartType.ON_FAILURE, 3));
        sim.reconcile(T0);
        TaskRecord t = sim.launch().get(0);
        sim.reconcile(T0.plusSeconds(1));
        sim.status = JobRuns.killRequested(sim.resource, sim.status, T0.plusSeconds(2));
        ReconcileResult r = sim.reconcile(T0.plusSeconds(2));
        assertThat(r.kills()).extracting(ReconcileResult.Kill::taskId).containsExactly(t.taskId());
        assertThat(r.launches()).isEmpty();
        sim.end(t.withKillRequested(), "TASK_KILLED", T0.plusSeconds(3));
        sim.reconcile(T0.plusSeconds(30));
        assertThat(sim.last.launches()).isEmpty();
        assertThat(sim.status.phase()).isEqualTo("Failed");
        assertThat(sim.job().runs.get(0).state).isEqualTo("Killed");
        assertThat(sim.job().runs.get(0).lastExit).isEqualTo("killed by the user");
    }

    @Test
    void aSpecChangeRunsAFinishedJobAgain() {
        Sim sim = new Sim(policy(JobRuns.RestartType.NEVER, 0));
        sim.reconcile(T0);
        sim.end(sim.launch().get(0), "TASK_FINISHED", T0.plusSeconds(5));
        sim.reconcile(T0.plusSeconds(6));
        sim.resource = resource(2);
        assertThat(sim.reconcile(T0.plusSeconds(7)).launches()).extracting(PodSpec::instance).containsExactly(1);
        assertThat(sim.job().runs).extracting(r -> r.generation).containsExactly(1L, 2L);
    }

    @Test
    void aScheduleStartsARunAtEachFiring() {
        Sim sim = new Sim(scheduled("0/20 * * * * ?", JobRuns.Concurrency.ALLOW));
        ReconcileResult r = sim.reconcile(T0.plusSeconds(5));
        assertThat(r.launches()).isEmpty();
        assertThat(r.requeueAfter()).isEqualTo(Duration.ofSeconds(15));
        assertThat(sim.status.phase()).isEqualTo("Scheduled");
        assertThat(sim.job().nextScheduleTime).isEqualTo(T0.plusSeconds(20).toString());

        assertThat(sim.reconcile(T0.plusSeconds(20)).launches()).extracting(PodSpec::instance).containsExactly(0);
        sim.launch();
        // Allow: the next firing starts run 1 while run 0 still runs
        assertThat(sim.reconcile(T0.plusSeconds(41)).launches()).extracting(PodSpec::instance).containsExactly(1);
        assertThat(sim.job().runs.get(1).scheduledTime).isEqualTo(T0.plusSeconds(40).toString());
        // a reconciliation in between fires nothing
        sim.launch();
        assertThat(sim.reconcile(T0.plusSeconds(45)).launches()).isEmpty();
        assertThat(sim.job().runsStarted).isEqualTo(2);
    }

    @Test
    void forbidSkipsAFiringWhileARunIsActive() {
        Sim sim = new Sim(scheduled("@every 10s", JobRuns.Concurrency.FORBID));
        sim.reconcile(T0.plusSeconds(10));
        TaskRecord first = sim.launch().get(0);
        assertThat(sim.reconcile(T0.plusSeconds(20)).launches()).isEmpty();
        assertThat(sim.job().runsSkipped).isEqualTo(1);
        sim.end(first, "TASK_FINISHED", T0.plusSeconds(25));
        assertThat(sim.reconcile(T0.plusSeconds(30)).launches()).extracting(PodSpec::instance).containsExactly(1);
        assertThat(sim.job().runsSucceeded).isEqualTo(1);
    }

    @Test
    void replaceKillsTheActiveRun() {
        Sim sim = new Sim(scheduled("@every 10s", JobRuns.Concurrency.REPLACE));
        sim.reconcile(T0.plusSeconds(10));
        TaskRecord first = sim.launch().get(0);
        ReconcileResult r = sim.reconcile(T0.plusSeconds(20));
        assertThat(r.kills()).extracting(ReconcileResult.Kill::taskId).containsExactly(first.taskId());
        assertThat(r.launches()).extracting(PodSpec::instance).containsExactly(1);
        assertThat(sim.job().run(0).state).isEqualTo("Killed");
        assertThat(sim.job().run(0).lastExit).isEqualTo("replaced by run 1");
    }

    @Test
    void historyKeepsTheActiveRunsAndTheLastOfEachOutcome() {
        JobRuns.Policy p = new JobRuns.Policy(JobRuns.RestartType.NEVER, 0, BACKOFF, CronSchedule.parse("@every 10s"),
                JobRuns.Concurrency.ALLOW, 1, 1);
        Sim sim = new Sim(p);
        for (int i = 1; i <= 4; i++) {
            sim.reconcile(T0.plusSeconds(10L * i));
            sim.end(sim.launch().get(0), i % 2 == 0 ? "TASK_FINISHED" : "TASK_FAILED", T0.plusSeconds(10L * i + 5));
        }
        sim.reconcile(T0.plusSeconds(46));
        assertThat(sim.job().runs).extracting(r -> r.run).containsExactly(2, 3);
        assertThat(sim.job().runsSucceeded).isEqualTo(2);
        assertThat(sim.job().runsFailed).isEqualTo(2);
    }

    @Test
    void cronSchedulesParseTheUsualForms() {
        Instant t = Instant.parse("2026-11-26T10:00:05Z");
        assertThat(CronSchedule.parse("*/5 * * * *").nextAfter(t)).isEqualTo(Instant.parse("2026-11-26T10:05:00Z"));
        assertThat(CronSchedule.parse("0/20 * * * * ?").nextAfter(t)).isEqualTo(Instant.parse("2026-11-26T10:00:20Z"));
        assertThat(CronSchedule.parse("@hourly").nextAfter(t)).isEqualTo(Instant.parse("2026-11-26T11:00:00Z"));
        assertThat(CronSchedule.parse("@every 1m30s").nextAfter(t)).isEqualTo(t.plusSeconds(90));
        assertThatThrownBy(() -> CronSchedule.parse("61 * * * *")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CronSchedule.parse("* *")).hasMessageContaining("5 fields");
        assertThatThrownBy(() -> CronSchedule.parse("@every soon")).hasMessageContaining("not a duration");
    }
}
