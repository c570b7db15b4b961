package io.mesosoperator.scheduler.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.anomaly.DailyProfile;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.InstanceStatus;
import io.mesosoperator.scheduler.store.OperatorEvent;
import io.mesosoperator.scheduler.store.PlanState;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.StoreException;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.Test;

/**
 * The operator's state in a real (embedded, single-server) ZooKeeper: what is written reads back
 * the same, missing nodes read as nothing, and the writes that must be whole are. Each test has a
 * root of its own.
 */
class ZkStoreTest extends ZooKeeperStoreTest {
    /** Stores a new generation of a resource, based on what is stored now (no resourceVersion). */
    private Resource put(Resource resource, String change) {
        return store.putResource(resource, change, store.loadResource(resource.key()).orElse(null), null);
    }

    private static TaskRecord task(String id, int instance) {
        return TaskRecord.staging(id, WEB, instance, "hash", "agent-1", "http://10.0.0.1:5051", "10.0.0.1",
                Map.of("http", 31000L + instance), null, "2026-12-05T10:00:00Z");
    }

    private static ResourceStatus status(int instances) {
        return new ResourceStatus(1, "Running", instances, instances, List.of(),
                IntStream.range(0, instances).mapToObj(InstanceStatus::fresh).toList(), null, null);
    }

    @Test
    void missingNodesReadAsNothing() {
        assertThat(store.frameworkId()).isEmpty();
        assertThat(store.loadResources()).isEmpty();
        assertThat(store.loadResource(WEB)).isEmpty();
        assertThat(store.loadStatus(WEB)).isEmpty();
        assertThat(store.loadStatuses()).isEmpty();
        assertThat(store.history(WEB)).isEmpty();
        assertThat(store.loadPlans()).isEmpty();
        assertThat(store.loadTasks()).isEmpty();
        assertThat(store.events(WEB)).isEmpty();
        assertThat(store.loadReservations()).isEmpty();
        // deleting what is not there is no error
        store.deleteResource(WEB, null);
        store.deleteTask("no-such-task");
        store.deleteEvents(WEB);
        store.deleteReservation(WEB, 0);
    }

    @Test
    void frameworkIdSurvivesTheStore() throws Exception {
        store.saveFrameworkId("f-1");
        store.saveFrameworkId("f-2");
        try (ZkStore another = open(store.root())) {
            assertThat(another.frameworkId()).contains("f-2");
        }
    }

    @Test
    void aResourceReadsBackWithItsHistoryOldestFirst() {
        put(service("web", 1, 3), "created");
        put(service("web", 2, 5), "scaled");

        assertThat(store.loadResource(WEB).orElseThrow().toJson().toString()).isEqualTo(service("web", 2, 5).toJson().toString());
        assertThat(store.loadResources()).extracting(Resource::key).containsExactly(WEB);
        assertThat(store.history(WEB)).extracting(h -> h.path("generation").asLong() + " " + h.path("change").asText()
                        + " " + h.path("resource").path("spec").path("instances").asInt())
                .containsExactly("1 created 3", "2 scaled 5");
        assertThat(store.history(WEB)).allSatisfy(h -> assertThat(h.path("appliedAt").asText()).isNotBlank());
    }

    @Test
    void historyKeepsTheLastGenerationsOnly() {
        int generations = ZkStore.HISTORY_KEPT + 3;
        for (int g = 1; g <= generations; g++) {
            put(service("web", g, g), "updated");
        }
        assertThat(store.history(WEB)).extracting(h -> h.path("generation").asLong())
                .containsExactlyElementsOf(IntStream.rangeClosed(generations - ZkStore.HISTORY_KEPT + 1, generations)
                        .mapToObj(g -> (long) g).toList());
    }

