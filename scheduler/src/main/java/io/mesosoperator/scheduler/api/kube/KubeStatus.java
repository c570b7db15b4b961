package io.mesosoperator.scheduler.api.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.spec.FieldError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.stream.Collectors;

/** Errors as Kubernetes {@code Status} objects (kind Status, reason, details), which kubectl prints as it does a cluster's. */
final class KubeStatus {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KubeStatus() {}

    static Response of(int code, String reason, String message, ObjectNode details) {
        ObjectNode status = JSON.createObjectNode();
        status.put("kind", "Status").put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", code < 400 ? "Success" : "Failure");
        status.put("message", message);
        status.put("reason", reason);
        if (details != null) {
            status.set("details", details);
        }
        status.put("code", code);
        return Response.status(code).type(MediaType.APPLICATION_JSON_TYPE).entity(status).build();
    }

    private static ObjectNode details(KubeKinds.Kind kind, String name) {
        ObjectNode d = JSON.createObjectNode();
        if (name != null) {
            d.put("name", name);
        }
        d.put("group", KubeKinds.GROUP);
        d.put("kind", kind.plural());
        return d;
    }

    static Response notFound(KubeKinds.Kind kind, String name) {
        return of(404, "NotFound", kind.qualified() + " \"" + name + "\" not found", details(kind, name));
    }

    static Response alreadyExists(KubeKinds.Kind kind, String name) {
        return of(409, "AlreadyExists", kind.qualified() + " \"" + name + "\" already exists", details(kind, name));
    }

    static Response conflict(KubeKinds.Kind kind, String name, String why) {
        return of(409, "Conflict", "Operation cannot be fulfilled on " + kind.qualified() + " \"" + name
                + "\": the object has been modified; please apply your changes to the latest version and try again ("
                + why + ")", details(kind, name));
    }

    /** 422 with one cause per field, as kubectl prints them ("The Service "x" is invalid: spec.instances: ..."). */
    static Response invalid(KubeKinds.Kind kind, String name, List<FieldError> errors) {
        ObjectNode d = details(kind, name);
        d.put("kind", kind.kind());
        ArrayNode causes = d.putArray("causes");
        for (FieldError e : errors) {
            causes.addObject().put("reason", "FieldValueInvalid").put("message", e.message())
                    .put("field", e.path());
        }
        // no line and column: clients send JSON of their own making, not the user's file
        String list = errors.stream().map(e -> (e.path().isEmpty() ? "" : e.path() + ": ") + e.message())
                .collect(Collectors.joining(", "));
        return of(422, "Invalid", kind.kind() + "." + KubeKinds.GROUP + " \"" + name + "\" is invalid: " + list, d);
    }

    static Response badRequest(String message) {
        return of(400, "BadRequest", message, null);
    }

    static Response methodNotAllowed(String message) {
        return of(405, "MethodNotAllowed", message, null);
    }

    static Response unavailable(String message) {
        return of(503, "ServiceUnavailable", message, null);
    }

    static Response tooLarge(String message) {
        return of(413, "RequestEntityTooLarge", message, null);
    }

    static Response success(KubeKinds.Kind kind, String name) {
        return of(200, "", kind.qualified() + " \"" + name + "\" deleted", details(kind, name));
    }
}
