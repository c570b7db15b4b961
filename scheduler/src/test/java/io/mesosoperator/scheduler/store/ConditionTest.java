package io.mesosoperator.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** A condition on the API has Kubernetes' fields, and nothing a Java helper adds. */
class ConditionTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void serializesAsAKubernetesConditionAndReadsWhatOlderOperatorsStored() throws Exception {
        JsonNode written = json.valueToTree(Condition.of(Condition.READY, true, "AllInstancesReady", "3/3 ready").at("t0"));
        assertThat(written.fieldNames()).toIterable()
                .containsExactly("type", "status", "reason", "message", "lastTransitionTime");

        // statuses stored by an operator that still wrote the helper's "true"
        Condition read = json.readValue("""
                {"type": "Ready", "status": "True", "reason": "r", "message": "m", "lastTransitionTime": "t0", "true": true}
                """, Condition.class);
        assertThat(read.isTrue()).isTrue();
        assertThat(read.reason()).isEqualTo("r");
    }
}
