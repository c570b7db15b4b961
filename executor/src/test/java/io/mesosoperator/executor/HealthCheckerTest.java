package io.mesosoperator.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.HealthCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TCP and HTTP checks go to 127.0.0.1, as Mesos' do, and to the task's own address when nothing
 * listens on the loopback: a server bound to the agent's address only (as a broker on a real agent)
 * is healthy, and one that listens nowhere is not.
 */
class HealthCheckerTest {
    @TempDir
    Path sandbox;

    /** The first verdict of a TCP check on {@code port}: true healthy, false not. */
    static boolean firstVerdict(int port, String taskHost, Path sandbox) throws Exception {
        HealthCheck check = HealthCheck.newBuilder().setType(HealthCheck.Type.TCP)
                .setTcp(HealthCheck.TCPCheckInfo.newBuilder().setPort(port))
                .setDelaySeconds(0).setIntervalSeconds(0.1).setTimeoutSeconds(1).setConsecutiveFailures(1)
                .setGracePeriodSeconds(0).build();
        BlockingQueue<Boolean> verdicts = new LinkedBlockingQueue<>();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        HealthChecker checker = new HealthChecker(check, sandbox, taskHost, new HealthChecker.Listener() {
            @Override
            public void healthChanged(boolean healthy, String message) {
                verdicts.add(healthy);
            }

            @Override
            public void unhealthyTooLong(String message) {
                verdicts.add(false);
            }
        });
        try {
            checker.start(timer);
            Boolean verdict = verdicts.poll(10, TimeUnit.SECONDS);
            assertThat(verdict).as("a verdict within 10 s").isNotNull();
            return verdict;
        } finally {
            checker.stop();
            timer.shutdownNow();
        }
    }

    /**
     * The grace period covers a task's start only: once healthy, its failures count at once, as a
     * real Mesos command executor counts them (a task that stopped answering within its first
     * minute was killed only when a 60 s grace period ended).
     */
    @Test
    void failuresCountAtOnceAfterTheFirstSuccessEvenInsideTheGracePeriod() throws Exception {
        java.nio.file.Path healthy = sandbox.resolve("healthy");
        java.nio.file.Files.createFile(healthy);
        HealthCheck check = HealthCheck.newBuilder().setType(HealthCheck.Type.COMMAND)
                .setCommand(org.apache.mesos.v1.Protos.CommandInfo.newBuilder().setShell(true).setValue("test -f healthy"))
                .setDelaySeconds(0).setIntervalSeconds(0.1).setTimeoutSeconds(5).setConsecutiveFailures(2)
                .setGracePeriodSeconds(600).build();
        BlockingQueue<String> reports = new LinkedBlockingQueue<>();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        HealthChecker checker = new HealthChecker(check, sandbox, null, new HealthChecker.Listener() {
            @Override
            public void healthChanged(boolean healthy, String message) {
                reports.add(healthy ? "healthy" : "unhealthy");
            }

            @Override
            public void unhealthyTooLong(String message) {
                reports.add("kill");
            }
        });
        try {
            checker.start(timer);
            assertThat(reports.poll(10, TimeUnit.SECONDS)).isEqualTo("healthy");
            java.nio.file.Files.delete(healthy);
            assertThat(reports.poll(10, TimeUnit.SECONDS)).isEqualTo("unhealthy");
            assertThat(reports.poll(10, TimeUnit.SECONDS)).isEqualTo("unhealthy");
            assertThat(reports.poll(10, TimeUnit.SECONDS)).isEqualTo("kill");
        } finally {
            checker.stop();
            timer.shutdownNow();
        }
    }

    @Test
    void aServerOnTheTasksOwnAddressOnlyIsHealthy() throws Exception {
        // 127.0.0.2 stands for the agent's address: Linux routes all of 127.0.0.0/8 to the loopback
        InetAddress agentAddress = InetAddress.getByName("127.0.0.2");
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(agentAddress, 0));
            assertThat(firstVerdict(server.getLocalPort(), "127.0.0.2", sandbox)).isTrue();
            assertThat(firstVerdict(server.getLocalPort(), null, sandbox)).as("127.0.0.1 alone finds nothing").isFalse();
        }
    }
}
