package io.mesosoperator.local.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mesosoperator.local.RealMesosCluster;
import io.mesosoperator.local.RequiresRealMesos;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A framework nobody here wrote on mesos-local: {@code mesos-execute}, the command-line framework
 * of the Mesos build, on Mesos' own C++ v1 scheduler library, finding the master in ZooKeeper.
 * It runs a command task to its end, and another that it kills after it runs, with each content
 * type, against the real master and against mesos-local: what it prints (each status update with
 * its source, reason and message), its exit status and the task in {@code /state} must be the
 * same. mesos-execute cannot reconcile, send framework messages or shut an executor down; the
 * differential test covers those.
 */
@RequiresRealMesos
class MesosExecuteTest extends BothClustersTest {

    /** What one run of mesos-execute showed: its exit status, its normalized output, the task as /state had it. */
    record Run(int exitStatus, List<String> output, JsonNode task) {}

    /** Runs for a second, long enough to be seen RUNNING in /state. */
    static final String FINISHING = "echo hello from mesos-execute && sleep 1";

    @ParameterizedTest
    @ValueSource(strings = {"json", "protobuf"})
    void runsACommandTaskToItsEndAlike(String contentType) throws Exception {
        Run real = execute(clusters.realZkUrl(), clusters.real.masterUrl(), contentType, "finish",
                FINISHING, List.of());
        Run local = execute(clusters.localZkUrl(), clusters.local.masterUrl(), contentType, "finish",
                FINISHING, List.of());
        assertThat(real.exitStatus()).isZero();
        assertThat(real.output()).contains("Received status update TASK_FINISHED for task 'finish-" + contentType + "'");
        assertThat(real.task().path("state").asText()).isEqualTo("TASK_RUNNING");
        assertThat(local).isEqualTo(real);
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "protobuf"})
    void killsARunningTaskAlike(String contentType) throws Exception {
        List<String> kill = List.of("--kill_after=1secs");
        Run real = execute(clusters.realZkUrl(), clusters.real.masterUrl(), contentType, "kill", "sleep 60", kill);
        Run local = execute(clusters.localZkUrl(), clusters.local.masterUrl(), contentType, "kill", "sleep 60", kill);
        // TASK_KILLING_STATE is one of mesos-execute's capabilities
        assertThat(real.task().path("state").asText()).isEqualTo("TASK_RUNNING");
        assertThat(real.output()).containsSubsequence("Received status update TASK_KILLING for task 'kill-" + contentType + "'",
                "Received status update TASK_KILLED for task 'kill-" + contentType + "'");
        assertThat(local).isEqualTo(real);
    }

    /**
     * Runs mesos-execute to its end; while its task runs, reads the task from the master's /state
     * (once the framework is gone the task leaves /state: mesos-execute's failover timeout is 0).
     */
    private static Run execute(String zkUrl, String masterUrl, String contentType, String name, String command,
                               List<String> flags) throws Exception {
        String task = name + "-" + contentType;
        List<String> argv = new ArrayList<>(List.of(RealMesosCluster.home().orElseThrow().resolve("bin/mesos-execute").toString(),
                "--master=" + zkUrl, "--name=" + task, "--command=" + command, "--content_type=" + contentType,
                "--resources=cpus:0.1;mem:32"));
        argv.addAll(flags);
        Path log = Files.createDirectories(Path.of("target", "conformance"))
                .resolve("mesos-execute-" + task + (zkUrl.endsWith("/mesos-local") ? "-local" : "-real") + ".log");
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(false)
                .redirectError(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("LIBPROCESS_IP", "127.0.0.1");
        Process process = builder.start();
        try {
            JsonNode seen = await("task " + task + " running in /state (mesos-execute's log: " + log.toAbsolutePath() + ")")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> runningTask(masterUrl, task), t -> t != null || !process.isAlive());
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Files.writeString(Path.of(log.toString().replaceFirst("\\.log$", ".out")), out);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("mesos-execute did not end within 60s; its log: " + log);
            }
            return new Run(process.exitValue(), normalize(out), seen == null ? null : stateView(seen));
        } finally {
            process.destroyForcibly();
        }
    }

    /** The task in /state once it runs, or null. */
    private static JsonNode runningTask(String masterUrl, String task) throws IOException, InterruptedException {
        JsonNode state = Wire.JSON.readTree(Wire.get(URI.create(masterUrl + "/state")).body());
        for (JsonNode framework : state.path("frameworks")) {
            for (String list : List.of("tasks", "completed_tasks")) {
                for (JsonNode t : framework.path(list)) {
                    if (t.path("name").asText().equals(task) && t.path("state").asText().equals("TASK_RUNNING")) {
                        return t;
                    }
                }
            }
        }
        return null;
    }

    /** The task as /state shows it, without what differs from run to run (ids, clocks, containers). */
    private static JsonNode stateView(JsonNode task) {
        Normalizer normalizer = new Normalizer()
                .learn(task.path("framework_id").asText(), "<framework>")
                .learn(task.path("slave_id").asText(), "<agent>");
        return normalizer.json(task);
    }

    /** mesos-execute's lines, with the master's id (in framework and agent ids) and task ports normalized. */
    private static List<String> normalize(String output) {
        return output.lines().map(l -> l.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>"))
                .toList();
    }
}
