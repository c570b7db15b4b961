package io.mesosoperator.scheduler.api;

import io.mesosoperator.scheduler.store.TaskRecord;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** /v1/tasks: the tasks the operator runs, with their Mesos state, agent and sandbox. */
@Path("/v1/tasks")
@Produces(MediaType.APPLICATION_JSON)
public final class TasksApi {
    private final OperatorAccess access;

    public TasksApi(OperatorAccess access) {
        this.access = access;
    }

    @GET
    public Map<String, List<TaskRecord>> list(@QueryParam("resource") String resource) {
        List<TaskRecord> tasks = access.reads().tasks().stream()
                .filter(t -> resource == null || t.resource().equalsIgnoreCase(resource))
                .toList();
        return Map.of("items", tasks);
    }
}
