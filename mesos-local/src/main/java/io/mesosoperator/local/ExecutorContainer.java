package io.mesosoperator.local;

import io.mesosoperator.executor.InProcessCommandExecutor;
import io.mesosoperator.mesos.CommandLines;
import io.mesosoperator.mesos.ProcessGroupGuard;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.CommandInfo;

/**
 * What runs one executor on a mesos-local agent: a child process in a process group of its own
 * (a custom executor), or Mesos' command executor inside the agent (see {@link InProcessCommandExecutor}).
 */
interface ExecutorContainer {
    /** The executor's process id; empty for the command executor, which has no process of its own here. */
    OptionalLong pid();

    /** "TERM" or "KILL", to everything the container runs. */
    void signal(String signal);

    /** Completes with the executor's exit value (128 + N after signal N). */
    CompletableFuture<Integer> onExit();

    /**
     * Starts a custom executor's command in its sandbox, appending to the sandbox's stdout and
     * stderr. The executor leads a process group of its own, which is what lets {@link #signal}
     * reach its whole tree, and the group dies with this JVM (see {@link ProcessGroupGuard}).
     */
    static ExecutorContainer start(CommandInfo command, Path sandbox, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(ProcessGroupGuard.argv(CommandLines.argv(command)))
                .directory(sandbox.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(sandbox.toFile(), "stdout")))
                .redirectError(ProcessBuilder.Redirect.appendTo(new File(sandbox.toFile(), "stderr")));
        builder.environment().clear();
        builder.environment().putAll(env);
        return of(builder.start());
    }

    static ExecutorContainer of(Process process) {
        return new ExecutorContainer() {
            @Override
            public OptionalLong pid() {
                return OptionalLong.of(process.pid());
            }

            @Override
            public void signal(String signal) {
                try {
                    new ProcessBuilder("kill", "-" + signal, "--", "-" + process.pid())
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start().waitFor(5, TimeUnit.SECONDS);
                } catch (IOException e) {
                    process.destroyForcibly();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public CompletableFuture<Integer> onExit() {
                return process.onExit().thenApply(Process::exitValue);
            }
        };
    }

    static ExecutorContainer of(InProcessCommandExecutor executor) {
        return new ExecutorContainer() {
            @Override
            public OptionalLong pid() {
                return OptionalLong.empty();
            }

            @Override
            public void signal(String signal) {
                if (signal.equals("KILL")) {
                    executor.kill();
                } else {
                    executor.terminate();
                }
            }

            @Override
            public CompletableFuture<Integer> onExit() {
                return executor.onExit();
            }
        };
    }
}