    @Test
    void deletingAResourceTakesItsStatusPlanHistorySecretAndDailyShapesWithIt() {
        put(service("web", 1, 2), "created");
        store.putStatus(WEB, status(2));
        store.putPlan(WEB, new PlanState(true, null, 0), null);
        store.putDailyProfiles(WEB, Map.of("series", profile(2)));
        String secret = store.secret(WEB);
        ResourceKey other = new ResourceKey("Service", "other");
        put(service("other", 1, 1), "created");

        store.deleteResource(WEB, null);

        assertThat(store.loadResource(WEB)).isEmpty();
        assertThat(store.loadStatus(WEB)).isEmpty();
        assertThat(store.loadPlans()).doesNotContainKey(WEB);
        assertThat(store.history(WEB)).isEmpty();
        assertThat(store.secret(WEB)).as("a new resource of the same name gets a new secret").isNotEqualTo(secret);
        assertThat(store.dailyProfiles(WEB)).isEmpty();
        assertThat(store.loadResource(other)).isPresent();
        // the monitor saving what it learnt just after the deletion leaves nothing behind
        store.putDailyProfiles(WEB, Map.of("series", profile(2)));
        assertThat(store.dailyProfiles(WEB)).isEmpty();
    }

    /** A daily shape with each of its 4 slots seen on {@code days} days. */
    private static DailyProfile.Saved profile(int days) {
        DailyProfile p = new DailyProfile(4, 3);
        for (int d = 0; d < days + 1; d++) { // the last day's slots close as the next begins
            for (int slot = 0; slot < 4; slot++) {
                p.learn(java.time.Instant.parse("2026-12-01T00:00:00Z").plus(java.time.Duration.ofHours(24L * d + 6L * slot)),
                        slot * 10.0);
            }
        }
        return p.saved();
    }

    @Test
    void theAnomalyMonitorsDailyShapesReadBackAsSaved() {
        put(service("web", 1, 2), "created");
        DailyProfile.Saved saved = profile(2);
        store.putDailyProfiles(WEB, Map.of("mesos_operator_task_memory_bytes{instance=0}", saved));
        store.putDailyProfiles(WEB, Map.of("mesos_operator_task_memory_bytes{instance=0}", saved)); // replaced, not added

        Map<String, DailyProfile.Saved> read = store.dailyProfiles(WEB);
        assertThat(read).containsOnlyKeys("mesos_operator_task_memory_bytes{instance=0}");
        DailyProfile.Saved back = read.values().iterator().next();
        assertThat(back.dailyMedians()).containsExactly(saved.dailyMedians());
        assertThat(back.days()).containsExactly(saved.days());
        assertThat(back.next()).containsExactly(saved.next());
        DailyProfile restored = DailyProfile.restore(back);
        assertThat(restored.learned()).isTrue();
        assertThat(restored.range()).isEqualTo(30.0);
    }

    @Test
    void aStatusOfManyInstancesIsSplitAcrossNodesAndShrinksWithAScaleDown() throws Exception {
        int many = 2 * ZkStore.INSTANCES_PER_NODE + 1;
        store.putStatus(WEB, status(many));
        String statusPath = store.root() + "/status/Service/web";
        assertThat(store.client().getChildren().forPath(statusPath)).hasSize(3);
        try (ZkStore another = open(store.root())) {
            ResourceStatus read = another.loadStatus(WEB).orElseThrow();
            assertThat(read.instances()).hasSize(many);
            assertThat(read.instances().get(many - 1).instance()).isEqualTo(many - 1);
            assertThat(another.loadStatuses()).containsOnlyKeys(WEB);
        }

        store.putStatus(WEB, status(2));
        assertThat(store.client().getChildren().forPath(statusPath)).hasSize(1);
        assertThat(store.loadStatus(WEB).orElseThrow().instances()).hasSize(2);
    }

    @Test
    void taskRecordsAreCreatedUpdatedAndDeletedInBatches() {
        Map<String, TaskRecord> launched = new LinkedHashMap<>();
        IntStream.range(0, 250).forEach(i -> launched.put("web-" + i, task("web-" + i, i))); // more than one transaction
        store.putTasks(launched, true);
        assertThat(store.loadTasks()).hasSize(250).containsEntry("web-7", task("web-7", 7));

        Map<String, TaskRecord> changes = new LinkedHashMap<>();
        changes.put("web-0", null);
        TaskRecord running = task("web-1", 1).withUpdate("TASK_RUNNING", true, null, null, "/sandbox", null,
                "2026-12-05T10:00:05Z");
        changes.put("web-1", running);
        store.putTasks(changes, false);

        Map<String, TaskRecord> tasks = store.loadTasks();
        assertThat(tasks).hasSize(249).doesNotContainKey("web-0").containsEntry("web-1", running);
    }

