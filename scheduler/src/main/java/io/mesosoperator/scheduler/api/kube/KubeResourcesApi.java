package io.mesosoperator.scheduler.api.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.operator.Operator;
import io.mesosoperator.scheduler.spec.InvalidSpecException;
import io.mesosoperator.scheduler.spec.ParsedDocument;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.spec.SpecLimits;
import io.mesosoperator.scheduler.spec.SpecParser;
import io.mesosoperator.scheduler.spec.SpecValidator;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.ResourceVersionConflict;
import io.mesosoperator.scheduler.store.StoreException;
import io.mesosoperator.scheduler.store.TooLargeException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The Kubernetes API of our kinds, /apis/mesos-operator.io/v1: what kubectl and other Kubernetes
 * clients call for custom resources. It translates to the operator's own operations (the same
 * validation, {@code Operator.apply} and {@code delete}, the same resourceVersion checks), so a
 * resource written here is the one /v1/resources and the CLI show; nothing is kept apart.
 *
 * <p>Every resource is in the namespace {@code default}. PUT replaces (with the object's
 * resourceVersion: only if it is current, else 409 Conflict); PATCH takes a JSON merge patch
 * (client-side {@code kubectl apply}, {@code edit}, {@code scale}) or a server-side apply
 * ({@code application/apply-patch+yaml}: create when missing, merged into the current object
 * otherwise); {@code ?dryRun=All} validates and answers the would-be object without storing it.
 * The schemas refuse unknown fields whatever {@code fieldValidation} says (Strict is the only mode).
 */
@Path("/apis/" + KubeKinds.GROUP_VERSION)
@Produces(MediaType.WILDCARD)
@Consumes(MediaType.WILDCARD)
public final class KubeResourcesApi {
    private static final String MERGE_PATCH = "application/merge-patch+json";
    private static final String APPLY_PATCH = "application/apply-patch+yaml";
    /** A patch without a resourceVersion of its own is retried this often when the object changed under it. */
    private static final int PATCH_ATTEMPTS = 10;

    private final KubeKinds kinds;
    private final Supplier<ResourceReads> reads;
    private final Supplier<Operator> writer;
    private final Supplier<String> notLeader;
    private final SpecValidator validator;
    private final SpecLimits limits;
    private final ObjectMapper json;
    private final KubeObjects objects;
    private final KubeWatches watches;

    /**
     * @param writer    the acting operator, or null on a follower
     * @param notLeader why this instance cannot write (names the leader), for the 503 a follower answers
     */
    public KubeResourcesApi(KubeKinds kinds, Supplier<ResourceReads> reads, Supplier<Operator> writer,
                            Supplier<String> notLeader, SpecValidator validator, SpecLimits limits, ObjectMapper json,
                            KubeWatches watches) {
        this.kinds = kinds;
        this.reads = reads;
        this.writer = writer;
        this.notLeader = notLeader;
        this.validator = validator;
        this.limits = limits;
        this.json = json;
        this.objects = new KubeObjects(json);
        this.watches = watches;
    }

    /** Discovery of the group version: each kind with its names, verbs, category and subresources. */
    @GET
    public Response discovery() {
        ObjectNode out = json.createObjectNode();
        out.put("kind", "APIResourceList").put("apiVersion", "v1").put("groupVersion", KubeKinds.GROUP_VERSION);
        ArrayNode resources = out.putArray("resources");
        for (KubeKinds.Kind k : kinds.all()) {
            ObjectNode r = resources.addObject();
            r.put("name", k.plural()).put("singularName", k.singular()).put("namespaced", true).put("kind", k.kind());
            verbs(r, "create", "delete", "get", "list", "patch", "update", "watch");
            ArrayNode shortNames = r.putArray("shortNames");
            k.shortNames().forEach(shortNames::add);
            r.putArray("categories").add(KubeKinds.CATEGORY);
            ObjectNode status = resources.addObject();
            status.put("name", k.plural() + "/status").put("singularName", "").put("namespaced", true).put("kind", k.kind());
            verbs(status, "get");
            if (k.replicasField() != null) {
                ObjectNode scale = resources.addObject();
                scale.put("name", k.plural() + "/scale").put("singularName", "").put("namespaced", true)
                        .put("group", "autoscaling").put("version", "v1").put("kind", "Scale");
                verbs(scale, "get", "patch", "update");
            }
        }
        // the operator's Mesos tasks, read-only: kubectl get tasks
        ObjectNode tasks = resources.addObject();
        tasks.put("name", TASKS).put("singularName", "task").put("namespaced", true).put("kind", KubeObjects.TASK_KIND);
        verbs(tasks, "get", "list");
        return ok(out);
    }

