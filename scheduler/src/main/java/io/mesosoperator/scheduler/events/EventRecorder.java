package io.mesosoperator.scheduler.events;

import io.mesosoperator.scheduler.spec.ResourceKey;

/** Keeps an event of a resource for `describe` (the Operator's events, in memory and in ZooKeeper). */
@FunctionalInterface
public interface EventRecorder {
    void record(ResourceKey key, String type, String reason, String message);
}
