package io.mesosoperator.scheduler.spec;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a new spec differs from the running one (DESIGN.md section 2): nothing, only the count
 * (scale), only how the plan deploys (strategy), task configuration (rolling update), or a field
 * the kind fixes once the resource exists (forbidden: refused, see {@link #forbidden}).
 */
public enum SpecChange {
    CREATED, NO_OP, SCALE, PLAN_CHANGE, ROLLING_UPDATE, FORBIDDEN;

    public static SpecChange classify(JsonNode running, JsonNode next, KindDefinition kind) {
        if (running == null) {
            return CREATED;
        }
        if (running.equals(next)) {
            return NO_OP;
        }
        Set<String> changed = changedFields(running, next);
        if (changed.stream().anyMatch(kind.fixedFields()::contains)) {
            return FORBIDDEN;
        }
        return kind.scaleFields().containsAll(changed) ? SCALE
                : kind.untaskedFields().containsAll(changed) ? PLAN_CHANGE : ROLLING_UPDATE;
    }

    /** Why a change is forbidden: one error per fixed field it changes (empty for a new resource or an allowed change). */
    public static List<FieldError> forbidden(JsonNode running, JsonNode next, KindDefinition kind) {
        List<FieldError> errors = new ArrayList<>();
        if (running == null) {
            return errors;
        }
        for (String field : changedFields(running, next)) {
            if (kind.fixedFields().contains(field)) {
                errors.add(FieldError.of("spec." + field, "cannot change once the resource exists (it is "
                        + (running.has(field) ? running.get(field).toString() : "unset")
                        + "); delete and re-create the resource to change it"));
            }
        }
        return errors;
    }

    /** Top-level spec fields whose values differ. */
    public static Set<String> changedFields(JsonNode a, JsonNode b) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        names.removeIf(n -> Objects.equals(a.get(n), b.get(n)));
        return names;
    }

    /** kubectl's words: "created", "unchanged", "configured". */
    public String verb() {
        return switch (this) {
            case CREATED -> "created";
            case NO_OP -> "unchanged";
            case SCALE -> "scaled";
            case PLAN_CHANGE, ROLLING_UPDATE -> "configured";
            case FORBIDDEN -> "refused";
        };
    }
}
