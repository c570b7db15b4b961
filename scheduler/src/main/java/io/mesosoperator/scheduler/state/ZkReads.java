package io.mesosoperator.scheduler.state;

import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.OperatorEvent;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.util.Comparator;
import java.util.List;

/** A follower's view: every read goes to ZooKeeper, where the leader keeps everything. */
public final class ZkReads implements ResourceReads {
    private final ZkStore store;

    public ZkReads(ZkStore store) {
        this.store = store;
    }

    @Override
    public List<Resource> resources() {
        return store.loadResources().stream().sorted(Comparator.comparing(Resource::key)).toList();
    }

    @Override
    public Resource resource(ResourceKey key) {
        return store.loadResource(key).orElse(null);
    }

    @Override
    public String resourceVersion(Resource resource) {
        return store.resourceVersion(resource);
    }

    @Override
    public ResourceStatus status(ResourceKey key) {
        return store.loadStatus(key).orElse(null);
    }

    @Override
    public List<TaskRecord> tasks() {
        return store.loadTasks().values().stream()
                .sorted(TaskRecord.ORDER).toList();
    }

    @Override
    public List<com.fasterxml.jackson.databind.node.ObjectNode> history(ResourceKey key) {
        return store.history(key);
    }

    @Override
    public List<OperatorEvent> events(ResourceKey key) {
        return store.events(key);
    }
}
