package io.mesosoperator.scheduler.kind;

import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Instant;

/**
 * Readiness read from a kind probe's latest snapshot (Kafka's AdminClient, Cassandra's driver). A
 * snapshot taken before a task started says nothing of it: the task is not ready until a newer one
 * does, so a restarted instance is never counted ready on what its predecessor reported.
 */
public abstract class SnapshotReadiness implements WorkloadProbe {
    private final Instant takenAt;
    private final String notLookedAtYet;

    /**
     * @param takenAt        when the snapshot was taken; null when the probe has none yet
     * @param notLookedAtYet what a task waits for while no snapshot is newer than its start
     */
    protected SnapshotReadiness(Instant takenAt, String notLookedAtYet) {
        this.takenAt = takenAt;
        this.notLookedAtYet = notLookedAtYet;
    }

    @Override
    public final String notReady(TaskRecord task) {
        if (takenAt == null || task.runningSince() == null || takenAt.isBefore(Instant.parse(task.runningSince()))) {
            return notLookedAtYet;
        }
        return notReadyInSnapshot(task);
    }

    /** Why the task does not serve yet, as a snapshot taken after it started shows; null when it does. */
    protected abstract String notReadyInSnapshot(TaskRecord task);
}
