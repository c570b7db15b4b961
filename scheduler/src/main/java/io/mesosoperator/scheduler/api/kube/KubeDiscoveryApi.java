package io.mesosoperator.scheduler.api.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * What a Kubernetes client asks first: the API groups (/apis: ours), the server version
 * (/version) and the OpenAPI v3 documents (/openapi/v3), from which kubectl learns that the
 * server validates fields itself and how to patch.
 */
@Path("/")
@Produces(MediaType.WILDCARD)
public final class KubeDiscoveryApi {
    /** The Kubernetes API version this surface follows (what kubectl compares its own with). */
    static final String KUBERNETES_MINOR = "32";

    private final ObjectMapper json;
    private final KubeOpenApi openApi;

    public KubeDiscoveryApi(ObjectMapper json, KubeOpenApi openApi) {
        this.json = json;
        this.openApi = openApi;
    }

    @GET
    @Path("apis")
    public Response groups() {
        ObjectNode out = json.createObjectNode();
        out.put("kind", "APIGroupList").put("apiVersion", "v1");
        out.putArray("groups").add(group());
        return ok(out);
    }

    @GET
    @Path("apis/" + KubeKinds.GROUP)
    public Response ourGroup() {
        return ok(group());
    }

    private ObjectNode group() {
        ObjectNode group = json.createObjectNode();
        group.put("kind", "APIGroup").put("apiVersion", "v1").put("name", KubeKinds.GROUP);
        ObjectNode version = json.createObjectNode().put("groupVersion", KubeKinds.GROUP_VERSION)
                .put("version", KubeKinds.VERSION);
        group.putArray("versions").add(version);
        group.set("preferredVersion", version.deepCopy());
        return group;
    }

    @GET
    @Path("version")
    public Response version() {
        ObjectNode out = json.createObjectNode();
        String version = OperatorVersion.get();
        out.put("major", "1").put("minor", KUBERNETES_MINOR)
                .put("gitVersion", "v1." + KUBERNETES_MINOR + ".0+mesos-operator-" + version)
                .put("gitCommit", "").put("gitTreeState", "").put("buildDate", "")
                .put("goVersion", "").put("compiler", "").put("platform", "java/" + System.getProperty("java.version"));
        return ok(out);
    }

    @GET
    @Path("openapi/v3")
    public Response openApiIndex() {
        return ok(openApi.index());
    }

    @GET
    @Path("openapi/v3/apis/" + KubeKinds.GROUP_VERSION)
    public Response openApiGroupVersion() {
        return ok(openApi.groupVersion());
    }

    private static Response ok(Object body) {
        return Response.ok(body).type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** The operator's own version, from its jar's manifest (unknown when run from classes). */
    static final class OperatorVersion {
        private OperatorVersion() {}

        static String get() {
            String v = KubeDiscoveryApi.class.getPackage().getImplementationVersion();
            return v == null ? "dev" : v;
        }
    }
}
