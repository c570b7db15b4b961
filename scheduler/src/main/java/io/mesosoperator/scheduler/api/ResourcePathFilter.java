package io.mesosoperator.scheduler.api;

import io.mesosoperator.scheduler.spec.NameRule;
import io.mesosoperator.scheduler.spec.SpecValidator;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.Collection;

/**
 * Checks the {kind} and {name} of every API path that has them, before the method runs and so
 * before anything is looked up: an unknown kind is 404 naming the known ones, a name that no
 * resource can have (the rule of metadata.name) is 400 naming the rule. ZooKeeper never sees a
 * path it would refuse.
 */
final class ResourcePathFilter implements ContainerRequestFilter {
    private final SpecValidator validator;
    private final NameRule names;

    ResourcePathFilter(SpecValidator validator) {
        this.validator = validator;
        this.names = validator.nameRule();
    }

    @Override
    public void filter(ContainerRequestContext request) {
        MultivaluedMap<String, String> params = request.getUriInfo().getPathParameters();
        String kind = params.getFirst("kind");
        if (kind != null && !validator.kinds().contains(validator.canonicalKind(kind))) {
            request.abortWith(ApiErrors.of(404, unknownKind(kind, validator.kinds())));
            return;
        }
        String name = params.getFirst("name");
        if (name != null && !names.accepts(name)) {
            request.abortWith(ApiErrors.of(400, "'" + name + "' is not a valid resource name: " + names.describe()));
        }
    }

    static String unknownKind(String kind, Collection<String> known) {
        return "unknown kind '" + kind + "' (known: " + String.join(", ", known) + ")";
    }
}
