package io.mesosoperator.scheduler.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.scheduler.monitor.CorrelatedChange.Category;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.OperatorEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which recorded changes count as likely causes of an anomaly, and in what order. */
class CorrelationTest {
    private static final ResourceKey EVENTS = new ResourceKey("KafkaCluster", "events");
    private static final ResourceKey CONSUMER = new ResourceKey("Service", "consumer");
    private static final Instant SINCE = Instant.parse("2026-12-06T07:12:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(10);

    private static CorrelatedChange event(ResourceKey key, int secondsFromSince, String reason, String message) {
        return Correlation.fromEvent(key, new OperatorEvent(SINCE.plusSeconds(secondsFromSince).toString(), "Normal", reason, message));
    }

    @Test
    void eventsAreClassifiedByWhatTheyTellOfTheWorkload() {
        assertThat(event(EVENTS, 0, "InstanceFailed", "instance 2 task t TASK_FAILED: Command exited with status 137").category())
                .isEqualTo(Category.RESTART);
        assertThat(event(EVENTS, 0, "BackOff", "instance 2 failed 3 time(s) in a row")).isNull(); // its failure is the change
        assertThat(event(EVENTS, 0, "InstanceFailed", "instance 2 task t TASK_GONE: agent removed").category())
                .isEqualTo(Category.AGENT_LOSS);
        assertThat(event(EVENTS, 0, "InstanceFailed", "instance 2 task t TASK_LOST").category()).isEqualTo(Category.AGENT_LOSS);
        assertThat(event(EVENTS, 0, "SpecConfigured", "generation 4 accepted (rolling update)").category()).isEqualTo(Category.ROLL);
        assertThat(event(EVENTS, 0, "PlanContinue", "deploy plan continues").category()).isEqualTo(Category.ROLL);
        assertThat(event(EVENTS, 0, "Killing", "instance 1 task t: outdated configuration").category()).isEqualTo(Category.ROLL);
        assertThat(event(EVENTS, 0, "VolumeAbandoned", "instance 1 leaves volume v").category()).isEqualTo(Category.RESCHEDULE);
        assertThat(event(EVENTS, 0, "Launching", "instance 2 as task t")).isNull();
        assertThat(event(EVENTS, 0, "Running", "instance 2 task t is running")).isNull();
        assertThat(event(EVENTS, 0, "Subscribed", "operator subscribed")).isNull();
    }

    @Test
    void changesAreRankedByCategoryThenOwnResourceThenNearnessToTheStart() {
        List<CorrelatedChange> candidates = new ArrayList<>(List.of(
                new CorrelatedChange(SINCE.plusSeconds(5), Category.ANOMALY, EVENTS, "AnomalyDetected",
                        "mesos_operator_kafka_under_replicated_partitions{kafkacluster=\"events\"} above baseline 0"),
                event(EVENTS, -300, "SpecConfigured", "generation 4 accepted (rolling update)"),
                event(EVENTS, -60, "VolumeAbandoned", "instance 1 leaves volume v"),
                event(CONSUMER, -2, "InstanceFailed", "instance 0 task c TASK_FAILED"),
                event(EVENTS, -50, "InstanceFailed", "instance 2 task b TASK_GONE: agent removed"),
                event(EVENTS, -240, "InstanceFailed", "instance 1 task a TASK_FAILED"),
                event(EVENTS, -60, "InstanceFailed", "instance 2 task b2 TASK_FAILED"),
                event(EVENTS, -900, "InstanceFailed", "instance 0 task old TASK_FAILED"), // before the window
                event(EVENTS, -60, "InstanceFailed", "instance 2 task b2 TASK_FAILED"))); // the same event twice

        List<CorrelatedChange> ranked = Correlation.rank(EVENTS, SINCE, WINDOW, SINCE.plusSeconds(30), candidates);

        assertThat(ranked).extracting(CorrelatedChange::what).containsExactly(
                "instance 2 task b2 TASK_FAILED",   // restarts of the resource itself, nearest first
                "instance 1 task a TASK_FAILED",
                "instance 0 task c TASK_FAILED",    // then another resource's restart, however near
                "generation 4 accepted (rolling update)",
                "instance 2 task b TASK_GONE: agent removed",
                "instance 1 leaves volume v",
                "mesos_operator_kafka_under_replicated_partitions{kafkacluster=\"events\"} above baseline 0");
    }

    @Test
    void atMostTenChangesAreKeptAndNoneFromTheFuture() {
        List<CorrelatedChange> candidates = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            candidates.add(event(EVENTS, -i, "InstanceFailed", "instance 0 task " + i + " TASK_FAILED"));
        }
        candidates.add(event(EVENTS, 120, "InstanceFailed", "instance 0 task later TASK_FAILED"));

        List<CorrelatedChange> ranked = Correlation.rank(EVENTS, SINCE, WINDOW, SINCE.plusSeconds(60), candidates);

        assertThat(ranked).hasSize(Correlation.KEPT);
        assertThat(ranked.get(0).what()).isEqualTo("instance 0 task 0 TASK_FAILED");
        assertThat(ranked).noneMatch(c -> c.what().contains("later"));
    }
}
