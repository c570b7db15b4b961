package io.mesosoperator.scheduler.api;

import io.mesosoperator.scheduler.spec.FieldError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/** The one error shape of the API: {"errors":[{"path":..,"message":..,"line":..,"column":..}]}. */
final class ApiErrors {
    private ApiErrors() {}

    static Response of(int status, List<FieldError> errors) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("errors", errors)).build();
    }

    static Response of(int status, String message) {
        return of(status, List.of(FieldError.of("", message)));
    }
}
