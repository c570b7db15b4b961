package io.mesosoperator.scheduler.spec;

import java.util.HashSet;
import java.util.Set;

/**
 * What the spec layer knows of a kind: its schema file under resource-specs/ and which spec
 * fields may change without a rolling update (scaling).
 */
public record KindDefinition(String kind, String schemaFile, Set<String> scaleFields) {
    /** Spec fields of every kind that steer the plan, not the tasks: changing them replaces nothing. */
    public static final Set<String> PLAN_FIELDS = Set.of("strategy");

    /** The fields a task's configuration hash leaves out: scale and plan fields. */
    public Set<String> untaskedFields() {
        Set<String> out = new HashSet<>(scaleFields);
        out.addAll(PLAN_FIELDS);
        return out;
    }
}