    /** The plural of the read-only Task objects: the operator's Mesos tasks. */
    private static final String TASKS = "tasks";

    /** The tasks as objects, with the field selector metadata.name and label selectors applied. */
    private List<ObjectNode> tasks(Selector labels, Selector fields) {
        return reads.get().tasks().stream().sorted(io.mesosoperator.scheduler.store.TaskRecord.ORDER).map(objects::task)
                .filter(o -> Selector.matches(labels, fields, o)).toList();
    }

    /** A list of the read-only tasks: no watch (405). */
    private Response tasks(String namespace, String watch, String labels, String fields, String accept) {
        if ("true".equals(watch) || "1".equals(watch)) {
            return KubeStatus.of(405, "MethodNotAllowed", "tasks cannot be watched (get and list only)", null);
        }
        List<ObjectNode> items;
        try {
            items = KubeKinds.NAMESPACE.equals(namespace) ? tasks(Selector.parse(labels), Selector.parse(fields)) : List.of();
        } catch (IllegalArgumentException e) {
            return KubeStatus.badRequest(e.getMessage());
        }
        return ok(wantsTable(accept) ? objects.taskTable(items) : objects.list(KubeObjects.TASK_KIND, items));
    }

    private static void verbs(ObjectNode resource, String... verbs) {
        ArrayNode list = resource.putArray("verbs");
        for (String v : verbs) {
            list.add(v);
        }
    }

    /** Every namespace's objects of a kind: ours are all in default. */
    @GET
    @Path("{plural}")
    public Response listAll(@PathParam("plural") String plural, @QueryParam("watch") String watch,
                            @QueryParam("resourceVersion") String resourceVersion,
                            @QueryParam("timeoutSeconds") Long timeoutSeconds, @QueryParam("labelSelector") String labels,
                            @QueryParam("fieldSelector") String fields, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        return list(KubeKinds.NAMESPACE, plural, watch, resourceVersion, timeoutSeconds, labels, fields, accept);
    }

    @GET
    @Path("namespaces/{namespace}/{plural}")
    public Response list(@PathParam("namespace") String namespace, @PathParam("plural") String plural,
                         @QueryParam("watch") String watch, @QueryParam("resourceVersion") String resourceVersion,
                         @QueryParam("timeoutSeconds") Long timeoutSeconds, @QueryParam("labelSelector") String labels,
                         @QueryParam("fieldSelector") String fields, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        if (TASKS.equals(plural)) {
            return tasks(namespace, watch, labels, fields, accept);
        }
        KubeKinds.Kind kind = kinds.byPlural(plural);
        if (kind == null) {
            return unknownResource(plural);
        }
        if (!KubeKinds.NAMESPACE.equals(namespace)) {
            return list(kind, List.of(), accept);
        }
        Selector labelSelector;
        Selector fieldSelector;
        try {
            labelSelector = Selector.parse(labels);
            fieldSelector = Selector.parse(fields);
        } catch (IllegalArgumentException e) {
            return KubeStatus.badRequest(e.getMessage());
        }
        Supplier<Map<String, ObjectNode>> matching = () -> {
            Map<String, ObjectNode> out = new LinkedHashMap<>();
            ResourceReads r = reads.get();
            String name = fieldSelector.equalTo("metadata.name");
            List<Resource> candidates = name != null ? listOfOne(r.resource(new ResourceKey(kind.kind(), name)))
                    : r.resources().stream().filter(res -> res.kind().equals(kind.kind())).toList();
            for (Resource res : candidates) {
                ObjectNode object = objects.object(res, r);
                if (Selector.matches(labelSelector, fieldSelector, object)) {
                    out.put(res.key().toString(), object);
                }
            }
            return out;
        };
        if ("true".equals(watch) || "1".equals(watch)) {
            boolean table = wantsTable(accept);
            Duration timeout = timeoutSeconds != null && timeoutSeconds > 0 ? Duration.ofSeconds(timeoutSeconds)
                    : KubeWatches.DEFAULT_TIMEOUT;
            org.glassfish.jersey.server.ChunkedOutput<String> stream = watches.open(matching, resourceVersion, timeout,
                    o -> table ? objects.table(List.of(o)) : o);
            if (stream == null) {
                return Response.fromResponse(KubeStatus.of(429, "TooManyRequests", "too many open watches; retry later",
                        null)).header("Retry-After", "15").build();
            }
            // not compressed: a compressing filter would hold the events back until its buffer fills
            return Response.ok(stream).type(MediaType.APPLICATION_JSON_TYPE).header("Content-Encoding", "identity").build();
        }
        return list(kind, List.copyOf(matching.get().values()), accept);
    }

