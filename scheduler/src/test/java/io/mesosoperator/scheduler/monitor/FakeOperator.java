package io.mesosoperator.scheduler.monitor;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.SettableClock;
import io.mesosoperator.scheduler.anomaly.DailyProfile;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.Condition;
import io.mesosoperator.scheduler.store.OperatorEvent;
import io.mesosoperator.scheduler.store.EmptyReads;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The acting operator as the monitor sees it: resources, their statuses and events, in memory; a clock tests move. */
final class FakeOperator extends EmptyReads {
    final Map<ResourceKey, Resource> resources = new LinkedHashMap<>();
    final Map<ResourceKey, ResourceStatus> statuses = new LinkedHashMap<>();
    final Map<ResourceKey, List<OperatorEvent>> events = new LinkedHashMap<>();
    final List<TaskRecord> tasks = new ArrayList<>();
    /** The daily shapes kept in the store, by resource. */
    final Map<ResourceKey, Map<String, DailyProfile.Saved>> profiles = new LinkedHashMap<>();
    final SettableClock clock = new SettableClock(Instant.parse("2026-12-06T07:00:00Z"));

    void add(String kind, String name) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("apiVersion", "mesos-operator.io/v1").put("kind", kind);
        doc.putObject("metadata").put("name", name).put("generation", 1);
        doc.putObject("spec");
        Resource r = new Resource(doc);
        resources.put(r.key(), r);
        statuses.put(r.key(), new ResourceStatus(1, "Running", 1, 1, List.of(Condition.of(Condition.READY, true, "AllInstancesReady", "")),
                List.of(), null, null));
    }

    /** An event of a resource, at {@code at}. */
    void event(ResourceKey key, Instant at, String type, String reason, String message) {
        events.computeIfAbsent(key, k -> new ArrayList<>()).add(new OperatorEvent(at.toString(), type, reason, message));
    }

    AnomalyMonitor.Acting acting() {
        return new AnomalyMonitor.Acting(this, (key, type, reason, message) -> event(key, clock.instant(), type, reason, message),
                (key, condition) -> {
                    ResourceStatus s = statuses.get(key);
                    List<Condition> conditions = new ArrayList<>(s.conditions());
                    conditions.removeIf(c -> c.type().equals(condition.type()));
                    conditions.add(condition.at(clock.instant().toString()));
                    statuses.put(key, s.withConditions(conditions));
                }, new AnomalyMonitor.KeptProfiles(key -> profiles.getOrDefault(key, Map.of()), profiles::put));
    }

    Condition anomalous(ResourceKey key) {
        return statuses.get(key).condition(Condition.ANOMALOUS);
    }

    List<OperatorEvent> eventsWith(ResourceKey key, String reason) {
        return events.getOrDefault(key, List.of()).stream().filter(e -> e.reason().equals(reason)).toList();
    }

    @Override
    public List<Resource> resources() {
        return List.copyOf(resources.values());
    }

    @Override
    public Resource resource(ResourceKey key) {
        return resources.get(key);
    }

    @Override
    public String resourceVersion(Resource resource) {
        return "1-1";
    }

    @Override
    public ResourceStatus status(ResourceKey key) {
        return statuses.get(key);
    }

    @Override
    public List<TaskRecord> tasks() {
        return List.copyOf(tasks);
    }

    @Override
    public List<OperatorEvent> events(ResourceKey key) {
        return List.copyOf(events.getOrDefault(key, List.of()));
    }
}
