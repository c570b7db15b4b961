package io.mesosoperator.scheduler.reconcile;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The operator's task records, by task id and by resource: reconciling one resource reads its own
 * tasks instead of scanning all of them (50,000 tasks, thousands of reconciliations). Written by
 * the loop thread only; read from any thread.
 */
final class TaskTable {
    private final ConcurrentMap<String, TaskRecord> byId = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ConcurrentMap<String, TaskRecord>> byResource = new ConcurrentHashMap<>();

    TaskRecord get(String taskId) {
        return byId.get(taskId);
    }

    void put(String taskId, TaskRecord task) {
        TaskRecord before = byId.put(taskId, task);
        if (before != null && !before.resource().equals(task.resource())) {
            forget(before);
        }
        byResource.computeIfAbsent(task.resource(), r -> new ConcurrentHashMap<>()).put(taskId, task);
    }

    void putAll(Map<String, TaskRecord> tasks) {
        tasks.forEach(this::put);
    }

    void remove(String taskId) {
        TaskRecord before = byId.remove(taskId);
        if (before != null) {
            forget(before);
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

    Collection<TaskRecord> values() {
        return byId.values();
    }

    /** The tasks of one resource ("Kind/name"). */
    List<TaskRecord> of(String resource) {
        Map<String, TaskRecord> own = byResource.get(resource);
        return own == null ? List.of() : List.copyOf(own.values());
    }

    boolean containsKey(String taskId) {
        return byId.containsKey(taskId);
    }

    int size() {
        return byId.size();
    }
}
