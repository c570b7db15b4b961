package io.mesosoperator.scheduler.reconcile;

import io.mesosoperator.scheduler.spec.ResourceKey;

/** Keeps an event of a resource for `describe` (the Operator's events, in memory and in ZooKeeper). */
@FunctionalInterface
interface EventRecorder {
    void record(ResourceKey key, String type, String reason, String message);
}
