package io.mesosoperator.scheduler.operator;

import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.Condition;
import io.mesosoperator.scheduler.store.ResourceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Conditions that something other than the kind's reconciler owns (Anomalous, from the anomaly
 * monitor). The reconciler computes a status afresh each time and knows nothing of them, so they
 * are kept here per resource and put into every status it computes, with their transition time;
 * one the term has not set yet is carried over from the stored status, so a new leader shows what
 * the previous one found until its own monitor has looked.
 */
final class OwnedConditions {
    private final Set<String> types;
    private final Map<ResourceKey, Map<String, Condition>> owned = new ConcurrentHashMap<>();

    OwnedConditions(Set<String> types) {
        this.types = Set.copyOf(types);
    }

    /** Sets one (any thread); false when it was already so. */
    boolean set(ResourceKey key, Condition condition) {
        if (!types.contains(condition.type())) {
            throw new IllegalArgumentException("condition " + condition.type() + " belongs to the kind's reconciler");
        }
        Condition before = owned.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(condition.type(), condition);
        return !condition.equals(before);
    }

    void forget(ResourceKey key) {
        owned.remove(key);
    }

    /** The computed status with the owned conditions in place (after the kind's own), keeping their transition times. */
    ResourceStatus applyTo(ResourceKey key, ResourceStatus computed, ResourceStatus previous, Instant now) {
        if (computed == null || computed.conditions() == null) {
            return computed;
        }
        Map<String, Condition> mine = owned.getOrDefault(key, Map.of());
        List<Condition> conditions = new ArrayList<>(computed.conditions());
        boolean added = false;
        for (String type : types) {
            if (computed.condition(type) != null) {
                continue;
            }
            Condition before = previous == null ? null : previous.condition(type);
            Condition c = mine.get(type);
            if (c == null) {
                c = before;
            } else {
                c = c.at(before != null && before.status().equals(c.status()) && before.lastTransitionTime() != null
                        ? before.lastTransitionTime() : now.toString());
            }
            if (c != null) {
                conditions.add(c);
                added = true;
            }
        }
        return added ? computed.withConditions(List.copyOf(conditions)) : computed;
    }
}
