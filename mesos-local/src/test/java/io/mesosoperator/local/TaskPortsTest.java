package io.mesosoperator.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Agents' task ports stay below the OS's ephemeral range, where no outgoing connection takes them. */
class TaskPortsTest {
    @Test
    void rangesAreDisjointNonEmptyAndBelowTheEphemeralPorts() {
        for (int agents : new int[] {1, 3, 4, 12, 40}) {
            long previousEnd = 19_999;
            for (int i = 0; i < agents; i++) {
                long[] r = MesosLocalCluster.taskPorts(i, agents);
                assertThat(r[1]).isGreaterThanOrEqualTo(r[0]);
                assertThat(r[0]).isGreaterThan(previousEnd);
                assertThat(r[1]).isLessThan(MesosLocalCluster.ephemeralStart());
                previousEnd = r[1];
            }
        }
    }
}
