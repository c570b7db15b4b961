package io.mesosoperator.scheduler.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.operator.Operator;
import io.mesosoperator.scheduler.spec.FieldError;
import io.mesosoperator.scheduler.spec.InvalidSpecException;
import io.mesosoperator.scheduler.spec.ParsedDocument;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.spec.SpecLimits;
import io.mesosoperator.scheduler.spec.SpecParser;
import io.mesosoperator.scheduler.spec.SpecValidator;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.ResourceVersionConflict;
import io.mesosoperator.scheduler.store.StoreException;
import io.mesosoperator.scheduler.store.TooLargeException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/**
 * /v1/resources: apply (create or update from YAML or JSON), get, list, delete, and the status
 * and events of one resource. Validation happens here, before anything is stored, so a refused
 * spec changes nothing that runs.
 *
 * <p>Every resource read carries {@code metadata.resourceVersion}, which changes with every write
 * of its spec or status. A write based on one (apply: in the document's metadata; delete, plan
 * control and rollback: {@code ?resourceVersion=}) that is no longer current answers 409 and
 * changes nothing; a write without one is applied to whatever is current (the last writer wins).
 */
@Path("/v1/resources")
@Produces(MediaType.APPLICATION_JSON)
public final class ResourcesApi {
    private final OperatorAccess access;
    private final SpecValidator validator;
    private final ObjectMapper json;
    private final SpecLimits limits;

    public ResourcesApi(OperatorAccess access, SpecValidator validator, ObjectMapper json) {
        this(access, validator, json, SpecLimits.DEFAULTS);
    }

