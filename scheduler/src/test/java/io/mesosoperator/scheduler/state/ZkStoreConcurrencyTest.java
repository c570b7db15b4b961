package io.mesosoperator.scheduler.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.DeposedException;
import io.mesosoperator.scheduler.store.InstanceStatus;
import io.mesosoperator.scheduler.store.OperatorEvent;
import io.mesosoperator.scheduler.store.PlanState;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.ResourceVersionConflict;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Concurrent writers against a real (embedded) ZooKeeper: resourceVersions that move with every
 * write of spec or status, writes conditioned on them that change nothing when stale, and the
 * fence that keeps a deposed leader's writes from landing. Each test has a root of its own.
 */
class ZkStoreConcurrencyTest extends ZooKeeperStoreTest {
    private static Resource service(long generation, int instances) {
        return service("web", generation, instances);
    }

    private static ResourceStatus status(String phase, int instances) {
        return new ResourceStatus(1, phase, instances, 0, List.of(),
                IntStream.range(0, instances).mapToObj(InstanceStatus::fresh).toList(), null, null);
    }

    private static TaskRecord task(String id) {
        return TaskRecord.staging(id, WEB, 0, "hash", "agent-1", "http://10.0.0.1:5051", "10.0.0.1",
                Map.of("http", 31000L), null, "2026-12-06T10:00:00Z");
    }

    /** The resourceVersion as a reader sees it now. */
    private static String versionNow(ZkStore s) {
        return s.resourceVersion(s.loadResource(WEB).orElseThrow());
    }

    @Test
    void theResourceVersionMovesWithEveryWriteOfSpecOrStatusAndIsNeverStored() throws Exception {
        Resource created = store.putResource(service(1, 2), "created", null, null);
        String afterCreate = store.resourceVersion(created);
        assertThat(afterCreate).isEqualTo(versionNow(store)).matches("[1-9][0-9]*-0");

        store.putStatus(WEB, status("Pending", 2));
        String afterStatus = versionNow(store);
        assertThat(afterStatus).isNotEqualTo(afterCreate);
        assertThat(store.resourceVersion(created)).as("the same spec, read before the status write").isEqualTo(afterStatus);

        store.putStatus(WEB, status("Pending", 2)); // the same status: nothing is written, nothing moves
        assertThat(versionNow(store)).isEqualTo(afterStatus);

        // only an instance changed: that chunk is written, and the resourceVersion moves all the same
        List<InstanceStatus> instances = new ArrayList<>(status("Pending", 2).instances());
        instances.set(1, instances.get(1).inGroup("web-1-moved"));
        store.putStatus(WEB, status("Pending", 2).withInstances(instances));
        String afterInstance = versionNow(store);
        assertThat(afterInstance).isNotEqualTo(afterStatus);

        Resource scaled = store.putResource(service(2, 3), "scaled", created, afterInstance);
        assertThat(store.resourceVersion(scaled)).isNotIn(afterCreate, afterStatus, afterInstance).isEqualTo(versionNow(store));

        String storedJson = new String(store.client().getData().forPath(store.root() + "/resources/Service/web"),
                StandardCharsets.UTF_8);
        assertThat(storedJson).doesNotContain("resourceVersion");
    }

    @Test
    void aWriteBasedOnAStaleVersionIsAConflictNamingTheCurrentOneAndChangesNothing() {
        Resource created = store.putResource(service(1, 2), "created", null, null);
        String read = store.resourceVersion(created);
        store.putStatus(WEB, status("Running", 2)); // someone else's write (here the operator's status) since
        String current = versionNow(store);

        assertThatThrownBy(() -> store.putResource(service(2, 5), "scaled", created, read))
                .isInstanceOfSatisfying(ResourceVersionConflict.class, e -> assertThat(e.current()).isEqualTo(current))
                .hasMessageContaining("resourceVersion \"" + read + "\"")
                .hasMessageContaining("the current resourceVersion is \"" + current + "\"");
        assertThatThrownBy(() -> store.putPlan(WEB, new PlanState(true, null, 0), read)).isInstanceOf(ResourceVersionConflict.class);
        assertThatThrownBy(() -> store.deleteResource(WEB, read)).isInstanceOf(ResourceVersionConflict.class);

        assertThat(store.loadResource(WEB).orElseThrow().generation()).isEqualTo(1);
        assertThat(store.history(WEB)).hasSize(1);
        assertThat(store.loadPlans()).isEmpty();
        assertThat(versionNow(store)).isEqualTo(current);

        // the current version: accepted
        store.putPlan(WEB, new PlanState(true, null, 0), current);
        assertThat(store.loadPlans()).containsKey(WEB);
        store.deleteResource(WEB, current);
        assertThat(store.loadResource(WEB)).isEmpty();
        assertThatThrownBy(() -> store.putResource(service(2, 5), "scaled", created, current))
                .isInstanceOfSatisfying(ResourceVersionConflict.class, e -> assertThat(e.current()).isNull())
                .hasMessageContaining("does not exist");
    }

