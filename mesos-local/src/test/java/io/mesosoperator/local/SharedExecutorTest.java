package io.mesosoperator.local;

import static io.mesosoperator.local.LaunchGroupAndVolumesTest.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesosoperator.mesos.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several tasks on one executor, the way the operator runs a resource's instances on an agent:
 * one executor process, each task in its own directory that sees what the agent fetched; an
 * ExecutorInfo that differs under the same id is refused as Mesos refuses it; the executor leaves
 * once idle, and a task that arrives while it is still there reuses it; shut down, it reports each
 * of its tasks killed before it leaves. A task that fails says what it wrote last.
 */
class SharedExecutorTest {
    @TempDir
    Path work;
    MesosLocalCluster cluster;
    RawScheduler scheduler;
    Path artifact;

    @BeforeEach
    void start() throws Exception {
        cluster = MesosLocalCluster.builder(work.resolve("mesos")).agents(1)
                .allocationInterval(Duration.ofMillis(200)).start();
        scheduler = new RawScheduler(cluster.masterUrl(), ContentType.PROTOBUF);
        scheduler.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("shared").build());
        artifact = Files.writeString(work.resolve("greeting.txt"), "hello\n");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    ExecutorInfo executor(double mem) {
        return ExecutorInfo.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("service.web.0123456789ab"))
                .setType(ExecutorInfo.Type.CUSTOM)
                .setCommand(CommandInfo.newBuilder().setValue("exec java -Xmx40m -jar " + LaunchGroupAndVolumesTest.EXECUTOR)
                        .addUris(CommandInfo.URI.newBuilder().setValue(artifact.toUri().toString())))
                .addResources(scalar("cpus", 0.05)).addResources(scalar("mem", mem)).build();
    }

    /** The agent id is the offer's, set by {@link #launch}. */
    static TaskInfo task(String id, ExecutorInfo executor) {
        return task(id, executor, "cp greeting.txt seen && exec sleep 300");
    }

    static TaskInfo task(String id, ExecutorInfo executor, String shell) {
        CommandInfo command = CommandInfo.newBuilder().setValue(shell).build();
        return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
                .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 16))
                .setExecutor(executor).setData(command.toByteString()).buildPartial();
    }

    void launch(TaskInfo... tasks) throws Exception {
        // at once: the declined rest of an earlier offer is filtered for 5 s, as long as an idle executor stays
        scheduler.call(Call.newBuilder().setType(Call.Type.REVIVE));
        Offer offer = scheduler.next(Event.Type.OFFERS).getOffers().getOffers(0);
        Offer.Operation.Launch.Builder launch = Offer.Operation.Launch.newBuilder();
        for (TaskInfo t : tasks) {
            launch.addTaskInfos(t.toBuilder().setAgentId(offer.getAgentId()));
        }
        assertThat(scheduler.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
                .addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                        .setLaunch(launch)))).statusCode()).isEqualTo(202);
    }

    void kill(String taskId, TaskStatus status) throws Exception {
        scheduler.call(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue(taskId)).setAgentId(status.getAgentId())));
    }

    static Path sandbox(TaskStatus status) {
        return Path.of(status.getLabels().getLabelsList().stream()
                .filter(l -> l.getKey().equals("mesos-operator.io/sandbox")).findFirst().orElseThrow().getValue());
    }

    @Test
    void tasksOfOneExecutorShareItsProcessButNotTheirDirectories() throws Exception {
        launch(task("web-0", executor(32)), task("web-1", executor(32)));
        Map<String, TaskStatus> running = scheduler.awaitUpdates(TaskState.TASK_RUNNING, "web-0", "web-1");
        Map<String, Long> pids = cluster.agents().get(0).executorPids();
        assertThat(pids).containsOnlyKeys("service.web.0123456789ab");

        Path web0 = sandbox(running.get("web-0"));
        Path web1 = sandbox(running.get("web-1"));
        assertThat(web0.getFileName().toString()).isEqualTo("web-0");
        assertThat(web0.getParent()).isEqualTo(web1.getParent());
        assertThat(web0.getParent().getFileName().toString()).isEqualTo("tasks");
        // each task ran in its own directory, and found the artifact the agent fetched for the executor there
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(web0.resolve("seen")).hasContent("hello");
            assertThat(web1.resolve("seen")).hasContent("hello");
        });

        // the same id with another ExecutorInfo: refused, as Mesos' master refuses it
        launch(task("web-2", executor(64)));
        TaskStatus error = scheduler.awaitUpdate("web-2", TaskState.TASK_ERROR);
        assertThat(error.getMessage()).startsWith("ExecutorInfo is not compatible with existing ExecutorInfo with same ExecutorID.");

        // both tasks end; a task launched while the executor is still there runs on it
        kill("web-0", running.get("web-0"));
        kill("web-1", running.get("web-1"));
        scheduler.awaitUpdates(TaskState.TASK_KILLED, "web-0", "web-1");
        launch(task("web-3", executor(32)));
        TaskStatus web3 = scheduler.awaitUpdate("web-3", TaskState.TASK_RUNNING);
        assertThat(cluster.agents().get(0).executorPids()).isEqualTo(pids);

        // idle at last, it leaves
        kill("web-3", web3);
        scheduler.awaitUpdate("web-3", TaskState.TASK_KILLED);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(cluster.agents().get(0).executorPids()).isEmpty());
    }

    @Test
    void aShutDownExecutorReportsEachOfItsTasksKilledItselfBeforeItLeaves() throws Exception {
        ExecutorInfo executor = executor(32);
        String[] ids = IntStream.range(0, 8).mapToObj(i -> "web-" + i).toArray(String[]::new);
        launch(java.util.Arrays.stream(ids).map(id -> task(id, executor)).toArray(TaskInfo[]::new));
        TaskStatus any = scheduler.awaitUpdates(TaskState.TASK_RUNNING, ids).get(ids[0]);

        scheduler.call(Call.newBuilder().setType(Call.Type.SHUTDOWN).setShutdown(Call.Shutdown.newBuilder()
                .setExecutorId(executor.getExecutorId()).setAgentId(any.getAgentId())));

        // the executor's own word, as Mesos' executors give it, not the agent's "Executor terminated"
        // (once an executor left before its last update was queued; the agent then reported in its place)
        Map<String, TaskStatus> killed = scheduler.awaitUpdates(TaskState.TASK_KILLED, ids);
        assertThat(List.copyOf(killed.values())).allSatisfy(status -> {
            assertThat(status.getSource()).as(status.getTaskId().getValue()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
            assertThat(status.getMessage()).isEqualTo("Command terminated with signal Terminated");
            assertThat(sandbox(status).getFileName().toString()).isEqualTo(status.getTaskId().getValue());
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(cluster.agents().get(0).executorPids()).isEmpty());
    }

    @Test
    void aFailedTaskSaysWhatItWroteLast() throws Exception {
        // stderr's last lines; stdout only when stderr is empty (a crash loop's status then says why)
        launch(task("web-0", executor(32), "echo starting; echo 'Error: Port already in use: 20003' >&2; exit 1"),
                task("web-1", executor(32), "echo 'fatal: no quorum'; exit 2"),
                task("web-2", executor(32), "exit 3"));
        Map<String, TaskStatus> failed = scheduler.awaitUpdates(TaskState.TASK_FAILED, "web-0", "web-1", "web-2");
        assertThat(failed.get("web-0").getMessage())
                .isEqualTo("Command exited with status 1; last output: Error: Port already in use: 20003");
        assertThat(failed.get("web-1").getMessage()).isEqualTo("Command exited with status 2; last output: fatal: no quorum");
        assertThat(failed.get("web-2").getMessage()).isEqualTo("Command exited with status 3");
    }
}