    private static List<Resource> listOfOne(Resource r) {
        return r == null ? List.of() : List.of(r);
    }

    private Response list(KubeKinds.Kind kind, List<ObjectNode> items, String accept) {
        return ok(wantsTable(accept) ? objects.table(items) : objects.list(kind.kind(), items));
    }

    @GET
    @Path("namespaces/{namespace}/{plural}/{object}")
    public Response get(@PathParam("namespace") String namespace, @PathParam("plural") String plural,
                        @PathParam("object") String name, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        if (TASKS.equals(plural)) {
            List<ObjectNode> one = !KubeKinds.NAMESPACE.equals(namespace) ? List.of()
                    : reads.get().tasks().stream().filter(t -> t.taskId().equals(name)).map(objects::task).toList();
            return one.isEmpty() ? KubeStatus.of(404, "NotFound", "tasks \"" + name + "\" not found", null)
                    : ok(wantsTable(accept) ? objects.taskTable(one) : one.get(0));
        }
        return withObject(namespace, plural, name, (kind, object) ->
                ok(wantsTable(accept) ? objects.table(List.of(object)) : object));
    }

    /** The status subresource reads the whole object, as Kubernetes answers it. */
    @GET
    @Path("namespaces/{namespace}/{plural}/{object}/status")
    public Response getStatus(@PathParam("namespace") String namespace, @PathParam("plural") String plural,
                              @PathParam("object") String name) {
        return withObject(namespace, plural, name, (kind, object) -> ok(object));
    }

    @PUT
    @Path("namespaces/{namespace}/{plural}/{object}/status")
    public Response putStatus() {
        return KubeStatus.methodNotAllowed("the status is written by the operator only");
    }

    @PATCH
    @Path("namespaces/{namespace}/{plural}/{object}/status")
    public Response patchStatus() {
        return putStatus();
    }

    /** The request's object (or patch); a body that is none is a 400 Status naming {@code what} it should be. */
    private ParsedDocument parse(String body, String what) {
        try {
            return SpecParser.parse(body, limits);
        } catch (InvalidSpecException e) {
            throw new jakarta.ws.rs.WebApplicationException(KubeStatus.badRequest(what + " is not a valid object: " + e.getMessage()));
        }
    }

    @POST
    @Path("namespaces/{namespace}/{plural}")
    public Response create(@PathParam("namespace") String namespace, @PathParam("plural") String plural,
                           @QueryParam("dryRun") String dryRun, String body) {
        KubeKinds.Kind kind = kinds.byPlural(plural);
        if (kind == null) {
            return unknownResource(plural);
        }
        ParsedDocument document = parse(body, "the body");
        String name = document.tree().path("metadata").path("name").asText("");
        Response wrong = checkTarget(kind, namespace, name, document.tree());
        if (wrong != null) {
            return wrong;
        }
        if (reads.get().resource(new ResourceKey(kind.kind(), name)) != null) {
            return KubeStatus.alreadyExists(kind, name);
        }
        return write(kind, name, document, dryRun != null);
    }

    @PUT
    @Path("namespaces/{namespace}/{plural}/{object}")
    public Response replace(@PathParam("namespace") String namespace, @PathParam("plural") String plural,
                            @PathParam("object") String name, @QueryParam("dryRun") String dryRun, String body) {
        KubeKinds.Kind kind = kinds.byPlural(plural);
        if (kind == null) {
            return unknownResource(plural);
        }
        ParsedDocument document = parse(body, "the body");
        Response wrong = checkTarget(kind, namespace, name, document.tree());
        if (wrong != null) {
            return wrong;
        }
        if (reads.get().resource(new ResourceKey(kind.kind(), name)) == null) {
            return KubeStatus.notFound(kind, name);
        }
        return write(kind, name, document, dryRun != null);
    }

