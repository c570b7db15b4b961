package io.mesosoperator.scheduler.kind;

import io.mesosoperator.scheduler.store.TaskRecord;

/**
 * What a kind knows of its running software beyond Mesos (DESIGN.md section 6: Kafka's AdminClient
 * sees the broker, Cassandra's driver sees the node UP): whether an instance really serves, whether
 * a rolling update may replace the next instance, and whether a missing instance may be launched
 * yet. Reads a snapshot; never blocks.
 */
public interface WorkloadProbe {
    WorkloadProbe NONE = new WorkloadProbe() { };

    /** Why a RUNNING (and healthy) task does not serve yet, or null when it does. */
    default String notReady(TaskRecord task) {
        return null;
    }

    /** Why the next instance may not be replaced yet (e.g. partitions under-replicated), or null. */
    default String rollBlocker() {
        return null;
    }

    /**
     * Why this pod, which has no task, may not be launched now, or null. For what the process needs
     * from its peers when it starts (e.g. a Kafka broker, a running controller to bootstrap from):
     * unlike the plan's holds, this also holds a recovery.
     */
    default String launchBlocker(PodSpec pod) {
        return null;
    }

    /**
     * Why the configuration of new tasks cannot be made yet (a reference to another resource
     * waits: {@link ResolvedSpec}), or null. While it cannot, nothing launches (recovery neither)
     * and the tasks that run keep their configuration: nothing rolls until it is known.
     */
    default String configurationPending() {
        return null;
    }
}
