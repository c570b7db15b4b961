package io.mesosoperator.scheduler.jobs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mesosoperator.mesos.Backoff;
import io.mesosoperator.scheduler.kind.InstanceSet;
import io.mesosoperator.scheduler.kind.PodSpec;
import io.mesosoperator.scheduler.kind.ReconcileResult;
import io.mesosoperator.scheduler.kind.Reconciler;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.store.Condition;
import io.mesosoperator.scheduler.store.InstanceStatus;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * The shared mechanism behind job kinds (run to completion, unlike {@link InstanceSet}): a job is
 * a series of runs, each run a series of attempts, each attempt one Mesos task. A task that ends
 * TASK_FINISHED completes its run; one that fails is retried per the restart policy (Never,
 * OnFailure up to maxRetries, Always) after a backoff; a task the operator killed (`kill`, a
 * Replace) ends its run as Killed, without a retry. An optional schedule starts a run at every
 * firing, with a concurrency policy (Allow, Forbid: skip the firing while a run is active,
 * Replace: kill the active run). History: the active runs plus the last N succeeded and M failed.
 * The run number is the instance its tasks carry. Pure: no I/O; the state lives in
 * {@code status.workload} ({@link JobStatus}).
 */
public final class JobRuns {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** A schedule that missed firings (operator down) starts one run for the latest, not one per missed firing. */
    private static final int MAX_MISSED_FIRINGS = 100_000;

    private JobRuns() {}

    public enum RestartType {
        NEVER, ON_FAILURE, ALWAYS;

        /** "Never", "OnFailure", "Always". */
        public static RestartType of(String name) {
            return name == null ? NEVER : valueOf(name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
        }
    }

    public enum Concurrency {
        ALLOW, FORBID, REPLACE;