    @Test
    void aBatchThatCannotBeWholeIsAppliedOneByOne() {
        store.putTasks(Map.of("web-0", task("web-0", 0)), true);
        // web-1 was never created (or was deleted meanwhile): its update fails the transaction, so
        // each change is made on its own and none is lost
        Map<String, TaskRecord> changes = new LinkedHashMap<>();
        changes.put("web-0", task("web-0", 0).withUpdate("TASK_RUNNING", null, null, null, null, null, "t"));
        changes.put("web-1", task("web-1", 1));
        store.putTasks(changes, false);

        assertThat(store.loadTasks()).containsOnlyKeys("web-0", "web-1");
        assertThat(store.loadTasks().get("web-0").state()).isEqualTo("TASK_RUNNING");
    }

    @Test
    void theSecretOfAResourceIsMadeOnceAndSharedByEveryStore() throws Exception {
        String secret = store.secret(WEB);
        assertThat(secret).matches("[A-Za-z0-9_-]{43}"); // 32 bytes, URL-safe Base64 without padding
        try (ZkStore another = open(store.root())) {
            assertThat(another.secret(WEB)).isEqualTo(secret);
        }
    }

    @Test
    void eventsPlansAndReservationsReadBack() {
        List<OperatorEvent> events = List.of(new OperatorEvent("2026-12-05T10:00:00Z", "Normal", "Launching", "instance 0"));
        store.putEvents(WEB, events);
        assertThat(store.events(WEB)).isEqualTo(events);
        store.deleteEvents(WEB);
        assertThat(store.events(WEB)).isEmpty();

        store.putPlan(WEB, new PlanState(true, "abc", 2), null);
        assertThat(store.loadPlans()).containsEntry(WEB, new PlanState(true, "abc", 2));
    }

    @Test
    void aCorruptRecordIsAStoreErrorNamingWhatItIs() throws Exception {
        store.client().create().creatingParentsIfNeeded()
                .forPath(store.root() + "/tasks/broken", "{not json".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(store::loadTasks).isInstanceOf(StoreException.class)
                .hasMessageContaining("corrupt record in ZooKeeper (TaskRecord)");
    }

    @Test
    void aWriteLargerThanZooKeeperTakesIsRefusedBeforeItIsSentAndTheSessionSurvives() throws Exception {
        long session = store.client().getZookeeperClient().getZooKeeper().getSessionId();
        List<ConnectionState> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
        store.client().getConnectionStateListenable().addListener((client, state) -> changes.add(state));
        // 600 KB stored twice in one transaction (the resource and its history entry): over 1 MiB
        ObjectNode doc = service("big", 1, 1).toJson();
        ((ObjectNode) doc.get("spec")).put("command", "x".repeat(600_000));

        assertThatThrownBy(() -> put(new Resource(doc), "created"))
                .isInstanceOf(io.mesosoperator.scheduler.store.TooLargeException.class)
                .hasMessageMatching("Service/big is too large to store: 12\\d{5} bytes in one ZooKeeper request, larger than"
                        + " the limit of \\d+ bytes .*");
        assertThatThrownBy(() -> store.putEvents(WEB, List.of(new OperatorEvent("2026-12-06T00:00:00Z", "Normal", "Big",
                "x".repeat(1_100_000))))).isInstanceOf(io.mesosoperator.scheduler.store.TooLargeException.class);

        assertThat(store.loadResource(new ResourceKey("Service", "big"))).isEmpty();
        put(service("small", 1, 1), "created");
        assertThat(store.loadResource(new ResourceKey("Service", "small"))).isPresent();
        assertThat(store.client().getZookeeperClient().getZooKeeper().getSessionId()).isEqualTo(session);
        assertThat(changes).as("no connection lost or suspended") // (the first CONNECTED may come late)
                .doesNotContain(ConnectionState.SUSPENDED, ConnectionState.LOST, ConnectionState.RECONNECTED);
    }
}
