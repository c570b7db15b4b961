package io.mesosoperator.scheduler.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command as a user runs it: `bin/mesos-operator up` in its own process, the
 * CLI against it, and SIGTERM stopping everything with no process or port left behind.
 */
class LauncherIT {
    static final Path HOME = Path.of(System.getProperty("mesos.operator.home", "..")).toAbsolutePath().normalize();
    static final Path LAUNCHER = HOME.resolve("bin/mesos-operator");

    @TempDir
    Path work;

    @Test
    void upRunsTheSampleAndStopsCleanlyOnSigterm() throws Exception {
        int zk = FreePorts.one();
        int master = FreePorts.block(3); // the master and, on the next ports, two agents
        int api = FreePorts.one();
        int admin = FreePorts.one();
        Path workDir = work.resolve("state");
        Path log = work.resolve("up.log");
        Process up = launcher(log, "up", "--work-dir", workDir.toString(), "--agents", "2", "--zk-port", Integer.toString(zk),
                "--master-port", Integer.toString(master), "--api-port", Integer.toString(api),
                "--admin-port", Integer.toString(admin));
        try {
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                    assertThat(Files.readString(log)).contains("mesos-operator is up", "http://127.0.0.1:" + api));
            String server = "http://127.0.0.1:" + api;
            assertThat(run("apply", "-f", HOME.resolve("sample-specs/service.yaml").toString(), "--server", server))
                    .contains("service/hello created");
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                    assertThat(run("get", "--server", server)).containsPattern("Service\\s+hello\\s+3/3\\s+Running"));
            assertThat(tasksUnder(workDir)).isNotEmpty();
        } finally {
            up.destroy(); // SIGTERM, as Ctrl-C / a service manager would
            assertThat(up.waitFor(60, TimeUnit.SECONDS)).as("up exits after SIGTERM").isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(tasksUnder(workDir)).isEmpty());
        for (int port : new int[] {zk, master, master + 1, master + 2, api, admin}) {
            assertThat(listening(port)).as("port %d released", port).isFalse();
        }
        assertThat(workDir.resolve("logs/operator.log")).content().contains("Service/hello is Running");
    }

    private Process launcher(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(Map.of("MESOS_OPERATOR_NO_BUILD", "1"));
        return builder.start();
    }

    private String run(String... args) throws Exception {
        Path out = Files.createTempFile(work, "cli", ".out");
        Process p = launcher(out, args);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Processes (executors and tasks) whose working directory lies under the work dir. */
    private static List<Long> tasksUnder(Path workDir) {
        String prefix = workDir.toAbsolutePath().toString();
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd")).toString().startsWith(prefix);
            } catch (IOException e) {
                return false;
            }
        }).map(ProcessHandle::pid).toList();
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }


}
