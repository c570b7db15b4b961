package io.mesosoperator.scheduler.store;

import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.util.List;

/** What the read-only API serves: from the acting leader's memory, or from ZooKeeper on a follower. */
public interface ResourceReads extends StatusReads {
    List<Resource> resources();

    @Override
    Resource resource(ResourceKey key);

    /** The resourceVersion of a resource as {@link #resource} returned it (changes with every write of spec or status). */
    String resourceVersion(Resource resource);

    @Override
    ResourceStatus status(ResourceKey key);

    List<TaskRecord> tasks();

    List<OperatorEvent> events(ResourceKey key);

    /** Why an instance found no place in the last offers; known only to the acting leader. */
    default String placementBlocker(ResourceKey key, int instance) {
        return null;
    }

    /**
     * The instance's last ended task whose sandbox is known, for reading its files; kept by the
     * acting leader for the tasks that ended since it started (the most recent 1,000).
     */
    default TaskRecord lastEndedTask(ResourceKey key, int instance) {
        return null;
    }

    /** The kept generations, oldest first: {generation, appliedAt, change, resource}. */
    List<com.fasterxml.jackson.databind.node.ObjectNode> history(ResourceKey key);
}
