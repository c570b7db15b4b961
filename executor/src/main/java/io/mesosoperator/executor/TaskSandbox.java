package io.mesosoperator.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A task's own directory under its executor's sandbox, {@code tasks/<task id>} (where Mesos'
 * default executor puts each task of a group): the task's working directory, its stdout and
 * stderr, its rendered config files. What the agent put in the executor's sandbox (fetched
 * artifacts, persistent volumes) is linked into it, so the task finds them at the relative paths
 * its command names, and tasks that share an executor never share a working directory.
 */
final class TaskSandbox {
    static final String TASKS = "tasks";
    /** The executor's own entries, not the task's. */
    private static final Set<String> EXECUTOR_OWN = Set.of(TASKS, "stdout", "stderr");

    private TaskSandbox() {}

    static Path create(Path executorSandbox, String taskId) throws IOException {
        Path dir = executorSandbox.resolve(TASKS).resolve(taskId).normalize();
        if (!dir.getParent().equals(executorSandbox.resolve(TASKS).normalize())) {
            throw new IOException("task id '" + taskId + "' is not a valid directory name");
        }
        Files.createDirectories(dir);
        try (Stream<Path> entries = Files.list(executorSandbox)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                Path link = dir.resolve(name);
                if (!EXECUTOR_OWN.contains(name) && !Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, entry.toAbsolutePath());
                }
            }
        }
        return dir;
    }
}
