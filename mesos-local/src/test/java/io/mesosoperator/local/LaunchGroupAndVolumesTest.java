package io.mesosoperator.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesosoperator.mesos.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskGroupInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.Protos.Volume;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LAUNCH_GROUP, and RESERVE + CREATE + LAUNCH onto a volume that outlives its task, over raw HTTP. */
class LaunchGroupAndVolumesTest {
    static final Path EXECUTOR = Path.of(System.getProperty("mesos.operator.executor.jar"));
    @TempDir
    Path work;
    MesosLocalCluster cluster;
    RawScheduler scheduler;

    @BeforeEach
    void start() throws Exception {
        cluster = MesosLocalCluster.builder(work).agents(1)
                .heartbeatInterval(java.time.Duration.ofSeconds(1)).start();
        scheduler = new RawScheduler(cluster.masterUrl(), ContentType.JSON);
        scheduler.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("raw").setRole("data")
                .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE))
                .build());
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    static Resource scalar(String name, double v) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(v)).build();
    }

    static Resource reserved(String name, double v) {
        return scalar(name, v).toBuilder().setRole("data").setReservation(Resource.ReservationInfo.newBuilder()
                .setLabels(Labels.newBuilder().addLabels(Label.newBuilder().setKey("owner").setValue("test")))).build();
    }

    static Resource volume() {
        return reserved("disk", 16).toBuilder().setDisk(Resource.DiskInfo.newBuilder()
                .setPersistence(Resource.DiskInfo.Persistence.newBuilder().setId("vol-1"))
                .setVolume(Volume.newBuilder().setContainerPath("state").setMode(Volume.Mode.RW))).build();
    }

    /** A task group's executor, as a real master wants it: with the framework's id (not filled in for groups) and disk. */
    ExecutorInfo executor(String id) {
        return ExecutorInfo.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(id)).setType(ExecutorInfo.Type.CUSTOM)
                .setFrameworkId(scheduler.frameworkId)
                .setCommand(CommandInfo.newBuilder().setValue("exec java -Xmx40m -jar " + EXECUTOR))
                .addResources(scalar("cpus", 0.05)).addResources(scalar("mem", 64)).addResources(scalar("disk", 16)).build();
    }

    TaskInfo task(String id, String command, List<Resource> resources, Offer offer) {
        return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(offer.getAgentId())
                .addAllResources(resources).setCommand(CommandInfo.newBuilder().setValue(command)).build();
    }

    @Test
    void launchGroupDeliversTheTasksTogetherToOneExecutor() throws Exception {
        Offer offer = scheduler.next(Event.Type.OFFERS).getOffers().getOffers(0);
        TaskGroupInfo group = TaskGroupInfo.newBuilder()
                .addTasks(task("web", "exec sleep 300", List.of(scalar("cpus", 0.1), scalar("mem", 32)), offer))
                .addTasks(task("sidecar", "exec sleep 300", List.of(scalar("cpus", 0.1), scalar("mem", 32)), offer))
                .build();
        assertThat(scheduler.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
                .addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH_GROUP)
                        .setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder().setExecutor(executor("pod-1")).setTaskGroup(group)))))
                .statusCode()).isEqualTo(202);
        TaskStatus web = scheduler.awaitUpdate("web", TaskState.TASK_RUNNING);
        TaskStatus sidecar = scheduler.awaitUpdate("sidecar", TaskState.TASK_RUNNING);
        assertThat(web.getExecutorId().getValue()).isEqualTo("pod-1");
        assertThat(sidecar.getExecutorId().getValue()).isEqualTo("pod-1");
        assertThat(cluster.agents().get(0).executorPids()).containsOnlyKeys("pod-1");
    }

    @Test
    void aVolumeKeepsItsDataAcrossTasksUntilDestroyed() throws Exception {
        Offer offer = scheduler.next(Event.Type.OFFERS).getOffers().getOffers(0);
        List<Resource> taskResources = List.of(reserved("cpus", 0.1), reserved("mem", 32), volume());
        scheduler.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.RESERVE).setReserve(
                        Offer.Operation.Reserve.newBuilder().addResources(reserved("cpus", 0.1)).addResources(reserved("mem", 32))
                                .addResources(reserved("disk", 16))))
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.CREATE)
                        .setCreate(Offer.Operation.Create.newBuilder().addVolumes(volume())))
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH).setLaunch(
                        Offer.Operation.Launch.newBuilder().addTaskInfos(task("writer", "echo kept > state/file",
                                taskResources, offer))))));
        scheduler.awaitUpdate("writer", TaskState.TASK_FINISHED);

        // the next offer carries the reservation and the volume; a new task reads what the first wrote
        Offer again = nextOfferWith(scheduler, "vol-1");
        assertThat(again.getResourcesList()).anySatisfy(r -> {
            assertThat(r.getRole()).isEqualTo("data");
            assertThat(r.getReservation().getLabels().getLabels(0).getValue()).isEqualTo("test");
        });
        scheduler.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(again.getId())
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH).setLaunch(
                        Offer.Operation.Launch.newBuilder().addTaskInfos(task("reader", "grep -q kept state/file",
                                taskResources, again))))));
        scheduler.awaitUpdate("reader", TaskState.TASK_FINISHED);

        Path volumeDir = cluster.agents().get(0).volumeDir("data", "vol-1");
        assertThat(volumeDir.resolve("file")).exists();
        Offer last = nextOfferWith(scheduler, "vol-1");
        scheduler.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(last.getId())
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.DESTROY)
                        .setDestroy(Offer.Operation.Destroy.newBuilder().addVolumes(volume())))
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.UNRESERVE).setUnreserve(
                        Offer.Operation.Unreserve.newBuilder().addResources(reserved("cpus", 0.1)).addResources(reserved("mem", 32))
                                .addResources(reserved("disk", 16))))));
        Offer after = scheduler.next(Event.Type.OFFERS).getOffers().getOffers(0);
        assertThat(after.getResourcesList()).allSatisfy(r -> assertThat(r.getRole()).isEqualTo("*"));
        assertThat(Files.exists(volumeDir)).isFalse();
    }

    @Test
    void aFrameworkGoneLongerThanItsFailoverTimeoutIsRemovedWithItsTasks() throws Exception {
        // the class's framework steps aside so the agent is offered to the new one
        Offer held = scheduler.next(Event.Type.OFFERS).getOffers().getOffers(0);
        scheduler.call(Call.newBuilder().setType(Call.Type.SUPPRESS).setSuppress(Call.Suppress.getDefaultInstance()));
        scheduler.call(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder().addOfferIds(held.getId())));
        RawScheduler shortLived = new RawScheduler(cluster.masterUrl(), ContentType.PROTOBUF);
        shortLived.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("brief").setFailoverTimeout(1).build());
        Offer offer = shortLived.next(Event.Type.OFFERS).getOffers().getOffers(0);
        shortLived.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH).setLaunch(
                        Offer.Operation.Launch.newBuilder().addTaskInfos(task("brief-task", "exec sleep 300",
                                List.of(scalar("cpus", 0.1), scalar("mem", 32)), offer))))));
        shortLived.awaitUpdate("brief-task", TaskState.TASK_RUNNING);
        assertThat(cluster.agents().get(0).runningExecutors()).contains("brief-task");

        shortLived.subscription.body().close(); // the scheduler goes away
        // noticed when a heartbeat cannot be written; after 1 s of failover timeout its executor is shut down
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(cluster.agents().get(0).runningExecutors()).doesNotContain("brief-task"));
    }

    private static Offer nextOfferWith(RawScheduler scheduler, String persistenceId) throws Exception {
        for (int i = 0; i < 30; i++) {
            Offer o = scheduler.next(Event.Type.OFFERS).getOffers().getOffers(0);
            if (o.getResourcesList().stream().anyMatch(r -> r.getDisk().getPersistence().getId().equals(persistenceId))) {
                return o;
            }
            scheduler.call(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder()
                    .addOfferIds(o.getId()).setFilters(org.apache.mesos.v1.Protos.Filters.newBuilder().setRefuseSeconds(0))));
        }
        throw new AssertionError("no offer with volume " + persistenceId);
    }
}
