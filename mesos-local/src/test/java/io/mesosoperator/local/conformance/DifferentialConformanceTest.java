package io.mesosoperator.local.conformance;

import static org.assertj.core.api.Assertions.fail;

import io.mesosoperator.local.EmbeddedZooKeeper;
import io.mesosoperator.local.MesosLocalCluster;
import io.mesosoperator.local.RealMesosCluster;
import io.mesosoperator.local.RequiresRealMesos;
import io.mesosoperator.mesos.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One scripted scheduler session (per content type) and one executor session, run against a real
 * Mesos 1.12 and against mesos-local; the two normalized transcripts must be equal, and a difference
 * fails naming the step and the field. What is compared, and why each normalization is legitimate:
 * {@link Normalizer}, {@link Stream}. Both clusters are configured alike: one agent with 2 cpus,
 * 3 GB and 20 GB, attributes {@code agent:agent-0;rack:r1} (a mesos-local agent always has its
 * {@code agent} attribute, so the real one is given it too), offers every 500 ms.
 */
@RequiresRealMesos
class DifferentialConformanceTest {
    static final String EXECUTOR = "exec " + Path.of(System.getProperty("java.home"), "bin", "java") + " -Xmx40m -jar "
            + Path.of(System.getProperty("mesos.operator.executor.jar")).toAbsolutePath();

    @TempDir
    static Path dir;
    static EmbeddedZooKeeper zk;
    static RealMesosCluster real;
    static MesosLocalCluster local;

    @BeforeAll
    static void start() throws Exception {
        zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir.resolve("zk"));
        real = RealMesosCluster.start(dir.resolve("real"), zk.connectString(), RealMesosCluster.Settings.defaults()
                .agents(1).agentAttributes("agent:agent-0;rack:r1"));
        local = MesosLocalCluster.builder(dir.resolve("local")).agents(1).agentResources(2, 3072, 20_000)
                .agentAttributes(List.of("rack:r1")).allocationInterval(Duration.ofMillis(500)).start();
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
        if (real != null) {
            real.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    static Session.Target realTarget() {
        return new Session.Target("real Mesos", real.masterUrl(), real.agents().get(0).workDir());
    }

    static Session.Target localTarget() {
        return new Session.Target("mesos-local", local.masterUrl(), local.agents().get(0).workDir());
    }

    @ParameterizedTest
    @EnumSource(ContentType.class)
    void schedulerSessionsMatch(ContentType type) throws Exception {
        SchedulerSession real = new SchedulerSession(realTarget(), type, EXECUTOR);
        SchedulerSession local = new SchedulerSession(localTarget(), type, EXECUTOR);
        assertSame("scheduler-" + type.name().toLowerCase(), real.transcript, real::run, local.transcript, local::run);
    }

    @Test
    void executorSessionsMatch() throws Exception {
        ExecutorSession real = new ExecutorSession(realTarget());
        ExecutorSession local = new ExecutorSession(localTarget());
        assertSame("executor", real.transcript, real::run, local.transcript, local::run);
    }

    /**
     * Runs the script against the real Mesos, then against mesos-local, and fails with every
     * difference; both transcripts go to target/conformance/ for a closer look.
     */
    static void assertSame(String name, Transcript expected, Run real, Transcript actual, Run local) throws Exception {
        Path out = Path.of("target", "conformance");
        Files.createDirectories(out);
        try {
            real.run();
        } catch (Exception | AssertionError e) {
            Files.writeString(out.resolve(name + "-real.txt"), expected.toString());
            throw new AssertionError("the " + name + " script failed against the real Mesos (see "
                    + out.toAbsolutePath().resolve(name + "-real.txt") + "): " + e.getMessage(), e);
        }
        Throwable failed = null;
        try {
            local.run();
        } catch (Exception | AssertionError e) {
            failed = e; // what came until then is still compared
        }
        Files.writeString(out.resolve(name + "-real.txt"), expected.toString());
        Files.writeString(out.resolve(name + "-local.txt"), actual.toString());
        List<String> differences = Transcript.differences(expected, actual);
        if (failed != null || !differences.isEmpty()) {
            fail("mesos-local differs from a real Mesos in the " + name + " session"
                    + (failed == null ? "" : " (and stopped early: " + failed.getMessage() + ")") + ":\n  "
                    + String.join("\n  ", differences) + "\n(transcripts in " + out.toAbsolutePath() + ")");
        }
    }

    interface Run {
        Object run() throws Exception;
    }
}
