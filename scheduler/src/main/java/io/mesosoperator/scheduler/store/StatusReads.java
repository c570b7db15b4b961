package io.mesosoperator.scheduler.store;

import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;

/**
 * What one resource may read of the others: whether one exists and its status. References
 * between resources (spec/References) take their values from here.
 */
public interface StatusReads {
    /** Reads of a world without other resources (every reference waits). */
    StatusReads NONE = new StatusReads() {
        @Override
        public Resource resource(ResourceKey key) {
            return null;
        }

        @Override
        public ResourceStatus status(ResourceKey key) {
            return null;
        }
    };

    /** The accepted resource; null when there is none. */
    Resource resource(ResourceKey key);

    /** Its status; null before its first reconciliation or when there is no such resource. */
    ResourceStatus status(ResourceKey key);
}
