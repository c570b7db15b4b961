package io.mesosoperator.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Agents' task ports stay below the OS's ephemeral range, where no outgoing connection takes them,
 * and two local clusters on one machine never offer the same port.
 */
class TaskPortsTest {
    @Test
    void twoClustersLeaseDisjointRangesBelowTheEphemeralPortsAndGiveThemBack() {
        List<TaskPortBlocks.Lease> first = TaskPortBlocks.lease(3);
        List<TaskPortBlocks.Lease> second = TaskPortBlocks.lease(2);
        List<TaskPortBlocks.Lease> all = new ArrayList<>(first);
        all.addAll(second);
        try {
            for (TaskPortBlocks.Lease a : all) {
                assertThat(a.lock()).as("leased, not shared").isNotNull();
                assertThat(a.begin()).isGreaterThanOrEqualTo(20_000);
                assertThat(a.end()).isGreaterThan(a.begin()).isLessThan(TaskPortBlocks.ephemeralStart());
                for (TaskPortBlocks.Lease b : all) {
                    if (a != b) {
                        assertThat(a.end() < b.begin() || b.end() < a.begin()).as("%s-%s vs %s-%s", a.begin(), a.end(),
                                b.begin(), b.end()).isTrue();
                    }
                }
            }
        } finally {
            first.forEach(TaskPortBlocks.Lease::close);
        }
        // the first cluster's blocks are free again once it stops
        List<TaskPortBlocks.Lease> third = TaskPortBlocks.lease(3);
        try {
            assertThat(third).extracting(TaskPortBlocks.Lease::begin)
                    .containsAnyElementsOf(first.stream().map(TaskPortBlocks.Lease::begin).toList());
        } finally {
            third.forEach(TaskPortBlocks.Lease::close);
            second.forEach(TaskPortBlocks.Lease::close);
        }
    }
}
