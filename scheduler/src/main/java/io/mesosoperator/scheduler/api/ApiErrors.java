package io.mesosoperator.scheduler.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mesosoperator.scheduler.spec.FieldError;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** The one error shape of the API: {"errors":[{"path":..,"message":..,"line":..,"column":..}]}. */
final class ApiErrors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiErrors() {}

    static Response of(int status, List<FieldError> errors) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body(errors)).build();
    }

    static Response of(int status, String message) {
        return of(status, List.of(FieldError.of("", message)));
    }

    /** The same shape from a plain servlet or filter (the event stream, the admin port), outside Jersey. */
    static void write(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON);
        response.setCharacterEncoding("UTF-8");
        JSON.writeValue(response.getOutputStream(), body(List.of(FieldError.of("", message))));
    }

    private static Map<String, List<FieldError>> body(List<FieldError> errors) {
        return Map.of("errors", errors);
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