    @PATCH
    @Path("namespaces/{namespace}/{plural}/{object}")
    public Response patch(@PathParam("namespace") String namespace, @PathParam("plural") String plural,
                          @PathParam("object") String name, @QueryParam("dryRun") String dryRun,
                          @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        KubeKinds.Kind kind = kinds.byPlural(plural);
        if (kind == null) {
            return unknownResource(plural);
        }
        String type = contentType == null ? "" : contentType.split(";")[0].trim();
        if (!type.equals(MERGE_PATCH) && !type.equals(APPLY_PATCH)) {
            return KubeStatus.of(415, "UnsupportedMediaType", "the patch type " + type + " is not supported: use a JSON"
                    + " merge patch (" + MERGE_PATCH + ", kubectl patch --type merge) or server-side apply (" + APPLY_PATCH
                    + ")", null);
        }
        ParsedDocument patch = parse(body, "the patch");
        if (!KubeKinds.NAMESPACE.equals(namespace)) {
            return namespaceNotFound(namespace);
        }
        boolean apply = type.equals(APPLY_PATCH);
        for (int attempt = 1; ; attempt++) {
            ResourceReads r = reads.get();
            Resource current = r.resource(new ResourceKey(kind.kind(), name));
            if (current == null) {
                if (!apply) {
                    return KubeStatus.notFound(kind, name);
                }
                Response wrong = checkTarget(kind, namespace, name, patch.tree());
                return wrong != null ? wrong : write(kind, name, patch, dryRun != null);
            }
            ObjectNode base = objects.object(current, r);
            boolean ownVersion = patch.tree().path("metadata").has("resourceVersion");
            ObjectNode merged = (ObjectNode) MergePatch.apply(base, patch.tree());
            Response wrong = checkTarget(kind, namespace, name, merged);
            if (wrong != null) {
                return wrong;
            }
            // the patch applies to the object it was merged into: if that changed meanwhile, merge again
            Response answer = write(kind, name, new ParsedDocument(merged, patch.locations()), dryRun != null);
            if (answer.getStatus() != 409 || ownVersion || attempt == PATCH_ATTEMPTS) {
                return answer;
            }
        }
    }

    @DELETE
    @Path("namespaces/{namespace}/{plural}/{object}")
    public Response delete(@PathParam("namespace") String namespace, @PathParam("plural") String plural,
                           @PathParam("object") String name, @QueryParam("dryRun") String dryRun, String body) {
        return withObject(namespace, plural, name, (kind, object) -> {
            String precondition = null;
            if (body != null && !body.isBlank()) {
                try {
                    precondition = json.readTree(body).path("preconditions").path("resourceVersion").asText(null);
                } catch (java.io.IOException e) {
                    return KubeStatus.badRequest("the DeleteOptions are not valid JSON: " + e.getMessage());
                }
            }
            if (dryRun != null) {
                return ok(object);
            }
            Operator op = writer.get();
            if (op == null) {
                return KubeStatus.unavailable(notLeader.get());
            }
            try {
                if (!op.delete(new ResourceKey(kind.kind(), name), precondition)) {
                    return KubeStatus.notFound(kind, name);
                }
            } catch (Operator.NotActing e) {
                return KubeStatus.unavailable(e.getMessage());
            } catch (ResourceVersionConflict e) {
                return KubeStatus.conflict(kind, name, e.getMessage());
            } catch (StoreException e) {
                return KubeStatus.unavailable("not deleted, ZooKeeper is unavailable: " + e.getMessage());
            }
            return KubeStatus.success(kind, name);
        });
    }

    @GET
    @Path("namespaces/{namespace}/{plural}/{object}/scale")
    public Response getScale(@PathParam("namespace") String namespace, @PathParam("plural") String plural,
                             @PathParam("object") String name) {
        return withObject(namespace, plural, name, (kind, object) -> kind.replicasField() == null
                ? unknownResource(plural + "/scale") : ok(objects.scale(kind, object)));
    }