    public ResourcesApi(OperatorAccess access, SpecValidator validator, ObjectMapper json, SpecLimits limits) {
        this.access = access;
        this.validator = validator;
        this.json = json;
        this.limits = limits;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response apply(String body) {
        ObjectNode validated;
        ParsedDocument document;
        try {
            document = SpecParser.parse(body, limits);
            validated = validator.validate(document);
        } catch (InvalidSpecException e) {
            return ApiErrors.of(422, e.errors());
        }
        Operator.Applied applied;
        try {
            applied = access.writer().apply(validated);
        } catch (OperatorAccess.NotLeader e) {
            return e.response;
        } catch (Operator.NotActing e) {
            return ApiErrors.of(503, e.getMessage());
        } catch (InvalidSpecException e) {
            return ApiErrors.of(422, SpecValidator.locate(document, e.errors()));
        } catch (TooLargeException e) {
            return ApiErrors.of(413, "not stored: " + e.getMessage());
        } catch (ResourceVersionConflict e) {
            return ApiErrors.conflict(e, document);
        } catch (StoreException e) {
            return ApiErrors.of(503, "not stored, ZooKeeper is unavailable: " + e.getMessage());
        }
        ObjectNode out = view(applied);
        return Response.status(applied.change() == io.mesosoperator.scheduler.spec.SpecChange.CREATED ? 201 : 200)
                .entity(out).build();
    }

    @GET
    public Response list(@QueryParam("kind") String kind) {
        ArrayNode items = json.createArrayNode();
        String wanted = kind == null ? null : validator.canonicalKind(kind);
        access.reads().resources().stream().filter(r -> wanted == null || r.kind().equals(wanted)).forEach(r -> items.add(view(r)));
        ObjectNode out = json.createObjectNode();
        out.set("items", items);
        return Response.ok(out).build();
    }

    @GET
    @Path("/{kind}/{name}")
    public Response get(@PathParam("kind") String kind, @PathParam("name") String name) {
        Resource r = access.reads().resource(key(kind, name));
        return r == null ? notFound(kind, name) : Response.ok(view(r)).build();
    }

    @GET
    @Path("/{kind}/{name}/status")
    public Response status(@PathParam("kind") String kind, @PathParam("name") String name) {
        return ifExists(kind, name, key -> {
            ResourceStatus status = access.reads().status(key);
            return status == null ? json.createObjectNode() : json.valueToTree(status);
        });
    }

    @GET
    @Path("/{kind}/{name}/events")
    public Response events(@PathParam("kind") String kind, @PathParam("name") String name) {
        return ifExists(kind, name, key -> Map.of("items", access.reads().events(key)));
    }

    private Response ifExists(String kind, String name, java.util.function.Function<ResourceKey, Object> body) {
        ResourceKey key = key(kind, name);
        return access.reads().resource(key) == null ? notFound(kind, name) : Response.ok(body.apply(key)).build();
    }

    /** The deploy plan: one step per instance, with the blocker of each step that waits. */
    @GET
    @Path("/{kind}/{name}/plan")
    public Response plan(@PathParam("kind") String kind, @PathParam("name") String name) {
        return ifExists(kind, name, key -> io.mesosoperator.scheduler.plan.PlanView.deploy(key,
                access.reads().status(key), access.reads()));
    }

    /** plan pause | continue (also approves a canary's configuration) | restart (redeploys every instance). */
    @POST
    @Path("/{kind}/{name}/plan/{action}")
    public Response controlPlan(@PathParam("kind") String kind, @PathParam("name") String name,
                                @PathParam("action") String action, @QueryParam("resourceVersion") String resourceVersion) {
        ResourceKey key = key(kind, name);
        if (access.reads().resource(key) == null) {
            return notFound(kind, name);
        }
        Operator.PlanAction planAction;
        try {
            planAction = Operator.PlanAction.valueOf(action.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return ApiErrors.of(404, "unknown plan action '" + action + "' (known: pause, continue, restart)");
        }
        try {
            io.mesosoperator.scheduler.store.PlanState state = access.writer().controlPlan(key, planAction, resourceVersion);
            return Response.ok(Map.of("resource", key.toString(), "action", action.toLowerCase(java.util.Locale.ROOT),
                    "paused", state.paused(), "restarts", state.restarts())).build();
        } catch (OperatorAccess.NotLeader e) {
            return e.response;
        } catch (Operator.NotActing e) {
            return ApiErrors.of(503, e.getMessage());
        } catch (ResourceVersionConflict e) {
            return ApiErrors.conflict(e);
        } catch (StoreException e) {
            return ApiErrors.of(503, "plan unchanged, ZooKeeper is unavailable: " + e.getMessage());
        }
    }

    @GET
    @Path("/{kind}/{name}/history")
    public Response history(@PathParam("kind") String kind, @PathParam("name") String name) {
        return ifExists(kind, name, key -> Map.of("items", access.reads().history(key)));
    }

    /** Applies the spec of an earlier generation (default: the one before the current) as a new generation. */
    @POST
    @Path("/{kind}/{name}/rollback")
    public Response rollback(@PathParam("kind") String kind, @PathParam("name") String name,
                             @QueryParam("toGeneration") Long toGeneration, @QueryParam("resourceVersion") String resourceVersion) {
        ResourceKey key = key(kind, name);
        Resource current = access.reads().resource(key);
        if (current == null) {
            return notFound(kind, name);
        }
        List<ObjectNode> history = access.reads().history(key);
        long wanted = toGeneration != null ? toGeneration : history.stream()
                .mapToLong(h -> h.path("generation").asLong()).filter(g -> g < current.generation()).max().orElse(-1);
        ObjectNode target = history.stream().filter(h -> h.path("generation").asLong() == wanted).findFirst().orElse(null);
        if (target == null) {
            String kept = history.stream().map(h -> h.path("generation").asText()).collect(java.util.stream.Collectors.joining(", "));
            return ApiErrors.of(422, List.of(FieldError.of("toGeneration", wanted < 0 ? "there is no earlier generation to roll back to"
                    : "generation " + wanted + " is not in the kept history (kept: " + kept + ")")));
        }
        ObjectNode validated;
        try {
            validated = validator.validate(new ParsedDocument((ObjectNode) target.get("resource"), Map.of()));
            if (resourceVersion != null) {
                ((ObjectNode) validated.get("metadata")).put("resourceVersion", resourceVersion);
            }
            Operator.Applied applied = access.writer().apply(validated);
            ObjectNode out = view(applied);
            out.put("rolledBackTo", wanted);
            return Response.ok(out).build();
        } catch (OperatorAccess.NotLeader e) {
            return e.response;
        } catch (Operator.NotActing e) {
            return ApiErrors.of(503, e.getMessage());
        } catch (InvalidSpecException e) {
            return ApiErrors.of(422, e.errors());
        } catch (ResourceVersionConflict e) {
            return ApiErrors.conflict(e);
        } catch (StoreException e) {
            return ApiErrors.of(503, "not rolled back, ZooKeeper is unavailable: " + e.getMessage());
        }
    }

    /** Restarts all instances, or one: same place, same volume. */
    @POST
    @Path("/{kind}/{name}/restart")
    public Response restart(@PathParam("kind") String kind, @PathParam("name") String name,
                            @QueryParam("instance") Integer instance) {
        return podVerb(kind, name, instance, "restarted", op -> op.restart(key(kind, name), instance));
    }

    /** Kills a job's current run without a retry (its status records Killed); refused for kinds that are not jobs. */
    @POST
    @Path("/{kind}/{name}/kill")
    public Response kill(@PathParam("kind") String kind, @PathParam("name") String name) {
        ResourceKey key = key(kind, name);
        if (access.reads().resource(key) == null) {
            return notFound(kind, name);
        }
        try {
            int killed = access.writer().killJob(key);
            return Response.ok(Map.of("resource", key.toString(), "action", "killed", "tasksKilled", killed)).build();
        } catch (IllegalArgumentException e) {
            return ApiErrors.of(422, List.of(FieldError.of("kind", e.getMessage())));
        } catch (OperatorAccess.NotLeader e) {
            return e.response;
        } catch (Operator.NotActing e) {
            return ApiErrors.of(503, e.getMessage());
        } catch (StoreException e) {
            return ApiErrors.of(503, "not killed, ZooKeeper is unavailable: " + e.getMessage());
        }
    }

    /** Replaces one instance: a new place and, for stateful instances, a new volume. */
    @POST
    @Path("/{kind}/{name}/replace")
    public Response replace(@PathParam("kind") String kind, @PathParam("name") String name,
                            @QueryParam("instance") Integer instance) {
        if (instance == null) {
            return ApiErrors.of(422, List.of(FieldError.of("instance", "is required: replace works on one instance")));
        }
        return podVerb(kind, name, instance, "replaced", op -> op.replace(key(kind, name), instance));
    }

    private Response podVerb(String kind, String name, Integer instance, String verb,
                             java.util.function.ToIntFunction<Operator> action) {
        ResourceKey key = key(kind, name);
        Resource resource = access.reads().resource(key);
        if (resource == null) {
            return notFound(kind, name);
        }
        ResourceStatus status = access.reads().status(key);
        if (instance != null && (status == null || status.instance(instance) == null)) {
            return ApiErrors.of(422, List.of(FieldError.of("instance", "no instance " + instance + " in " + key)));
        }
        try {
            int killed = action.applyAsInt(access.writer());
            return Response.ok(Map.of("resource", key.toString(), "instance", instance == null ? "all" : instance,
                    "action", verb, "tasksKilled", killed)).build();
        } catch (OperatorAccess.NotLeader e) {
            return e.response;
        } catch (Operator.NotActing e) {
            return ApiErrors.of(503, e.getMessage());
        }
    }

    @DELETE
    @Path("/{kind}/{name}")
    public Response delete(@PathParam("kind") String kind, @PathParam("name") String name,
                           @QueryParam("resourceVersion") String resourceVersion) {
        ResourceKey key = key(kind, name);
        try {
            if (!access.writer().delete(key, resourceVersion)) {
                return notFound(kind, name);
            }
        } catch (OperatorAccess.NotLeader e) {
            return e.response;
        } catch (Operator.NotActing e) {
            return ApiErrors.of(503, e.getMessage());
        } catch (ResourceVersionConflict e) {
            return ApiErrors.conflict(e);
        } catch (StoreException e) {
            return ApiErrors.of(503, "not deleted, ZooKeeper is unavailable: " + e.getMessage());
        }
        return Response.ok(Map.of("kind", key.kind(), "name", key.name(), "deleted", true,
                "message", "deleted; its tasks are being killed")).build();
    }

    private ResourceKey key(String kind, String name) {
        return new ResourceKey(validator.canonicalKind(kind), name);
    }

    /** (An unknown kind or a malformed name never gets here: {@link ResourcePathFilter}.) */
    private Response notFound(String kind, String name) {
        return ApiErrors.of(404, validator.canonicalKind(kind) + "/" + name + " not found");
    }

    /** The stored resource and how the write changed it. */
    private ObjectNode view(Operator.Applied applied) {
        ObjectNode out = view(applied.resource());
        out.put("change", applied.change().verb());
        return out;
    }

    /** The resource with its resourceVersion and its status. */
    private ObjectNode view(Resource resource) {
        ObjectNode out = resource.toJson();
        ResourceReads reads = access.reads();
        String version = reads.resourceVersion(resource);
        if (version != null) {
            ((ObjectNode) out.get("metadata")).put("resourceVersion", version);
        }
        ResourceStatus status = reads.status(resource.key());
        if (status != null) {
            out.set("status", json.valueToTree(status));
        }
        return out;
    }
}
