package io.mesosoperator.local.conformance;

import static org.assertj.core.api.Assertions.fail;

import io.mesosoperator.local.RequiresRealMesos;
import io.mesosoperator.mesos.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One scripted scheduler session (per content type) and one executor session, run against a real
 * Mesos 1.12 and against mesos-local; the two normalized transcripts must be equal, and a difference
 * fails naming the step and the field. What is compared, and why each normalization is legitimate:
 * {@link Normalizer}, {@link Stream}; how the clusters are set up: {@link Clusters}.
 */
@RequiresRealMesos
class DifferentialConformanceTest extends BothClustersTest {
    static final String EXECUTOR = "exec " + Path.of(System.getProperty("java.home"), "bin", "java") + " -Xmx40m -jar "
            + Path.of(System.getProperty("mesos.operator.executor.jar")).toAbsolutePath();

    @ParameterizedTest
    @EnumSource(ContentType.class)
    void schedulerSessionsMatch(ContentType type) throws Exception {
        SchedulerSession real = new SchedulerSession(clusters.realTarget(), type, EXECUTOR);
        SchedulerSession local = new SchedulerSession(clusters.localTarget(), type, EXECUTOR);
        assertSame("scheduler-" + type.name().toLowerCase(), real.transcript, real::run, local.transcript, local::run);
    }

    @Test
    void executorSessionsMatch() throws Exception {
        ExecutorSession real = new ExecutorSession(clusters.realTarget());
        ExecutorSession local = new ExecutorSession(clusters.localTarget());
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
