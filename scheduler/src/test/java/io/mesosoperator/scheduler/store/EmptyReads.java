package io.mesosoperator.scheduler.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.util.List;

/** An operator that runs nothing, for tests: override only the reads a test gives answers to. */
public class EmptyReads implements ResourceReads {
    @Override
    public List<Resource> resources() {
        return List.of();
    }

    @Override
    public Resource resource(ResourceKey key) {
        return null;
    }

    @Override
    public String resourceVersion(Resource resource) {
        return null;
    }

    @Override
    public ResourceStatus status(ResourceKey key) {
        return null;
    }

    @Override
    public List<TaskRecord> tasks() {
        return List.of();
    }

    @Override
    public List<OperatorEvent> events(ResourceKey key) {
        return List.of();
    }

    @Override
    public List<ObjectNode> history(ResourceKey key) {
        return List.of();
    }
}
