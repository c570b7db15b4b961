package io.mesosoperator.scheduler.api.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.ResourceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Our resources as Kubernetes objects and the other shapes clients ask for: the object (metadata
 * with namespace and resourceVersion, spec, status), a list, a Table (kubectl's columns are our
 * CLI's: READY, PHASE, GENERATION, AGE) and an autoscaling/v1 Scale.
 */
final class KubeObjects {
    private final ObjectMapper json;

    KubeObjects(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode object(Resource resource, ResourceReads reads) {
        ObjectNode out = resource.toJson();
        ObjectNode metadata = (ObjectNode) out.get("metadata");
        metadata.put("namespace", KubeKinds.NAMESPACE);
        String version = reads.resourceVersion(resource);
        if (version != null) {
            metadata.put("resourceVersion", version);
        }
        ResourceStatus status = reads.status(resource.key());
        if (status != null) {
            out.set("status", json.valueToTree(status));
        }
        return out;
    }

    /**
     * A number that orders resourceVersions: ours are "SPEC-STATUS", ZooKeeper's ids of the last
     * write of each, so the larger of the two says how recent the object is.
     */
    static long order(String resourceVersion) {
        long max = 0;
        if (resourceVersion == null) {
            return max;
        }
        for (String part : resourceVersion.split("-")) {
            try {
                max = Math.max(max, Long.parseLong(part));
            } catch (NumberFormatException e) {
                // not one of ours: orders first
            }
        }
        return max;
    }

    /** The resourceVersion of a list: the most recent of its items' (a watch from it sees what changed after). */
    static String listVersion(Collection<ObjectNode> items) {
        return Long.toString(items.stream().mapToLong(i -> order(i.path("metadata").path("resourceVersion").asText(null)))
                .max().orElse(0));
    }

    ObjectNode list(String kind, List<ObjectNode> items) {
        ObjectNode out = json.createObjectNode();
        out.put("apiVersion", KubeKinds.GROUP_VERSION).put("kind", kind + "List");
        out.putObject("metadata").put("resourceVersion", listVersion(items));
        out.putArray("items").addAll(items);
        return out;
    }

    /**
     * One Mesos task of ours as a read-only Kubernetes object (kind Task, named by its task id, its record as
     * the status), so that {@code kubectl get tasks} lists what {@code bin/mesos-operator get tasks} does.
     */
    ObjectNode task(io.mesosoperator.scheduler.store.TaskRecord t) {
        ObjectNode out = json.createObjectNode();
        out.put("apiVersion", KubeKinds.GROUP_VERSION).put("kind", TASK_KIND);
        ObjectNode metadata = out.putObject("metadata");
        metadata.put("name", t.taskId()).put("namespace", KubeKinds.NAMESPACE);
        if (t.launchedAt() != null) {
            metadata.put("creationTimestamp", t.launchedAt());
        }
        metadata.putObject("labels").put("mesos-operator.io/resource", t.resource().replace('/', '.'))
                .put("mesos-operator.io/instance", Integer.toString(t.instance()));
        out.set("status", json.valueToTree(t));
        return out;
    }

    static final String TASK_KIND = "Task";

    private ObjectNode newTable(String resourceVersion) {
        ObjectNode out = json.createObjectNode();
        out.put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        out.putObject("metadata").put("resourceVersion", resourceVersion);
        return out;
    }

    /** A row for the object {@code item}, as kubectl reads it back (its metadata as PartialObjectMetadata); its cells to fill. */
    private static ArrayNode row(ArrayNode rows, ObjectNode item) {
        ObjectNode row = rows.addObject();
        ObjectNode partial = row.putObject("object");
        partial.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", item.path("metadata").deepCopy());
        return row.putArray("cells");
    }

    /** The Table of tasks, with the CLI's columns. */
    ObjectNode taskTable(List<ObjectNode> items) {
        ObjectNode out = newTable("0");
        ArrayNode columns = out.putArray("columnDefinitions");
        column(columns, "Name", "name", "the Mesos task id");
        column(columns, "Resource", "", "the resource the task is an instance of");
        column(columns, "Instance", "", "the instance");
        column(columns, "State", "", "the Mesos task state last reported");
        column(columns, "Healthy", "", "the last health check, when it has one");
        column(columns, "Agent", "", "the agent it runs on");
        column(columns, "Age", "", "time since it was launched");
        ArrayNode rows = out.putArray("rows");
        for (ObjectNode item : items) {
            JsonNode status = item.path("status");
            row(rows, item).add(status.path("taskId").asText()).add(status.path("resource").asText())
                    .add(status.path("instance").asInt()).add(status.path("state").asText())
                    .add(status.has("healthy") ? status.path("healthy").asText() : "")
                    .add(status.path("agentId").asText())
                    .add(age(item.path("metadata").path("creationTimestamp").asText(null)));
        }
        return out;
    }

    /** The Table kubectl prints (Accept: application/json;as=Table;g=meta.k8s.io;v=v1). */
    ObjectNode table(List<ObjectNode> items) {
        ObjectNode out = newTable(listVersion(items));
        ArrayNode columns = out.putArray("columnDefinitions");
        column(columns, "Name", "name", "the resource's name");
        column(columns, "Ready", "", "ready instances / instances");
        column(columns, "Phase", "", "status.phase");
        column(columns, "Generation", "", "metadata.generation, and status.observedGeneration while it lags");
        column(columns, "Age", "", "time since the resource was created");
        ArrayNode rows = out.putArray("rows");
        for (ObjectNode item : items) {
            JsonNode metadata = item.path("metadata");
            JsonNode status = item.path("status");
            long generation = metadata.path("generation").asLong();
            String gen = status.has("observedGeneration") && status.get("observedGeneration").asLong() != generation
                    ? generation + " (observed " + status.get("observedGeneration").asLong() + ")" : Long.toString(generation);
            row(rows, item).add(metadata.path("name").asText())
                    .add(status.path("readyReplicas").asInt() + "/" + status.path("replicas").asInt())
                    .add(status.path("phase").asText("Pending")).add(gen)
                    .add(age(metadata.path("creationTimestamp").asText(null)));
        }
        return out;
    }

    private static void column(ArrayNode columns, String name, String format, String description) {
        columns.addObject().put("name", name).put("type", "string").put("format", format)
                .put("description", description).put("priority", 0);
    }

    /** kubectl's way of saying an age: 42s, 5m, 3h, 2d. */
    static String age(String since) {
        if (since == null || since.isEmpty()) {
            return "<unknown>";
        }
        long s = Math.max(0, Duration.between(Instant.parse(since), Instant.now()).toSeconds());
        return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s < 172800 ? s / 3600 + "h" : s / 86400 + "d";
    }

    /** autoscaling/v1 Scale of an object whose kind has a replica field. */
    ObjectNode scale(KubeKinds.Kind kind, ObjectNode object) {
        ObjectNode out = json.createObjectNode();
        out.put("kind", "Scale").put("apiVersion", "autoscaling/v1");
        ObjectNode metadata = out.putObject("metadata");
        JsonNode m = object.path("metadata");
        for (String field : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
            if (m.has(field)) {
                metadata.set(field, m.get(field));
            }
        }
        out.putObject("spec").put("replicas", object.path("spec").path(kind.replicasField()).asInt());
        out.putObject("status").put("replicas", object.path("status").path("replicas").asInt())
                .put("selector", "");
        return out;
    }
}
