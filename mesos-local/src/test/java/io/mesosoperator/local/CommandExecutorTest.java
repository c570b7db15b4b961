package io.mesosoperator.local;

import static io.mesosoperator.local.LaunchGroupAndVolumesTest.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesosoperator.mesos.ContentType;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.DurationInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.HealthCheck;
import org.apache.mesos.v1.Protos.KillPolicy;
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
 * Tasks that come with only a CommandInfo run under Mesos' command executor, which mesos-local
 * runs inside the agent: over raw HTTP, what a scheduler and the task see must be what a real
 * agent's mesos-executor gives them.
 */
class CommandExecutorTest {
    @TempDir
    Path work;
    MesosLocalCluster cluster;
    RawScheduler scheduler;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        cluster = MesosLocalCluster.builder(work).agents(1).start();
        scheduler = new RawScheduler(cluster.masterUrl(), ContentType.PROTOBUF);
        scheduler.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("raw")
                .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.TASK_KILLING_STATE))
                .build());
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private void launch(TaskInfo.Builder task) throws Exception {
        Offer offer = scheduler.next(Event.Type.OFFERS).getOffers().getOffers(0);
        task.setAgentId(offer.getAgentId()).addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32));
        assertThat(scheduler.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
                .addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                        .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)))))
                .statusCode()).isEqualTo(202);
    }

    private static TaskInfo.Builder task(String id, String command) {
        return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
                .setCommand(CommandInfo.newBuilder().setValue(command).setEnvironment(Environment.newBuilder()
                        .addVariables(Environment.Variable.newBuilder().setName("GREETING").setValue("hello"))));
    }

    /** The agent's /files/read of a path, as the scheduler (or a UI) would ask for it. */
    private String read(String path) throws Exception {
        String url = "http://" + cluster.agents().get(0).endpoint() + "/files/read?offset=0&path="
                + URLEncoder.encode(path, StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).get("data").asText() : null;
    }

    private String virtualSandbox(String taskId) {
        return "/frameworks/" + scheduler.frameworkId.getValue() + "/executors/" + taskId + "/runs/latest";
    }

    @Test
    void monitorStatisticsReportsWhatTheTasksProcessesUseInMesosShape() throws Exception {
        // a shell that keeps a process of its own and spins a little: CPU time and resident memory to see
        launch(task("busy", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; exec sleep 300"));
        scheduler.awaitUpdate("busy", TaskState.TASK_RUNNING);
        String url = "http://" + cluster.agents().get(0).endpoint() + "/monitor/statistics";
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            com.fasterxml.jackson.databind.JsonNode executors = json.readTree(response.body());
            assertThat(executors.isArray()).isTrue();
            assertThat(executors).hasSize(1);
            com.fasterxml.jackson.databind.JsonNode entry = executors.get(0);
            assertThat(entry.get("executor_id").asText()).isEqualTo("busy"); // a command task's executor is named after it
            assertThat(entry.get("framework_id").asText()).isEqualTo(scheduler.frameworkId.getValue());
            assertThat(entry.get("source").asText()).isEqualTo("busy");
            assertThat(entry.get("executor_name").asText()).startsWith("Command Executor (Task: busy)");
            com.fasterxml.jackson.databind.JsonNode statistics = entry.get("statistics");
            assertThat(statistics.get("mem_rss_bytes").asLong()).isPositive();
            assertThat(statistics.get("cpus_user_time_secs").asDouble() + statistics.get("cpus_system_time_secs").asDouble())
                    .isPositive();
            assertThat(statistics.get("cpus_limit").asDouble()).isEqualTo(0.1);
            assertThat(statistics.get("mem_limit_bytes").asLong()).isEqualTo(32L * 1024 * 1024);
            assertThat(statistics.get("timestamp").asDouble()).isPositive();
        });
    }

    @Test
    void runsTheCommandInItsOwnSandboxAndProcessGroupAndReportsAsMesosExecutorDoes() throws Exception {
        launch(task("echo", "echo \"$GREETING from $$\" && echo $$ > pid && exec sleep 300"));
        TaskStatus starting = scheduler.awaitUpdate("echo", TaskState.TASK_STARTING);
        TaskStatus running = scheduler.awaitUpdate("echo", TaskState.TASK_RUNNING);
        for (TaskStatus status : List.of(starting, running)) {
            // a command task's updates name the command executor, whose id is the task's
            assertThat(status.getExecutorId().getValue()).isEqualTo("echo");
            assertThat(status.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
            assertThat(status.getLabels().getLabelsList()).isEmpty();
        }
        // stdout of the task, at the agent's virtual sandbox path (the task runs in the executor's sandbox)
        await().atMost(Duration.ofSeconds(10)).until(() -> read(virtualSandbox("echo") + "/stdout") != null
                && read(virtualSandbox("echo") + "/stdout").contains("hello from"));
        long pid = Long.parseLong(read(virtualSandbox("echo") + "/pid").trim());
        // the task leads a process group of its own, not the agent's
        assertThat(processGroup(pid)).isEqualTo(pid);
        assertThat(processGroup(pid)).isNotEqualTo(processGroup(ProcessHandle.current().pid()));
        assertThat(cluster.agents().get(0).runningExecutors()).containsExactly("echo");
        assertThat(cluster.agents().get(0).executorPids()).isEmpty(); // no JVM of its own

        scheduler.call(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue("echo")).setAgentId(running.getAgentId())));
        scheduler.awaitUpdate("echo", TaskState.TASK_KILLING);
        TaskStatus killed = scheduler.awaitUpdate("echo", TaskState.TASK_KILLED);
        assertThat(killed.getMessage()).isEqualTo("Command terminated with signal Terminated");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        // the command executor leaves once its task is terminal and the update acknowledged
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.agents().get(0).runningExecutors().isEmpty());
    }

    @Test
    void aTaskThatIgnoresSigtermIsKilledWithItsChildrenAfterItsGracePeriod() throws Exception {
        // SIGTERM stays ignored in the child too (an ignored signal survives exec)
        killWithOneSecondGrace("stubborn", "trap '' TERM; sleep 300 & echo $! > child; wait",
                "Command terminated with signal Killed");
    }

    @Test
    void aChildThatIgnoresSigtermIsKilledAfterTheGracePeriodThoughItsParentObeyed() throws Exception {
        // the child, reparented when its shell died, still goes once the grace period is over
        killWithOneSecondGrace("orphaning", "(trap '' TERM; exec sleep 300) & echo $! > child; wait",
                "Command terminated with signal Terminated");
    }

    /**
     * Runs a command that writes its child's pid to "child", kills the task (grace period 1 s),
     * and checks how Mesos' command executor reports the end and that the child is gone too.
     */
    private void killWithOneSecondGrace(String id, String command, String endMessage) throws Exception {
        launch(task(id, command).setKillPolicy(KillPolicy.newBuilder()
                .setGracePeriod(DurationInfo.newBuilder().setNanoseconds(Duration.ofSeconds(1).toNanos()))));
        TaskStatus running = scheduler.awaitUpdate(id, TaskState.TASK_RUNNING);
        await().atMost(Duration.ofSeconds(10)).until(() -> read(virtualSandbox(id) + "/child") != null
                && !read(virtualSandbox(id) + "/child").isBlank());
        long child = Long.parseLong(read(virtualSandbox(id) + "/child").trim());

        Call.Builder kill = Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(running.getAgentId()));
        scheduler.call(kill);
        scheduler.awaitUpdate(id, TaskState.TASK_KILLING);
        // a kill retried while the first one's grace period runs is no news: one TASK_KILLING, as Mesos' executor
        scheduler.call(kill);
        List<TaskStatus> rest = scheduler.updatesUntil(id, TaskState.TASK_KILLED);
        assertThat(rest).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_KILLED);
        assertThat(rest.get(0).getMessage()).isEqualTo(endMessage);
        await().atMost(Duration.ofSeconds(5)).until(() -> !ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    void exitStatusAndHealthChecksAreReported() throws Exception {
        launch(task("checked", "touch ready && sleep 2 && exit 3").setHealthCheck(HealthCheck.newBuilder()
                .setType(HealthCheck.Type.COMMAND).setCommand(CommandInfo.newBuilder().setValue("test -f ready"))
                .setIntervalSeconds(0.2).setDelaySeconds(0).setGracePeriodSeconds(5)));
        Event update;
        do {
            update = scheduler.next(Event.Type.UPDATE);
            TaskStatus s = update.getUpdate().getStatus();
            scheduler.call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                    .setAgentId(s.getAgentId()).setTaskId(s.getTaskId()).setUuid(s.getUuid())));
        } while (!update.getUpdate().getStatus().hasHealthy());
        assertThat(update.getUpdate().getStatus().getHealthy()).isTrue();
        TaskStatus failed = scheduler.awaitUpdate("checked", TaskState.TASK_FAILED);
        assertThat(failed.getMessage()).isEqualTo("Command exited with status 3");
    }

    @Test
    void theTaskDiesWithItsExecutorAndWithItsAgent() throws Exception {
        launch(task("victim", "echo $$ > pid && exec sleep 300").setKillPolicy(KillPolicy.newBuilder()
                .setGracePeriod(DurationInfo.newBuilder().setNanoseconds(Duration.ofSeconds(1).toNanos()))));
        scheduler.awaitUpdate("victim", TaskState.TASK_RUNNING);
        await().atMost(Duration.ofSeconds(10)).until(() -> read(virtualSandbox("victim") + "/pid") != null);
        long pid = Long.parseLong(read(virtualSandbox("victim") + "/pid").trim());

        assertThat(cluster.agents().get(0).crashExecutorOf("victim")).isTrue();
        TaskStatus failed = scheduler.awaitUpdate("victim", TaskState.TASK_FAILED);
        assertThat(failed.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
        assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_EXECUTOR_TERMINATED);
        await().atMost(Duration.ofSeconds(5)).until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

        launch(task("second", "echo $$ > pid && exec sleep 300"));
        scheduler.awaitUpdate("second", TaskState.TASK_RUNNING);
        await().atMost(Duration.ofSeconds(10)).until(() -> read(virtualSandbox("second") + "/pid") != null);
        long second = Long.parseLong(read(virtualSandbox("second") + "/pid").trim());
        cluster.agents().get(0).crash();
        await().atMost(Duration.ofSeconds(5)).until(() -> !ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    void anAgentThatStopsStartsNothingMoreAndLeavesNoTaskBehind() throws Exception {
        String marker = "sleep 4246." + ProcessHandle.current().pid();
        launch(task("first", "echo $$ > pid && exec " + marker));
        scheduler.awaitUpdate("first", TaskState.TASK_RUNNING);
        await().atMost(Duration.ofSeconds(10)).until(() -> read(virtualSandbox("first") + "/pid") != null);
        long first = Long.parseLong(read(virtualSandbox("first") + "/pid").trim());

        LocalAgent agent = cluster.agents().get(0);
        List<ExecutorRun> stopping = agent.terminate();
        launch(task("late", "exec " + marker)); // as a scheduler goes on launching while `up` stops
        agent.runningExecutors(); // the launch has reached the agent: its actor is past it
        agent.killExecutors(stopping, System.nanoTime() + Duration.ofSeconds(3).toNanos());

        try (var files = Files.walk(agent.workDir())) {
            assertThat(files.filter(p -> p.getFileName().toString().equals("late"))).as("late's sandbox").isEmpty();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false)
                && ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(marker)));
    }

    /** The process group of a process, from /proc/PID/stat (field 5). */
    private static long processGroup(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[2]);
    }
}
