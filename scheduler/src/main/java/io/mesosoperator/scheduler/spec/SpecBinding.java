package io.mesosoperator.scheduler.spec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Binds an accepted spec (validated, defaults applied) to its kind's record. A value still written
 * as a reference to another resource ({@link References}) binds as an empty string: what reads
 * the values resolves them first (kind/ResolvedSpec); what binds the spec for anything else (checks,
 * the restart policy) does not depend on them.
 */
public final class SpecBinding {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private SpecBinding() {}

    public static <T> T bind(JsonNode spec, Class<T> type) {
        try {
            return JSON.treeToValue(References.placeholders(spec), type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // the schema admitted it, so the schema and the record disagree: a bug, not bad input
            throw new IllegalStateException("accepted spec does not map to " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /** A value as a JSON tree (e.g. the content of a configuration file). */
    public static JsonNode tree(Object value) {
        return JSON.valueToTree(value);
    }

    /** Persistent volumes are Mesos reservations, which the unreserved role "*" cannot hold. */
    public static FieldError volumeNeedsRole(String path, String role) {
        return "*".equals(role) ? FieldError.of(path, "persistent volumes need a Mesos role other than \"*\";"
                + " set mesos.role in the operator's configuration") : null;
    }
}
