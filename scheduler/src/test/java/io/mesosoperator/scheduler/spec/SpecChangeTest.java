package io.mesosoperator.scheduler.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mesosoperator.scheduler.service.ServiceReconciler;
import org.junit.jupiter.api.Test;

class SpecChangeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode spec(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void classifiesChanges() throws Exception {
        JsonNode running = spec("{\"instances\":3,\"command\":\"a\",\"mem\":64}");
        assertThat(SpecChange.classify(null, running, ServiceReconciler.KIND)).isEqualTo(SpecChange.CREATED);
        assertThat(SpecChange.classify(running, spec("{\"instances\":3,\"command\":\"a\",\"mem\":64}"), ServiceReconciler.KIND))
                .isEqualTo(SpecChange.NO_OP);
        assertThat(SpecChange.classify(running, spec("{\"instances\":5,\"command\":\"a\",\"mem\":64}"), ServiceReconciler.KIND))
                .isEqualTo(SpecChange.SCALE);
        assertThat(SpecChange.classify(running, spec("{\"instances\":3,\"command\":\"b\",\"mem\":64}"), ServiceReconciler.KIND))
                .isEqualTo(SpecChange.ROLLING_UPDATE);
        assertThat(SpecChange.classify(running, spec("{\"instances\":5,\"command\":\"a\",\"mem\":128}"), ServiceReconciler.KIND))
                .isEqualTo(SpecChange.ROLLING_UPDATE);
        // the plan's strategy steers the rollout, it replaces no task
        assertThat(SpecChange.classify(running, spec("{\"instances\":3,\"command\":\"a\",\"mem\":64,\"strategy\":\"canary\"}"),
                ServiceReconciler.KIND)).isEqualTo(SpecChange.PLAN_CHANGE);
    }

    @Test
    void aFixedFieldCannotChangeOnceTheResourceExists() throws Exception {
        KindDefinition kind = new KindDefinition("Thing", "thing.schema.json", "count", java.util.Set.of("count"),
                java.util.Set.of("mode"));
        JsonNode running = spec("{\"count\":3,\"mode\":\"a\"}");
        assertThat(SpecChange.classify(running, spec("{\"count\":4,\"mode\":\"a\"}"), kind)).isEqualTo(SpecChange.SCALE);
        assertThat(SpecChange.classify(running, spec("{\"count\":4,\"mode\":\"b\"}"), kind)).isEqualTo(SpecChange.FORBIDDEN);
        assertThat(SpecChange.forbidden(running, spec("{\"count\":4,\"mode\":\"b\"}"), kind))
                .extracting(FieldError::describe).containsExactly("spec.mode: cannot change once the resource exists"
                        + " (it is \"a\"); delete and re-create the resource to change it");
        assertThat(SpecChange.forbidden(null, running, kind)).isEmpty();
    }

    @Test
    void fieldOrderDoesNotMatter() throws Exception {
        assertThat(SpecChange.classify(spec("{\"a\":1,\"b\":{\"x\":1,\"y\":2}}"), spec("{\"b\":{\"y\":2,\"x\":1},\"a\":1}"),
                ServiceReconciler.KIND)).isEqualTo(SpecChange.NO_OP);
    }
}
