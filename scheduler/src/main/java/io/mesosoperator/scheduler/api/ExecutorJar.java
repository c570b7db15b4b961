package io.mesosoperator.scheduler.api;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the executor jar to hand to agents when mesos.executorUri is not configured (and, by the
 * same rules, the workload distributions dists/ builds).
 */
public final class ExecutorJar {
    public static final String PROPERTY = "mesos.operator.executor.jar";
    private static final String FILE = "mesos-operator-executor.jar";

    private ExecutorJar() {}

    public static Path locate() {
        return locate(FILE, "executor/target", PROPERTY, "MESOS_OPERATOR_EXECUTOR_JAR")
                .orElseThrow(() -> new IllegalStateException("cannot find " + FILE
                        + "; build it with `mvn -pl executor package` or set mesos.executorUri"));
    }

    /**
     * A build artifact the operator hands to agents: the system property or environment variable
     * set by bin/mesos-operator (or the tests), else next to the operator's jar (the Docker image
     * layout), else in the build tree under {@code buildDir}.
     */
    public static java.util.Optional<Path> locate(String file, String buildDir, String property, String envVariable) {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty(property, System.getenv(envVariable));
        if (configured != null) {
            candidates.add(Path.of(configured));
        }
        try {
            Path here = Path.of(ExecutorJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(here) ? here : here.getParent();
            candidates.add(dir.resolve(file));
            candidates.add(dir.resolve("../../" + buildDir + "/" + file).normalize());
            candidates.add(dir.resolve("../../../" + buildDir + "/" + file).normalize());
        } catch (URISyntaxException | SecurityException e) {
            // only the configured candidate then
        }
        return candidates.stream().filter(Files::isRegularFile).findFirst().map(Path::toAbsolutePath);
    }
}
