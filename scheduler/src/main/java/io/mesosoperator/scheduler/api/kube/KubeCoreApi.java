package io.mesosoperator.scheduler.api.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.store.OperatorEvent;
import io.mesosoperator.scheduler.store.ResourceReads;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.function.Supplier;

/**
 * The little of the core API (/api/v1) that kubectl needs beside our group: the namespace
 * {@code default}, and the operator's events as core v1 Events of their resource (what
 * {@code kubectl describe} lists, selected by {@code involvedObject.*} fields).
 */
@Path("/api")
@Produces(MediaType.WILDCARD)
public final class KubeCoreApi {
    private final KubeKinds kinds;
    private final Supplier<ResourceReads> reads;
    private final ObjectMapper json;

    public KubeCoreApi(KubeKinds kinds, Supplier<ResourceReads> reads, ObjectMapper json) {
        this.kinds = kinds;
        this.reads = reads;
        this.json = json;
    }

    @GET
    public Response versions(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uri) {
        ObjectNode out = json.createObjectNode();
        out.put("kind", "APIVersions");
        out.putArray("versions").add("v1");
        out.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0")
                .put("serverAddress", uri.getBaseUri().getHost() + ":" + uri.getBaseUri().getPort());
        return ok(out);
    }

    @GET
    @Path("v1")
    public Response resources() {
        ObjectNode out = json.createObjectNode();
        out.put("kind", "APIResourceList").put("groupVersion", "v1");
        ArrayNode resources = out.putArray("resources");
        ObjectNode namespaces = resources.addObject();
        namespaces.put("name", "namespaces").put("singularName", "namespace").put("namespaced", false).put("kind", "Namespace");
        namespaces.putArray("verbs").add("get").add("list");
        namespaces.putArray("shortNames").add("ns");
        ObjectNode events = resources.addObject();
        events.put("name", "events").put("singularName", "event").put("namespaced", true).put("kind", "Event");
        events.putArray("verbs").add("get").add("list");
        events.putArray("shortNames").add("ev");
        return ok(out);
    }

    @GET
    @Path("v1/namespaces")
    public Response namespaces() {
        ObjectNode out = json.createObjectNode();
        out.put("kind", "NamespaceList").put("apiVersion", "v1");
        out.putObject("metadata");
        out.putArray("items").add(namespace());
        return ok(out);
    }

    @GET
    @Path("v1/namespaces/{namespace}")
    public Response namespace(@PathParam("namespace") String name) {
        return KubeKinds.NAMESPACE.equals(name) ? ok(namespace())
                : KubeStatus.of(404, "NotFound", "namespaces \"" + name + "\" not found", null);
    }

    private ObjectNode namespace() {
        ObjectNode ns = json.createObjectNode();
        ns.put("kind", "Namespace").put("apiVersion", "v1");
        ns.putObject("metadata").put("name", KubeKinds.NAMESPACE);
        ns.putObject("status").put("phase", "Active");
        return ns;
    }

    @GET
    @Path("v1/events")
    public Response allEvents(@QueryParam("fieldSelector") String fields) {
        return events(KubeKinds.NAMESPACE, fields);
    }

    /** The operator's recent events (the last 30 per resource) as core v1 Events, oldest first. */
    @GET
    @Path("v1/namespaces/{namespace}/events")
    public Response events(@PathParam("namespace") String namespace, @QueryParam("fieldSelector") String fields) {
        Selector selector;
        try {
            selector = Selector.parse(fields);
        } catch (IllegalArgumentException e) {
            return KubeStatus.badRequest(e.getMessage());
        }
        ObjectNode out = json.createObjectNode();
        out.put("kind", "EventList").put("apiVersion", "v1");
        out.putObject("metadata");
        ArrayNode items = out.putArray("items");
        if (!KubeKinds.NAMESPACE.equals(namespace)) {
            return ok(out);
        }
        ResourceReads r = reads.get();
        String name = selector.equalTo("involvedObject.name");
        for (Resource resource : r.resources()) {
            if (name != null && !name.equals(resource.name())) {
                continue;
            }
            KubeKinds.Kind kind = kinds.byKind(resource.kind());
            ObjectNode involved = json.createObjectNode();
            involved.put("apiVersion", KubeKinds.GROUP_VERSION).put("kind", resource.kind())
                    .put("name", resource.name()).put("namespace", KubeKinds.NAMESPACE)
                    .put("uid", resource.metadata().path("uid").asText(""));
            boolean wanted = selector.matches(k -> switch (k) {
                case "involvedObject.kind" -> resource.kind();
                case "involvedObject.name" -> resource.name();
                case "involvedObject.namespace", "metadata.namespace" -> KubeKinds.NAMESPACE;
                case "involvedObject.uid" -> involved.path("uid").asText();
                case "involvedObject.apiVersion" -> KubeKinds.GROUP_VERSION;
                default -> null;
            });
            if (!wanted || kind == null) {
                continue;
            }
            List<OperatorEvent> events = r.events(resource.key());
            for (int i = 0; i < events.size(); i++) {
                OperatorEvent e = events.get(i);
                ObjectNode event = items.addObject();
                event.put("kind", "Event").put("apiVersion", "v1");
                event.putObject("metadata").put("name", resource.name() + "." + kind.singular() + "." + i)
                        .put("namespace", KubeKinds.NAMESPACE).put("creationTimestamp", e.time());
                event.set("involvedObject", involved);
                event.put("reason", e.reason()).put("message", e.message()).put("type", e.type())
                        .put("count", 1).put("firstTimestamp", e.time()).put("lastTimestamp", e.time())
                        .put("reportingComponent", "mesos-operator");
                event.putObject("source").put("component", "mesos-operator");
            }
        }
        return ok(out);
    }

    private static Response ok(Object body) {
        return Response.ok(body).type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
