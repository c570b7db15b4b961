package io.mesosoperator.scheduler.tasks;

import io.mesosoperator.scheduler.store.TaskRecord;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The operator's task records, by task id and by resource: reconciling one resource reads its own
 * tasks instead of scanning all of them (50,000 tasks, thousands of reconciliations). Written by
 * the loop thread only; read from any thread.
 */
public final class TaskTable {
    /** How many ended tasks are kept for reading their sandboxes (a few MiB of heap at most). */
    static final int ENDED_KEPT = 1_000;

    private final ConcurrentMap<String, TaskRecord> byId = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ConcurrentMap<String, TaskRecord>> byResource = new ConcurrentHashMap<>();
    /**
     * The last ended task of each instance, by "resource#instance": its sandbox stays on the agent
     * for a while, and `logs` reads it when no task of the instance runs (a finished Spark job's
     * driver output, a crash-looping service's stderr during its backoff). The most recent only.
     */
    private final Map<String, TaskRecord> lastEnded = new LinkedHashMap<>();

    public TaskRecord get(String taskId) {
        return byId.get(taskId);
    }

    public void put(String taskId, TaskRecord task) {
        TaskRecord before = byId.put(taskId, task);
        if (before != null && !before.resource().equals(task.resource())) {
            forget(before);
        }
        byResource.computeIfAbsent(task.resource(), r -> new ConcurrentHashMap<>()).put(taskId, task);
    }

    public void putAll(Map<String, TaskRecord> tasks) {
        tasks.forEach(this::put);
    }

    public void remove(String taskId) {
        TaskRecord before = byId.remove(taskId);
        if (before != null) {
            forget(before);
        }
    }

    /** Drops an ended task's record, keeping it as its instance's last ended task if its sandbox is known. */
    public void ended(TaskRecord task) {
        // kept before it leaves the live records, so a reader always finds it in one or the other
        if (task.sandbox() != null && task.agentUrl() != null) {
            String instance = task.resource() + "#" + task.instance();
            synchronized (lastEnded) {
                lastEnded.remove(instance); // re-inserted last: the most recent is evicted last
                lastEnded.put(instance, task);
                if (lastEnded.size() > ENDED_KEPT) {
                    lastEnded.remove(lastEnded.keySet().iterator().next());
                }
            }
        }
        remove(task.taskId());
    }

    /** The last ended task of an instance whose sandbox is known; null when none is kept. */
    public TaskRecord lastEnded(String resource, int instance) {
        synchronized (lastEnded) {
            return lastEnded.get(resource + "#" + instance);
        }
    }

    /** Forgets the ended tasks of a deleted resource. */
    public void forgetEnded(String resource) {
        synchronized (lastEnded) {
            lastEnded.keySet().removeIf(k -> k.startsWith(resource + "#"));
        }
    }

    private void forget(TaskRecord task) {
        Map<String, TaskRecord> own = byResource.get(task.resource());
        if (own != null) {
            own.remove(task.taskId());
            if (own.isEmpty()) {
                byResource.remove(task.resource(), own);
            }
        }
    }

    public Collection<TaskRecord> values() {
        return byId.values();
    }

    /** The tasks of one resource ("Kind/name"). */
    public List<TaskRecord> of(String resource) {
        Map<String, TaskRecord> own = byResource.get(resource);
        return own == null ? List.of() : List.copyOf(own.values());
    }

    boolean containsKey(String taskId) {
        return byId.containsKey(taskId);
    }

    public int size() {
        return byId.size();
    }
}
