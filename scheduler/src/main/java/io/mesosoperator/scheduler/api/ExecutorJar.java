package io.mesosoperator.scheduler.api;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the executor jar to hand to agents when mesos.executorUri is not configured: the system
 * property / environment variable set by bin/mesos-operator, else next to the operator's jar (the
 * Docker image layout), else the build tree.
 */
public final class ExecutorJar {
    public static final String PROPERTY = "mesos.operator.executor.jar";
    private static final String FILE = "mesos-operator-executor.jar";

    private ExecutorJar() {}

    public static Path locate() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty(PROPERTY, System.getenv("MESOS_OPERATOR_EXECUTOR_JAR"));
        if (configured != null) {
            candidates.add(Path.of(configured));
        }
        try {
            Path here = Path.of(ExecutorJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(here) ? here : here.getParent();
            candidates.add(dir.resolve(FILE));
            candidates.add(dir.resolve("../../executor/target/" + FILE).normalize());
            candidates.add(dir.resolve("../../../executor/target/" + FILE).normalize());
        } catch (URISyntaxException | SecurityException e) {
            // fall through to the error below
        }
        return candidates.stream().filter(Files::isRegularFile).findFirst().map(Path::toAbsolutePath)
                .orElseThrow(() -> new IllegalStateException("cannot find " + FILE + " (looked at " + candidates
                        + "); build it with `mvn -pl executor package` or set mesos.executorUri"));
    }
}
