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

    /** 409: the write was based on a resourceVersion that is not the current one (the message names it). */
    static Response conflict(io.mesosoperator.scheduler.store.ResourceVersionConflict e) {
        return conflict(e, null);
    }

    /** The same, with the line of the document's metadata.resourceVersion when the document is known. */
    static Response conflict(io.mesosoperator.scheduler.store.ResourceVersionConflict e,
                             io.mesosoperator.scheduler.spec.ParsedDocument document) {
        List<FieldError> errors = List.of(FieldError.of("metadata.resourceVersion", e.getMessage()));
        return of(409, document == null ? errors : io.mesosoperator.scheduler.spec.SpecValidator.locate(document, errors));
    }
}
