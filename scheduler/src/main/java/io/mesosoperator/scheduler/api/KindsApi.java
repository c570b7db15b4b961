package io.mesosoperator.scheduler.api;

import io.mesosoperator.scheduler.spec.KindDefinition;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/**
 * GET /v1/kinds: the kinds this operator runs, with the spec fields that scale a resource without a
 * rolling update (what the dashboard offers to scale).
 */
@Path("/v1/kinds")
@Produces(MediaType.APPLICATION_JSON)
public final class KindsApi {
    /** One kind as the API shows it. */
    public record Kind(String kind, List<String> scaleFields) {}

    private final List<Kind> kinds;

    KindsApi(List<KindDefinition> definitions) {
        this.kinds = definitions.stream().map(d -> new Kind(d.kind(), d.scaleFields().stream().sorted().toList())).toList();
    }

    @GET
    public Map<String, List<Kind>> list() {
        return Map.of("items", kinds);
    }
}