    /** A Scale (PUT) or a merge patch of one (PATCH, what `kubectl scale` sends): sets the kind's replica field. */
    @PUT
    @Path("namespaces/{namespace}/{plural}/{object}/scale")
    public Response putScale(@PathParam("namespace") String namespace, @PathParam("plural") String plural,
                             @PathParam("object") String name, @QueryParam("dryRun") String dryRun, String body) {
        return scale(namespace, plural, name, dryRun, body, false);
    }

    @PATCH
    @Path("namespaces/{namespace}/{plural}/{object}/scale")
    public Response patchScale(@PathParam("namespace") String namespace, @PathParam("plural") String plural,
                               @PathParam("object") String name, @QueryParam("dryRun") String dryRun,
                               @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        String type = contentType == null ? "" : contentType.split(";")[0].trim();
        if (!type.equals(MERGE_PATCH)) {
            return KubeStatus.of(415, "UnsupportedMediaType", "the scale subresource takes a JSON merge patch ("
                    + MERGE_PATCH + ") or a PUT of a Scale", null);
        }
        return scale(namespace, plural, name, dryRun, body, true);
    }

    private Response scale(String namespace, String plural, String name, String dryRun, String body, boolean patch) {
        JsonNode given;
        try {
            given = json.readTree(body);
        } catch (java.io.IOException e) {
            return KubeStatus.badRequest("the Scale is not valid JSON: " + e.getMessage());
        }
        for (int attempt = 1; ; attempt++) {
            Response answer = withObject(namespace, plural, name, (kind, object) -> {
                if (kind.replicasField() == null) {
                    return unknownResource(plural + "/scale");
                }
                ObjectNode scale = objects.scale(kind, object);
                JsonNode next = patch ? MergePatch.apply(scale, given) : given;
                JsonNode replicas = next.path("spec").path("replicas");
                if (!replicas.canConvertToInt()) {
                    return KubeStatus.invalid(kind, name, List.of(io.mesosoperator.scheduler.spec.FieldError.of(
                            "spec.replicas", "must be an integer")));
                }
                ObjectNode changed = object.deepCopy();
                ((ObjectNode) changed.get("spec")).put(kind.replicasField(), replicas.asInt());
                String version = next.path("metadata").path("resourceVersion").asText(null);
                if (version != null) {
                    ((ObjectNode) changed.get("metadata")).put("resourceVersion", version);
                }
                Response written = write(kind, name, new ParsedDocument(changed, Map.of()), dryRun != null);
                return written.getStatus() / 100 == 2
                        ? Response.status(200).type(MediaType.APPLICATION_JSON_TYPE)
                                .entity(objects.scale(kind, (ObjectNode) written.getEntity())).build()
                        : written;
            });
            boolean ownVersion = given.path("metadata").has("resourceVersion");
            if (answer.getStatus() != 409 || ownVersion || attempt == PATCH_ATTEMPTS) {
                return answer;
            }
        }
    }

    /** Validates and stores (or with dryRun only previews) a Kubernetes object of our kind. */
    private Response write(KubeKinds.Kind kind, String name, ParsedDocument document, boolean dryRun) {
        ObjectNode tree = document.tree().deepCopy();
        if (tree.path("metadata").isObject()) {
            ObjectNode metadata = (ObjectNode) tree.get("metadata");
            // what Kubernetes clients may send that is the server's or means nothing here
            metadata.remove(List.of("managedFields", "selfLink", "generateName", "deletionTimestamp",
                    "deletionGracePeriodSeconds", "finalizers", "ownerReferences"));
            List<String> nulls = new java.util.ArrayList<>();
            metadata.fields().forEachRemaining(e -> {
                if (e.getValue().isNull()) {
                    nulls.add(e.getKey());
                }
            });
            metadata.remove(nulls);
        }
        ParsedDocument cleaned = new ParsedDocument(tree, document.locations());
        ObjectNode validated;
        try {
            validated = validator.validate(cleaned);
        } catch (InvalidSpecException e) {
            return KubeStatus.invalid(kind, name, e.errors());
        }
        ResourceReads r = reads.get();
        if (dryRun) {
            return preview(validated, r.resource(new ResourceKey(kind.kind(), name)), r);
        }
        Operator op = writer.get();
        if (op == null) {
            return KubeStatus.unavailable(notLeader.get());
        }
        Operator.Applied applied;
        try {
            applied = op.apply(validated);
        } catch (Operator.NotActing e) {
            return KubeStatus.unavailable(e.getMessage());
        } catch (InvalidSpecException e) {
            return KubeStatus.invalid(kind, name, SpecValidator.locate(cleaned, e.errors()));
        } catch (TooLargeException e) {
            return KubeStatus.tooLarge("not stored: " + e.getMessage());
        } catch (ResourceVersionConflict e) {
            return e.current() == null ? KubeStatus.notFound(kind, name) : KubeStatus.conflict(kind, name, e.getMessage());
        } catch (StoreException e) {
            return KubeStatus.unavailable("not stored, ZooKeeper is unavailable: " + e.getMessage());
        }
        ObjectNode out = objects.object(applied.resource(), op);
        return Response.status(applied.change() == io.mesosoperator.scheduler.spec.SpecChange.CREATED ? 201 : 200)
                .type(MediaType.APPLICATION_JSON_TYPE).entity(out).build();
    }