    @Test
    void ofWritersBasedOnTheSameVersionExactlyOneSucceedsEveryTime() throws Exception {
        List<ZkStore> writers = List.of(store, open(store.root()), open(store.root()));
        Resource stored = store.putResource(service(1, 1), "created", null, null);
        ExecutorService threads = Executors.newFixedThreadPool(writers.size());
        try {
            for (int round = 0; round < 20; round++) {
                Resource basis = stored;
                String version = store.resourceVersion(basis);
                CyclicBarrier start = new CyclicBarrier(writers.size());
                List<Future<Resource>> outcomes = new ArrayList<>();
                for (int w = 0; w < writers.size(); w++) {
                    ZkStore writer = writers.get(w);
                    Resource next = service(basis.generation() + 1, 10 * round + w);
                    // every other round without a resourceVersion: the basis alone must decide
                    String expected = round % 2 == 0 ? version : null;
                    outcomes.add(threads.submit(() -> {
                        start.await();
                        try {
                            return writer.putResource(next, "scaled", basis, expected);
                        } catch (ResourceVersionConflict lost) {
                            return null;
                        }
                    }));
                }
                List<Resource> won = new ArrayList<>();
                for (Future<Resource> outcome : outcomes) {
                    if (outcome.get() != null) {
                        won.add(outcome.get());
                    }
                }
                assertThat(won).as("round " + round).hasSize(1);
                stored = store.loadResource(WEB).orElseThrow();
                assertThat(stored.toJson().toString()).isEqualTo(won.get(0).toJson().toString());
                assertThat(stored.generation()).isEqualTo(round + 2);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aDeposedTermsWritesFailAndItsSuccessorsWorkStaysIntact() throws Exception {
        AtomicInteger firstDeposed = new AtomicInteger();
        ZkStore first = store.beginTerm(firstDeposed::incrementAndGet);
        Resource created = first.putResource(service(1, 2), "created", null, null);
        first.putStatus(WEB, status("Pending", 2));
        first.putTasks(Map.of("web-0", task("web-0")), true);

        ZkStore other = open(store.root()); // another operator instance, elected now
        ZkStore second = other.beginTerm(() -> { });
        Resource successors = second.putResource(service(2, 7), "scaled", second.loadResource(WEB).orElseThrow(), null);
        second.putStatus(WEB, status("Scaling", 7));
        second.saveFrameworkId("framework-of-the-second");

        List<Runnable> lateWrites = List.of(
                () -> first.putResource(service(2, 1), "scaled", created, null),
                () -> first.putStatus(WEB, status("Failed", 1)),
                () -> first.putTasks(Map.of("web-0", task("web-0").withUpdate("TASK_FAILED", null, null, null, null, null, "t")), false),
                () -> first.putTasks(Map.of("web-1", task("web-1")), true),
                () -> first.deleteTask("web-0"),
                () -> first.putPlan(WEB, new PlanState(true, null, 0), null),
                () -> first.putEvents(WEB, List.of(new OperatorEvent("2026-12-06T10:00:00Z", "Normal", "Late", "late"))),
                () -> first.saveFrameworkId("framework-of-the-first"),
                () -> first.deleteResource(WEB, null));
        for (Runnable write : lateWrites) {
            assertThatThrownBy(write::run).isInstanceOf(DeposedException.class).hasMessageStartingWith("deposed: another operator leads now");
        }
        assertThat(firstDeposed).as("told once, at its first refused write").hasValue(1);

        assertThat(other.loadResource(WEB).orElseThrow().toJson().toString()).isEqualTo(successors.toJson().toString());
        assertThat(other.loadStatus(WEB).orElseThrow().phase()).isEqualTo("Scaling");
        assertThat(other.loadTasks()).containsOnlyKeys("web-0");
        assertThat(other.loadTasks().get("web-0").state()).isEqualTo(task("web-0").state());
        assertThat(other.loadPlans()).isEmpty();
        assertThat(other.events(WEB)).isEmpty();
        assertThat(other.frameworkId()).contains("framework-of-the-second");

        // the first instance elected again: its new term writes, and the second's is the deposed one now
        ZkStore third = store.beginTerm(() -> { });
        third.putStatus(WEB, status("Running", 7));
        assertThatThrownBy(() -> second.putStatus(WEB, status("Scaling", 8))).isInstanceOf(DeposedException.class);
        assertThat(other.loadStatus(WEB).orElseThrow().phase()).isEqualTo("Running");
    }
}