        public static Concurrency of(String name) {
            return name == null ? ALLOW : valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    /** When a scheduled job's runs start. */
    public interface Schedule {
        /** The first firing strictly after {@code t}. */
        Instant nextAfter(Instant t);
    }

    /**
     * How a job's runs are started and retried.
     *
     * @param maxRetries for OnFailure: how many failed attempts are retried (attempts = 1 + retries)
     * @param schedule   null for a job that runs once (again after each spec change once it ended)
     */
    public record Policy(RestartType restart, int maxRetries, Backoff backoff, Schedule schedule, Concurrency concurrency,
                         int successfulHistory, int failedHistory) {}

    public static JobStatus read(ResourceStatus status) {
        JsonNode workload = status == null ? null : status.workload();
        if (workload == null || !workload.isObject()) {
            return new JobStatus();
        }
        try {
            return JSON.treeToValue(workload, JobStatus.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored job status is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    public static JsonNode write(JobStatus job) {
        return JSON.valueToTree(job);
    }

    /**
     * @param pod the pod of one attempt of run N (its instance must be N)
     */
    public static ReconcileResult reconcile(Resource resource, IntFunction<PodSpec> pod, Policy policy,
                                            Reconciler.Observed observed, Instant now) {
        return reconcile(resource, pod, policy, observed, now, null);
    }

    /**
     * @param pod        the pod of one attempt of run N (its instance must be N)
     * @param waitingFor why no attempt can be configured yet (a reference to another resource waits); null when one can
     */
    public static ReconcileResult reconcile(Resource resource, IntFunction<PodSpec> pod, Policy policy,
                                            Reconciler.Observed observed, Instant now, String waitingFor) {
        JobStatus job = read(observed.previousStatus());
        List<ReconcileResult.Kill> kills = new ArrayList<>();
        List<PodSpec> launches = new ArrayList<>();
        Duration requeue = null;
        Map<Integer, List<TaskRecord>> active = observed.tasks().stream().filter(t -> !t.terminal())
                .collect(Collectors.groupingBy(TaskRecord::instance));
        Map<Integer, TaskRecord> current = new java.util.HashMap<>();

        // 1. what runs: the newest task of each active run is its current attempt; anything else is stopped
        for (Map.Entry<Integer, List<TaskRecord>> e : active.entrySet()) {
            JobStatus.Run run = job.run(e.getKey());
            List<TaskRecord> tasks = new ArrayList<>(e.getValue());
            tasks.sort(Comparator.comparing(TaskRecord::launchedAt, Comparator.nullsLast(Comparator.reverseOrder())));
            for (int i = 0; i < tasks.size(); i++) {
                TaskRecord t = tasks.get(i);
                if (run != null && run.active() && i == 0) {
                    current.put(run.run, t);
                    attach(run, t, now);
                } else if (!t.killRequested()) {
                    String why = run == null ? "not part of any run" : run.active() ? "duplicate of " + tasks.get(0).taskId()
                            : "run " + run.run + " is " + run.state + (run.lastExit != null ? " (" + run.lastExit + ")" : "");
                    kills.add(new ReconcileResult.Kill(t.taskId(), t.agentId(), why));
                }
            }
        }

        // 2. which runs should exist: once per generation, or one per firing of the schedule
        if (policy.schedule() == null) {
            JobStatus.Run latest = job.runs.isEmpty() ? null : job.runs.get(job.runs.size() - 1);
            if (latest == null || (!latest.active() && latest.generation < resource.generation())) {
                newRun(job, resource, null, now);
            }
        } else {
            Instant base = job.lastScheduleTime != null ? Instant.parse(job.lastScheduleTime) : created(resource, now);
            Instant due = null;
            Instant next = policy.schedule().nextAfter(base);
            for (int i = 0; next != null && !next.isAfter(now) && i < MAX_MISSED_FIRINGS; i++) {
                due = next;
                next = policy.schedule().nextAfter(next);
            }
            if (due != null) {
                job.lastScheduleTime = due.toString();
                List<JobStatus.Run> running = job.active();
                if (!running.isEmpty() && policy.concurrency() == Concurrency.FORBID) {
                    job.runsSkipped++;
                } else {
                    if (policy.concurrency() == Concurrency.REPLACE) {
                        for (JobStatus.Run r : running) {
                            end(job, r, JobStatus.KILLED, "replaced by run " + job.runsStarted, now);
                            TaskRecord t = current.remove(r.run);
                            if (t != null && !t.killRequested()) {
                                kills.add(new ReconcileResult.Kill(t.taskId(), t.agentId(), "replaced by run " + job.runsStarted));
                            }
                        }
                    }
                    newRun(job, resource, due, now);
                }
            }
            job.nextScheduleTime = next == null ? null : next.toString();
            if (next != null) {
                requeue = min(requeue, Duration.between(now, next));
            }
        }

        // 3. active runs without a task: launch (a retry once its backoff is over)
        for (JobStatus.Run run : job.active()) {
            if (current.containsKey(run.run)) {
                continue;
            }
            if (JobStatus.RETRYING.equals(run.state)) {
                Instant at = run.nextAttemptTime == null ? now : Instant.parse(run.nextAttemptTime);
                if (now.isBefore(at) && !observed.launchesInFlight().contains(run.run)) {
                    requeue = min(requeue, Duration.between(now, at));
                    continue;
                }
                run.state = JobStatus.SUBMITTED;
                run.nextAttemptTime = null;
            }
            run.state = JobStatus.SUBMITTED;
            run.taskState = null;
            if (waitingFor == null) {
                launches.add(pod.apply(run.run));
            }
        }

        prune(job, policy);
        return new ReconcileResult(launches, kills, status(resource, job, current, policy, observed.previousStatus(), now,
                waitingFor), requeue);
    }

    /** The outcome of one attempt: the run completes, fails, or is retried per the restart policy. */
    public static ResourceStatus taskEnded(Resource resource, ResourceStatus previous, TaskRecord ended, Policy policy,
                                           Instant now) {
        JobStatus job = read(previous);
        JobStatus.Run run = job.run(ended.instance());
        if (run != null && run.active()) {
            if (!ended.taskId().equals(run.taskId)) {
                run.attempts++; // ended before a reconciliation saw it
                run.taskId = ended.taskId();
            }
            run.taskState = ended.state();
            run.message = ended.message() != null ? ended.message() : run.message;
            run.sandbox = ended.sandbox() != null ? ended.sandbox() : run.sandbox;
            String exit = ended.state() + (ended.message() != null ? ": " + ended.message() : "");
            if (ended.killRequested()) {
                end(job, run, JobStatus.KILLED, exit, now);
            } else if ("TASK_FINISHED".equals(ended.state())) {
                if (policy.restart() == RestartType.ALWAYS && policy.schedule() == null) {
                    run.failures = 0;
                    retry(run, policy.backoff().initial(), now);
                } else {
                    end(job, run, JobStatus.SUCCEEDED, null, now);
                }
            } else {
                run.failures++;
                run.lastExit = exit;
                boolean again = policy.restart() == RestartType.ALWAYS
                        || (policy.restart() == RestartType.ON_FAILURE && run.attempts - 1 < policy.maxRetries());
                if (again) {
                    retry(run, policy.backoff().delayAfter(run.failures), now);
                } else {
                    end(job, run, JobStatus.FAILED, exit, now);
                }
            }
        } else if (run != null && ended.taskId().equals(run.taskId)) {
            run.taskState = ended.state(); // the end of an already ended run (killed, replaced)
        }
        return withJob(resource, previous, job);
    }

    /** `kill`: every active run ends as Killed, no retry; the next reconciliation kills their tasks. */
    public static ResourceStatus killRequested(Resource resource, ResourceStatus previous, Instant now) {
        JobStatus job = read(previous);
        for (JobStatus.Run run : job.active()) {
            end(job, run, JobStatus.KILLED, "killed by the user", now);
        }
        return withJob(resource, previous, job);
    }

    private static ResourceStatus withJob(Resource resource, ResourceStatus previous, JobStatus job) {
        ResourceStatus base = previous != null ? previous
                : new ResourceStatus(resource.generation(), JobStatus.SUBMITTED, 0, 0, List.of(), List.of(), null, null);
        return base.withWorkload(write(job));
    }

    private static void attach(JobStatus.Run run, TaskRecord t, Instant now) {
        if (!t.taskId().equals(run.taskId)) {
            run.attempts++;
            run.taskId = t.taskId();
            run.startTime = null;
        }
        run.taskState = t.state();
        run.agentId = t.agentId();
        run.message = t.message() != null ? t.message() : run.message;
        run.sandbox = t.sandbox() != null ? t.sandbox() : run.sandbox;
        if ("TASK_RUNNING".equals(t.state())) {
            run.state = JobStatus.RUNNING;
            if (run.startTime == null) {
                run.startTime = t.runningSince() != null ? t.runningSince() : now.toString();
            }
        } else {
            run.state = JobStatus.SUBMITTED;
        }
    }

    private static void newRun(JobStatus job, Resource resource, Instant scheduled, Instant now) {
        JobStatus.Run run = new JobStatus.Run();
        run.run = job.runsStarted++;
        run.generation = resource.generation();
        run.state = JobStatus.SUBMITTED;
        run.scheduledTime = scheduled == null ? null : scheduled.toString();
        run.submissionTime = now.toString();
        job.runs.add(run);
    }

    private static void retry(JobStatus.Run run, Duration after, Instant now) {
        run.state = JobStatus.RETRYING;
        run.nextAttemptTime = now.plus(after).toString();
    }

    private static void end(JobStatus job, JobStatus.Run run, String state, String exit, Instant now) {
        run.state = state;
        run.endTime = now.toString();
        run.nextAttemptTime = null;
        if (exit != null) {
            run.lastExit = exit;
        }
        if (JobStatus.SUCCEEDED.equals(state)) {
            job.runsSucceeded++;
        } else {
            job.runsFailed++;
        }
    }

    /** Keeps the active runs, the last N succeeded and the last M failed or killed. */
    private static void prune(JobStatus job, Policy policy) {
        List<JobStatus.Run> succeeded = job.runs.stream().filter(r -> JobStatus.SUCCEEDED.equals(r.state)).toList();
        List<JobStatus.Run> failed = job.runs.stream().filter(r -> !r.active() && !JobStatus.SUCCEEDED.equals(r.state)).toList();
        List<JobStatus.Run> drop = new ArrayList<>(succeeded.subList(0, Math.max(0, succeeded.size() - policy.successfulHistory())));
        drop.addAll(failed.subList(0, Math.max(0, failed.size() - policy.failedHistory())));
        // the latest run always stays: a job that ran once shows how it ended
        if (!job.runs.isEmpty()) {
            drop.remove(job.runs.get(job.runs.size() - 1));
        }
        job.runs.removeAll(drop);
    }

    private static ResourceStatus status(Resource resource, JobStatus job, Map<Integer, TaskRecord> current, Policy policy,
                                         ResourceStatus previous, Instant now, String waitingFor) {
        List<JobStatus.Run> active = job.active();
        JobStatus.Run latest = job.runs.isEmpty() ? null : job.runs.get(job.runs.size() - 1);
        JobStatus.Run lastEnded = job.runs.stream().filter(r -> !r.active()).reduce((a, b) -> b).orElse(null);
        JobStatus.Run shown = !active.isEmpty() ? active.get(active.size() - 1) : policy.schedule() == null ? latest : null;
        String phase = shown == null ? (policy.schedule() == null ? JobStatus.SUBMITTED : "Scheduled")
                : switch (shown.state) {
                    case JobStatus.RUNNING -> JobStatus.RUNNING;
                    case JobStatus.SUCCEEDED -> JobStatus.SUCCEEDED;
                    case JobStatus.FAILED, JobStatus.KILLED -> JobStatus.FAILED;
                    default -> JobStatus.SUBMITTED;
                };
        List<InstanceStatus> instances = new ArrayList<>();
        int running = 0;
        for (JobStatus.Run r : active) {
            TaskRecord t = current.get(r.run);
            boolean isRunning = JobStatus.RUNNING.equals(r.state);
            running += isRunning ? 1 : 0;
            boolean waits = t == null && waitingFor != null && !JobStatus.RETRYING.equals(r.state);
            String state = JobStatus.RETRYING.equals(r.state) ? "BACKOFF" : waits ? InstanceSet.WAITING_FOR_REFERENCE
                    : t == null ? "WAITING_FOR_OFFER" : t.state();
            instances.add(new InstanceStatus(r.run, t == null ? null : t.taskId(), state, isRunning,
                    t == null ? null : t.agentId(), Math.max(0, r.attempts - 1), r.failures, r.lastExit, null,
                    r.nextAttemptTime, null, false, waits ? waitingFor : null, null, null));
        }
        boolean ready = lastEnded != null && JobStatus.SUCCEEDED.equals(lastEnded.state);
        List<Condition> conditions = new ArrayList<>();
        conditions.add(Condition.of(Condition.READY, ready, lastEnded == null ? "NoRunEnded" : ready ? "Succeeded" : "NotSucceeded",
                lastEnded == null ? "no run has ended yet" : "run " + lastEnded.run + " " + lastEnded.state.toLowerCase(Locale.ROOT)
                        + (lastEnded.endTime != null ? " at " + lastEnded.endTime : "")
                        + " after " + lastEnded.attempts + " attempt(s)"));
        String progress = active.stream().anyMatch(r -> JobStatus.RUNNING.equals(r.state)) ? "Running"
                : active.stream().anyMatch(r -> JobStatus.RETRYING.equals(r.state)) ? "Retrying"
                : instances.stream().anyMatch(i -> InstanceSet.WAITING_FOR_REFERENCE.equals(i.state())) ? "WaitingForReference"
                : !active.isEmpty() ? "Submitted" : policy.schedule() != null ? "WaitingForSchedule" : "Completed";
        conditions.add(Condition.of(Condition.PROGRESSING, !active.isEmpty(), progress, switch (progress) {
            case "Running", "Submitted" -> active.size() + " run(s) active";
            case "WaitingForReference" -> "the next attempt " + waitingFor;
            case "Retrying" -> "a failed attempt is retried" + active.stream().filter(r -> r.nextAttemptTime != null)
                    .map(r -> " at " + r.nextAttemptTime).findFirst().orElse("");
            case "WaitingForSchedule" -> "next run at " + job.nextScheduleTime;
            default -> "the job ended";
        }));
        JobStatus.Run failing = active.stream().filter(r -> r.failures > 0).findFirst().orElse(null);
        boolean degraded = failing != null || (lastEnded != null && !ready);
        conditions.add(Condition.of(Condition.DEGRADED, degraded,
                failing != null ? "AttemptFailed" : degraded ? "Run" + lastEnded.state : "AsExpected",
                failing != null ? "run " + failing.run + ": " + failing.failures + " failed attempt(s) (last: " + failing.lastExit + ")"
                        : degraded ? "run " + lastEnded.run + " " + lastEnded.state.toLowerCase(Locale.ROOT)
                        + (lastEnded.lastExit != null ? ": " + lastEnded.lastExit : "") : "no run is failing"));
        return new ResourceStatus(resource.generation(), phase, active.size(), running,
                InstanceSet.withTransitionTimes(conditions, previous, now), instances, null, write(job));
    }

    private static Instant created(Resource resource, Instant now) {
        String created = resource.metadata().path("creationTimestamp").asText(null);
        return created == null ? now : Instant.parse(created);
    }

    private static Duration min(Duration a, Duration b) {
        return a == null || b.compareTo(a) < 0 ? b : a;
    }
}
