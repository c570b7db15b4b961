package io.mesosoperator.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The autoscaler's decision is no part of what a reconciliation derives: every copy keeps it. */
class ResourceStatusTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void everyCopyKeepsTheAutoscalersDecisionAndTheStoredStatusReadsBack() throws Exception {
        JsonNode decision = json.readTree("{\"currentReplicas\": 1, \"desiredReplicas\": 3, \"reason\": \"ScaleUp\"}");
        ResourceStatus status = new ResourceStatus(2, "Running", 1, 1, List.of(), List.of(), null, null).withAutoscale(decision);

        assertThat(status.withConditions(List.of(Condition.of(Condition.READY, true, "AllInstancesReady", "1/1"))).autoscale())
                .isEqualTo(decision);
        assertThat(status.withInstances(List.of()).autoscale()).isEqualTo(decision);
        assertThat(status.withWorkload(json.createObjectNode()).autoscale()).isEqualTo(decision);
        assertThat(json.readValue(json.writeValueAsString(status), ResourceStatus.class)).isEqualTo(status);
    }
}
