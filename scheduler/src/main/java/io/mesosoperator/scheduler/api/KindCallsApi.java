package io.mesosoperator.scheduler.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.mesosoperator.scheduler.kind.KindCall;
import io.mesosoperator.scheduler.operator.Operator;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.spec.SpecValidator;
import io.mesosoperator.scheduler.store.StoreException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * The kinds' own calls on a resource's running work, under {@code /v1/resources/{kind}/{name}/runs/}:
 * a SparkJob's driver asks here for its executors ({@code runs/R/attempts/A/executors},
 * docs/spark-executors.md). The kind answers ({@link KindCall}) on the acting operator's loop; a
 * follower answers 503 naming the leader, which the caller retries.
 */
@Path("/v1/resources/{kind}/{name}/runs/{rest: .+}")
@Produces(MediaType.APPLICATION_JSON)
public final class KindCallsApi {
    private final OperatorAccess access;
    private final SpecValidator validator;

    KindCallsApi(OperatorAccess access, SpecValidator validator) {
        this.access = access;
        this.validator = validator;
    }

    @GET
    public Response get(@PathParam("kind") String kind, @PathParam("name") String name, @PathParam("rest") String rest) {
        return call(kind, name, "GET", rest, null);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Response put(@PathParam("kind") String kind, @PathParam("name") String name, @PathParam("rest") String rest,
                        JsonNode body) {
        return call(kind, name, "PUT", rest, body);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response post(@PathParam("kind") String kind, @PathParam("name") String name, @PathParam("rest") String rest,
                         JsonNode body) {
        return call(kind, name, "POST", rest, body);
    }

    @DELETE
    public Response delete(@PathParam("kind") String kind, @PathParam("name") String name, @PathParam("rest") String rest) {
        return call(kind, name, "DELETE", rest, null);
    }

    private Response call(String kind, String name, String method, String rest, JsonNode body) {
        ResourceKey key = new ResourceKey(validator.canonicalKind(kind), name);
        List<String> path = new java.util.ArrayList<>(List.of("runs"));
        path.addAll(List.of(rest.split("/")));
        try {
            KindCall.Answer answer = access.writer().kindCall(key, new KindCall(method, List.copyOf(path), body));
            if (answer == null) {
                return ApiErrors.of(404, key + " not found, or it has no runs/" + rest);
            }
            return Response.status(answer.code()).entity(answer.body()).type(MediaType.APPLICATION_JSON).build();
        } catch (OperatorAccess.NotLeader e) {
            return e.response;
        } catch (Operator.NotActing e) {
            return ApiErrors.of(503, e.getMessage());
        } catch (StoreException e) {
            return ApiErrors.of(503, "not changed, ZooKeeper is unavailable: " + e.getMessage());
        }
    }
}
