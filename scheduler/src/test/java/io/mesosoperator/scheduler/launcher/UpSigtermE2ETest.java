package io.mesosoperator.scheduler.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `up` promises that Ctrl-C or SIGTERM stops everything, tasks included. Stopped in the middle of
 * launches (right after a scale-up), of the relaunches that follow a restart from its work dir's
 * state, and of a scale-up during those, it leaves no task process behind: every process whose
 * command line carries this run's marker (the Services' sleep) is gone once `up` has exited.
 */
class UpSigtermE2ETest {
    private static final List<String> SERVICES = List.of("sleepers-a", "sleepers-b", "sleepers-c");

    /** A sleep no other process on the machine runs: its duration ends in this JVM's pid. */
    private final String marker = "sleep 86400." + ProcessHandle.current().pid();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path work;

    @Test
    void sigtermInTheMiddleOfLaunchesAndRelaunchesLeavesNoTaskProcess() throws Exception {
        Path workDir = work.resolve("state");

        Up up = Up.start(work, workDir, "first");
        applyAll(up, 5);
        await().atMost(Duration.ofSeconds(90)).until(() -> tasks().size() >= 6);
        applyAll(up, 10); // a scale-up: the launches are under way when SIGTERM comes
        stopAndExpectNoTaskLeft(up);

        // restarted from the state it left: it relaunches what it had, and is stopped meanwhile
        up = Up.start(work, workDir, "second");
        await().atMost(Duration.ofSeconds(120)).until(() -> !tasks().isEmpty());
        applyAll(up, 12);
        stopAndExpectNoTaskLeft(up);

        // and once more, stopped at its first relaunches
        up = Up.start(work, workDir, "third");
        await().atMost(Duration.ofSeconds(120)).until(() -> !tasks().isEmpty());
        stopAndExpectNoTaskLeft(up);
    }

    /** A failed run must not leave its sleeps on the machine. */
    @AfterEach
    void killLeftovers() {
        ProcessHandle.allProcesses().filter(this::isTask).forEach(ProcessHandle::destroyForcibly);
    }

    /** `bin/mesos-operator up` in a process of its own, as a user runs it, on free ports. */
    private record Up(Process process, int api, Path workDir) {
        static Up start(Path work, Path workDir, String name) throws Exception {
            int zk = FreePorts.one();
            int master = FreePorts.block(4); // the master and, on the next ports, three agents
            int api = FreePorts.one();
            int admin = FreePorts.one();
            Path log = work.resolve("up-" + name + ".log");
            ProcessBuilder builder = new ProcessBuilder(LauncherIT.LAUNCHER.toString(), "up",
                    "--work-dir", workDir.toString(), "--agents", "3", "--zk-port", Integer.toString(zk),
                    "--master-port", Integer.toString(master), "--api-port", Integer.toString(api),
                    "--admin-port", Integer.toString(admin))
                    .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("MESOS_OPERATOR_NO_BUILD", "1");
            Up up = new Up(builder.start(), api, workDir);
            await().atMost(Duration.ofSeconds(120)).until(() -> Files.readString(log).contains("mesos-operator is up"));
            return up;
        }
    }

    /** Applies the Services with {@code instances} each (retried until this instance leads and answers 2xx). */
    private void applyAll(Up up, int instances) {
        for (String name : SERVICES) {
            String spec = """
                    apiVersion: mesos-operator.io/v1
                    kind: Service
                    metadata:
                      name: %s
                    spec:
                      instances: %d
                      cpus: 0.01
                      mem: 16
                      command: '%s'
                    """.formatted(name, instances, marker);
            HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + up.api() + "/v1/resources"))
                    .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(spec)).build();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                    assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isBetween(200, 201));
        }
    }

    /** SIGTERM, as Ctrl-C or a service manager sends it; then not one task process may remain. */
    private void stopAndExpectNoTaskLeft(Up up) throws Exception {
        up.process().destroy();
        assertThat(up.process().waitFor(60, TimeUnit.SECONDS)).as("up exits after SIGTERM").isTrue();
        // a process killed a moment ago may still be on its way out
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(tasks())
                .as(() -> "task processes left by up; the end of its log:\n" + tail(up.workDir().resolve("logs/operator.log")))
                .isEmpty());
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    /** The processes of this run's tasks, as "pid (parent pid) command line". */
    private List<String> tasks() {
        return ProcessHandle.allProcesses().filter(this::isTask)
                .map(p -> p.pid() + " (" + p.parent().map(ProcessHandle::pid).orElse(-1L) + ") "
                        + p.info().commandLine().orElse(""))
                .toList();
    }

    private boolean isTask(ProcessHandle p) {
        return p.info().commandLine().orElse("").contains(marker);
    }
}