    /** What a write would store (dryRun): the validated object with the server's metadata, nothing stored. */
    private Response preview(ObjectNode validated, Resource current, ResourceReads r) {
        ObjectNode out = validated.deepCopy();
        ObjectNode metadata = (ObjectNode) out.get("metadata");
        metadata.remove("resourceVersion");
        metadata.put("namespace", KubeKinds.NAMESPACE);
        if (current == null) {
            metadata.put("generation", 1).put("creationTimestamp", Instant.now().toString())
                    .put("uid", UUID.randomUUID().toString());
            return Response.status(201).type(MediaType.APPLICATION_JSON_TYPE).entity(out).build();
        }
        ObjectNode live = objects.object(current, r);
        boolean specChanged = !current.spec().equals(validated.path("spec"));
        metadata.put("generation", current.generation() + (specChanged ? 1 : 0));
        for (String field : List.of("creationTimestamp", "uid", "resourceVersion")) {
            metadata.set(field, live.path("metadata").get(field));
        }
        if (live.has("status")) {
            out.set("status", live.get("status"));
        }
        return ok(out);
    }

    /** The URL's namespace and name against the object's kind, apiVersion and name. */
    private Response checkTarget(KubeKinds.Kind kind, String namespace, String name, JsonNode object) {
        if (!KubeKinds.NAMESPACE.equals(namespace)) {
            return namespaceNotFound(namespace);
        }
        if (!kind.kind().equals(object.path("kind").asText())) {
            return KubeStatus.badRequest("the object's kind '" + object.path("kind").asText() + "' does not match the"
                    + " URL's " + kind.plural() + " (kind " + kind.kind() + ")");
        }
        if (!KubeKinds.GROUP_VERSION.equals(object.path("apiVersion").asText())) {
            return KubeStatus.badRequest("the object's apiVersion '" + object.path("apiVersion").asText()
                    + "' is not " + KubeKinds.GROUP_VERSION);
        }
        String given = object.path("metadata").path("name").asText("");
        if (!given.equals(name)) {
            return KubeStatus.badRequest("the name of the object (" + given + ") does not match the name in the URL ("
                    + name + ")");
        }
        return null;
    }

    private interface ObjectAction {
        Response apply(KubeKinds.Kind kind, ObjectNode object);
    }

    private Response withObject(String namespace, String plural, String name, ObjectAction action) {
        KubeKinds.Kind kind = kinds.byPlural(plural);
        if (kind == null) {
            return unknownResource(plural);
        }
        if (!KubeKinds.NAMESPACE.equals(namespace)) {
            return namespaceNotFound(namespace);
        }
        ResourceReads r = reads.get();
        Resource resource = r.resource(new ResourceKey(kind.kind(), name));
        return resource == null ? KubeStatus.notFound(kind, name) : action.apply(kind, objects.object(resource, r));
    }

    private static Response namespaceNotFound(String namespace) {
        return KubeStatus.of(404, "NotFound", "namespaces \"" + namespace + "\" not found: this operator has the"
                + " namespace " + KubeKinds.NAMESPACE + " only", null);
    }

    private Response unknownResource(String plural) {
        return KubeStatus.of(404, "NotFound", "the server could not find the requested resource " + plural + " (known: "
                + String.join(", ", kinds.all().stream().map(KubeKinds.Kind::plural).toList()) + ")", null);
    }

    static boolean wantsTable(String accept) {
        return accept != null && accept.contains("as=Table");
    }

    private static Response ok(Object body) {
        return Response.ok(body).type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
