package io.mesosoperator.scheduler.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesosoperator.scheduler.kafka.KafkaProbe.Replica;
import io.mesosoperator.scheduler.kafka.KafkaProbe.VoterChange;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** How the probe changes the voter set, from what the quorum leader describes (times in ms, the leader's clock). */
class KafkaProbeTest {
    static final long NOW = 1_000_000;
    static final Uuid OLD = Uuid.randomUuid();
    static final Uuid NEW = Uuid.randomUuid();
    static final Map<Integer, String> RUNNING = Map.of(1000, "h:1", 1001, "h:2", 1002, "h:3");

    static Replica r(int id, Uuid dir, long lastFetch) {
        return new Replica(id, dir, lastFetch);
    }

    static List<Replica> voters(Uuid dir1002, long fetch1002) {
        return List.of(r(1000, Uuid.randomUuid(), NOW), r(1001, Uuid.randomUuid(), NOW), r(1002, dir1002, fetch1002));
    }

    @Test
    void aRunningControllerThatFetchesAsAnObserverIsAddedNotABroker() {
        VoterChange c = KafkaProbe.nextVoterChange(List.of(r(1000, OLD, NOW)),
                List.of(r(0, Uuid.randomUuid(), NOW), r(1001, NEW, NOW)), RUNNING, Set.of());
        assertThat(c.replica()).isEqualTo(r(1001, NEW, NOW));
        assertThat(c.endpoint()).isEqualTo("h:2");
        // an observer formatted without a directory id (an older format) cannot be added
        assertThat(KafkaProbe.nextVoterChange(List.of(r(1000, OLD, NOW)), List.of(r(1001, Uuid.ZERO_UUID, NOW)),
                RUNNING, Set.of())).isNull();
    }

    @Test
    void retiringControllersLeaveTheHighestFirstAndAreNotAddedAgain() {
        List<Replica> four = List.of(r(1000, OLD, NOW), r(1001, OLD, NOW), r(1002, OLD, NOW), r(1003, OLD, NOW));
        VoterChange c = KafkaProbe.nextVoterChange(four, List.of(), RUNNING, Set.of(1002, 1003));
        assertThat(c.replica().id()).isEqualTo(1003);
        assertThat(c.endpoint()).isNull();
        // once out, it fetches as an observer until its task stops: it stays out
        Map<Integer, String> withIt = Map.of(1000, "h:1", 1003, "h:4");
        assertThat(KafkaProbe.nextVoterChange(four.subList(0, 1), List.of(r(1003, OLD, NOW)), withIt, Set.of(1003))).isNull();
    }

    @Test
    void aControllerOnANewVolumeReplacesItsStaleVoterEntryOnlyOnceThatStoppedFetching() {
        // the old process stopped 20 s ago; the new one (another directory) fetches as an observer: the stale entry goes
        VoterChange c = KafkaProbe.nextVoterChange(voters(OLD, NOW - 20_000), List.of(r(1002, NEW, NOW)), RUNNING, Set.of());
        assertThat(c.replica()).isEqualTo(r(1002, OLD, NOW - 20_000));
        assertThat(c.endpoint()).isNull();
        // then the new one is added, its lingering stale observer entry aside
        c = KafkaProbe.nextVoterChange(voters(NEW, NOW).subList(0, 2),
                List.of(r(1002, OLD, NOW - 20_000), r(1002, NEW, NOW)), RUNNING, Set.of());
        assertThat(c.replica()).isEqualTo(r(1002, NEW, NOW));
        assertThat(c.endpoint()).isEqualTo("h:3");
        // and stays: the stale entry the leader still lists as an observer fetched before the voter did
        assertThat(KafkaProbe.nextVoterChange(voters(NEW, NOW), List.of(r(1002, OLD, NOW - 20_000)), RUNNING, Set.of()))
                .isNull();
    }
}
