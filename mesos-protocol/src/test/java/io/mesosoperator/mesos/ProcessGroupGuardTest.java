package io.mesosoperator.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A guarded command is the process started, leads a group of its own, and leaves nothing behind. */
class ProcessGroupGuardTest {
    @Test
    void theCommandKeepsThePidAndLeadsASessionOfItsOwn() throws Exception {
        Process command = start("echo $$; readlink /proc/$$/fd/0; exec sleep 300");
        try {
            BufferedReader out = reader(command);
            assertThat(Long.parseLong(out.readLine())).isEqualTo(command.pid());
            assertThat(out.readLine()).as("the command's stdin: the pipe is the guard's").isEqualTo("/dev/null");
            assertThat(processGroup(command.pid())).isEqualTo(command.pid());
            assertThat(processGroup(command.pid())).isNotEqualTo(processGroup(ProcessHandle.current().pid()));
        } finally {
            command.destroyForcibly();
        }
    }

    @Test
    void whatTheCommandLeftInItsGroupDiesWithIt() throws Exception {
        // the background sleep would outlive the command, reparented away from it
        Process command = start("sleep 300 & echo $!; exec sleep 302");
        long leftBehind = Long.parseLong(firstLine(command));
        assertThat(ProcessHandle.of(leftBehind).map(ProcessHandle::isAlive)).hasValue(true);
        command.destroy();
        assertThat(command.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ended(leftBehind)).isTrue();
    }

    @Test
    void theCommandDiesWithTheJvmThatStartedItEvenOnSigkill() throws Exception {
        Process jvm = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), GuardedSleep.class.getName())
                .redirectErrorStream(true).start();
        long sleep = Long.parseLong(firstLine(jvm));
        assertThat(ProcessHandle.of(sleep).flatMap(p -> p.info().commandLine())).hasValueSatisfying(
                line -> assertThat(line).contains("sleep 301"));
        jvm.destroyForcibly(); // no shutdown hook runs
        assertThat(ended(sleep)).isTrue();
    }

    /** The JVM of the last test: starts a guarded sleep, prints its pid, and waits to be killed. */
    public static final class GuardedSleep {
        public static void main(String[] args) throws Exception {
            Process sleep = new ProcessBuilder(ProcessGroupGuard.argv(List.of("sleep", "301"))).start();
            System.out.println(sleep.pid());
            Thread.sleep(300_000);
        }
    }

    private static Process start(String script) throws Exception {
        return new ProcessBuilder(ProcessGroupGuard.argv(List.of("/bin/sh", "-c", script))).start();
    }

    private static String firstLine(Process process) throws Exception {
        return reader(process).readLine();
    }

    private static BufferedReader reader(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Whether the process ends (it is not a child of this JVM: its handle polls). */
    private static boolean ended(long pid) throws Exception {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
            handle.get().onExit().get(10, TimeUnit.SECONDS);
        }
        return true;
    }

    private static long processGroup(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[2]);
    }
}
