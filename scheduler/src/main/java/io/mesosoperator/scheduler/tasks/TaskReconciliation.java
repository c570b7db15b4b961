package io.mesosoperator.scheduler.tasks;

import io.mesosoperator.scheduler.metrics.OperatorMetrics;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asking Mesos what became of our tasks (docs/reconciliation.md): after every subscription,
 * explicitly for each non-terminal task we know, with backoff, then implicitly; implicitly every
 * few minutes; and often for unreachable tasks, to notice soon when their agent is back. The
 * answers arrive as ordinary status updates, which the Operator handles and reports here with
 * {@link #heard}. Everything here runs on the operator's loop thread.
 */
public final class TaskReconciliation {
    private static final Logger LOG = LoggerFactory.getLogger(TaskReconciliation.class);
    private static final Duration IMPLICIT_RECONCILE_INTERVAL = Duration.ofMinutes(5);
    /** Unreachable tasks are asked about often, to notice soon when their agent is back. */
    private static final Duration UNREACHABLE_RECONCILE_INTERVAL = Duration.ofSeconds(5);

    private final TaskTable tasks;
    private final OperatorMetrics metrics;
    private final ScheduledExecutorService loop;
    private final Consumer<Call.Builder> send;

    private Set<String> unreconciled = new HashSet<>();
    private boolean reconciling;
    private long reconcileStartNanos;

    /** {@code loop} is the operator's loop (retries and periodic rounds run there); {@code send} goes to Mesos. */
    public TaskReconciliation(TaskTable tasks, OperatorMetrics metrics, ScheduledExecutorService loop, Consumer<Call.Builder> send) {
        this.tasks = tasks;
        this.metrics = metrics;
        this.loop = loop;
        this.send = send;
    }

    /** The periodic rounds: unreachable tasks every few seconds, implicit reconciliation every few minutes. */
    public void schedulePeriodic() {
        loop.scheduleWithFixedDelay(this::reconcileUnreachable, UNREACHABLE_RECONCILE_INTERVAL.toMillis(),
                UNREACHABLE_RECONCILE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        loop.scheduleWithFixedDelay(() -> send.accept(Call.newBuilder().setType(Call.Type.RECONCILE)
                        .setReconcile(Call.Reconcile.getDefaultInstance())),
                IMPLICIT_RECONCILE_INTERVAL.toMillis(), IMPLICIT_RECONCILE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** docs/reconciliation.md: explicit for every non-terminal task we know, with backoff, then implicit. */
    public void start() {
        reconcileStartNanos = System.nanoTime();
        reconciling = true;
        unreconciled = tasks.values().stream().filter(t -> !t.terminal()).map(TaskRecord::taskId).collect(Collectors.toCollection(HashSet::new));
        LOG.info("reconciling {} task(s) with Mesos", unreconciled.size());
        explicitReconcile(0, reconcileStartNanos);
    }

    /** Mesos told of the task (any status update): it needs no explicit reconciliation in this round. */
    public void heard(String taskId) {
        if (unreconciled.remove(taskId) && unreconciled.isEmpty() && reconciling) {
            finishReconciliation(); // the last task answered: done now, not at the next retry tick
        }
    }

    private void explicitReconcile(int attempt, long round) {
        if (round != reconcileStartNanos || !reconciling) {
            return; // a newer subscription started its own reconciliation, or this one is done
        }
        // a task heard from since the round started left `unreconciled` then; one deleted since needs no answer
        unreconciled.removeIf(id -> !tasks.containsKey(id));
        if (unreconciled.isEmpty() || attempt > 8) {
            if (!unreconciled.isEmpty()) {
                LOG.warn("{} task(s) never answered explicit reconciliation: {}", unreconciled.size(), unreconciled);
            }
            finishReconciliation();
            return;
        }
        Call.Reconcile.Builder reconcile = Call.Reconcile.newBuilder();
        for (String id : unreconciled) {
            TaskRecord t = tasks.get(id);
            Call.Reconcile.Task.Builder entry = Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue(id));
            if (t.agentId() != null) {
                entry.setAgentId(AgentID.newBuilder().setValue(t.agentId()));
            }
            reconcile.addTasks(entry);
        }
        send.accept(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(reconcile));
        long delayMs = Math.min(30_000, 1000L << attempt);
        loop.schedule(() -> explicitReconcile(attempt + 1, round), delayMs, TimeUnit.MILLISECONDS);
    }

    private void finishReconciliation() {
        reconciling = false;
        send.accept(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.getDefaultInstance()));
        long tookMillis = (System.nanoTime() - reconcileStartNanos) / 1_000_000;
        metrics.reconciliationTook(System.nanoTime() - reconcileStartNanos);
        LOG.info("explicit reconciliation done in {} ms; implicit reconciliation sent", tookMillis);
    }

    private void reconcileUnreachable() {
        Call.Reconcile.Builder reconcile = Call.Reconcile.newBuilder();
        tasks.values().stream().filter(TaskRecord::unreachable).forEach(t -> {
            Call.Reconcile.Task.Builder entry = Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue(t.taskId()));
            if (t.agentId() != null) {
                entry.setAgentId(AgentID.newBuilder().setValue(t.agentId()));
            }
            reconcile.addTasks(entry);
        });
        if (reconcile.getTasksCount() > 0) {
            send.accept(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(reconcile));
        }
    }
}
