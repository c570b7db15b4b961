package io.mesosoperator.scheduler.kind;

import io.mesosoperator.scheduler.spec.KindDefinition;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.SpecBinding;
import io.mesosoperator.scheduler.spec.SpecValidator;
import java.util.List;

/**
 * Reads a resource's spec as the kind's schema reads it today: a spec stored before its schema
 * gained a default (an operator upgraded under running resources) gets that default, so the
 * defaults live in the schema only and no kind repeats them in code.
 *
 * @param <S> the kind's spec type
 */
public final class SpecReader<S> {
    private final SpecValidator schema;
    private final Class<S> type;

    public SpecReader(KindDefinition kind, Class<S> type) {
        this.schema = new SpecValidator(List.of(kind));
        this.type = type;
    }

    public S read(Resource resource) {
        return SpecBinding.bind(schema.withDefaults(resource).path("spec"), type);
    }
}
