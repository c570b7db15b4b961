package io.mesosoperator.scheduler.akka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesosoperator.scheduler.kind.MetricsSource.Sample;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The membership counts exported for a Pekko cluster, from the probe's snapshot. */
class AkkaMetricsTest {
    private static final ResourceKey KEY = new ResourceKey("AkkaService", "orders");
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    private static double value(List<Sample> samples, String series, String... labels) {
        return samples.stream().filter(s -> s.series().equals(series) && s.labelValues().equals(List.of(labels)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + series + " " + List.of(labels))).value();
    }

    @Test
    void countsMembersByStateAndTheUnreachableOnes() {
        AkkaProbe.Snapshot seen = new AkkaProbe.Snapshot(NOW.minusSeconds(2), "127.0.0.1:8558", "pekko://a@h:1",
                Map.of("pekko://a@h:1", "Up", "pekko://a@h:2", "Up", "pekko://a@h:3", "Leaving"), List.of("pekko://a@h:2"), null);
        List<Sample> samples = AkkaMetrics.samples(KEY, seen, NOW);
        assertThat(value(samples, "mesos_operator_akka_members", "orders", "Up")).isEqualTo(2);
        assertThat(value(samples, "mesos_operator_akka_members", "orders", "Leaving")).isEqualTo(1);
        assertThat(value(samples, "mesos_operator_akka_members", "orders", "Joining"))
                .as("a state no member is in is 0, not absent").isZero();
        assertThat(value(samples, "mesos_operator_akka_unreachable_members", "orders")).isEqualTo(1);
    }

    @Test
    void anUnansweredOrStaleLookLeavesTheClusterOutInsteadOfRepeatingOldCounts() {
        assertThatThrownBy(() -> AkkaMetrics.samples(KEY, null, NOW)).hasMessageContaining("not answered yet");
        AkkaProbe.Snapshot failed = new AkkaProbe.Snapshot(NOW, null, null, Map.of(), List.of(), "no replica answered");
        assertThatThrownBy(() -> AkkaMetrics.samples(KEY, failed, NOW)).hasMessageContaining("no replica answered");
        AkkaProbe.Snapshot old = new AkkaProbe.Snapshot(NOW.minusSeconds(60), "e", null, Map.of("m", "Up"), List.of(), null);
        assertThatThrownBy(() -> AkkaMetrics.samples(KEY, old, NOW)).hasMessageContaining("last answer");
    }
}
