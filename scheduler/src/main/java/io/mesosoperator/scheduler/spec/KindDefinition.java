package io.mesosoperator.scheduler.spec;

import java.util.HashSet;
import java.util.Set;

/**
 * What the spec layer knows of a kind: its schema file under resource-specs/, the spec field that
 * counts its instances ({@code countField}: what `kubectl scale` and the autoscaler set; null for a
 * kind without one), which spec fields may change without a rolling update (scaling), and which may
 * not change at all once the resource exists ({@code fixedFields}: a change is refused, naming the field).
 */
public record KindDefinition(String kind, String schemaFile, String countField, Set<String> scaleFields,
                             Set<String> fixedFields) {
    /**
     * Spec fields of every kind that steer the plan or the operator, not the tasks: changing them
     * replaces nothing (autoscale steers the count, which is a scale field itself).
     */
    public static final Set<String> PLAN_FIELDS = Set.of("strategy", "autoscale");

    public KindDefinition {
        if (countField != null && !scaleFields.contains(countField)) {
            throw new IllegalArgumentException(kind + "." + countField + " counts its instances, so it must be a scale field");
        }
    }

    /** A kind whose every field may change. */
    public KindDefinition(String kind, String schemaFile, String countField, Set<String> scaleFields) {
        this(kind, schemaFile, countField, scaleFields, Set.of());
    }

    /** The fields a task's configuration hash leaves out: scale and plan fields. */
    public Set<String> untaskedFields() {
        Set<String> out = new HashSet<>(scaleFields);
        out.addAll(PLAN_FIELDS);
        return out;
    }
}
