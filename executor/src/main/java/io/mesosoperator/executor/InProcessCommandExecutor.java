package io.mesosoperator.executor;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Mesos' command executor as mesos-local runs it: inside the agent's JVM, on threads of its own,
 * speaking the same v1 executor HTTP API to the agent as any executor. A real agent starts the
 * command executor as {@code mesos-executor}, a small C++ program that is up in milliseconds; a
 * JVM started for it would cost mesos-local a few hundred milliseconds per task that real Mesos
 * does not pay. Its task still runs as a process of its own, in a process group of its own.
 */
public final class InProcessCommandExecutor {
    private final MesosExecutor executor;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    private InProcessCommandExecutor(MesosExecutor executor) {
        this.executor = executor;
    }

    /**
     * @param environment what the agent would give the executor's process (MESOS_AGENT_ENDPOINT,
     *     MESOS_FRAMEWORK_ID, MESOS_EXECUTOR_ID, MESOS_SANDBOX, ...); its task's environment starts from it
     * @param stderr the sandbox's stderr file, where the executor's own lines go, as mesos-executor's do
     */
    public static InProcessCommandExecutor start(Map<String, String> environment, Path stderr) throws IOException {
        ExecutorSettings settings = ExecutorSettings.fromEnvironment(environment).asCommandExecutor();
        PrintStream out = new PrintStream(new FileOutputStream(stderr.toFile(), true), true);
        InProcessCommandExecutor started = new InProcessCommandExecutor(new MesosExecutor(settings, new Log(out, "mesos-executor")));
        Thread thread = new Thread(() -> {
            try {
                started.exit.complete(started.executor.run());
            } catch (RuntimeException | Error e) {
                out.println("mesos-executor: " + e);
                started.exit.complete(1);
            } finally {
                out.close();
            }
        }, "command-executor-" + settings.executorId());
        thread.setDaemon(true);
        thread.start();
        return started;
    }

    /** Completes with the exit value once the executor is done (137 after {@link #kill()}, as for a SIGKILL). */
    public CompletableFuture<Integer> onExit() {
        return exit;
    }

    /** As SIGTERM: the task is stopped within its grace period, then the executor leaves. */
    public void terminate() {
        executor.terminate();
    }

    /** As SIGKILL: the task's processes die at once and the executor sends nothing more. */
    public void kill() {
        executor.destroy();
    }
}
